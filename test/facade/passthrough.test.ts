import { test } from 'tap'
import { callerAnswerHeaders, upstreamRequestHeaders, upstreamTarget } from '../../src/facade/passthrough.js'

test('the passthrough path check', async (t) => {
  t.equal(upstreamTarget('/contacts/abc?x=1'), '/contacts/abc?x=1')
  t.equal(upstreamTarget('/contacts/a.b'), '/contacts/a.b')
  for (const bad of ['/contacts/../admins', '/contacts/%2E%2E', '/a/./b', '/a%2fb', '/a%5cb', '/%zz', '/', '', '/a%00b']) {
    t.throws(() => upstreamTarget(bad), { code: 'FACADE_BAD_PATH' }, bad)
  }
})

test('hop-by-hop answer headers and Set-Cookie are dropped, Intercom\'s request id renamed', async (t) => {
  t.same(callerAnswerHeaders({ connection: 'keep-alive, x-secret', 'keep-alive': 'timeout=5', 'x-secret': '1', 'transfer-encoding': 'chunked', 'content-type': 'application/json', 'x-request-id': 'abc', 'x-ratelimit-remaining': '9', 'set-cookie': ['session=intercom; HttpOnly'] }),
    { 'content-type': 'application/json', 'intercom-request-id': 'abc', 'x-ratelimit-remaining': '9' })
})

test('only the body\'s and conditional-request headers of the caller go upstream', async (t) => {
  t.same(upstreamRequestHeaders({ authorization: 'Bearer caller', cookie: 'a=b', 'x-api-key': 'k', connection: 'keep-alive', 'content-type': 'application/json', 'content-length': '2', 'if-none-match': '"e"', 'intercom-version': '2.13' }),
    { 'content-type': 'application/json', 'content-length': '2', 'if-none-match': '"e"' })
})
