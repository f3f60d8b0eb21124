import { test } from 'tap'
import { callerAnswerHeaders, upstreamRequestHeaders, upstreamTarget } from '../../src/facade/passthrough.js'
import { build } from '../helper.js'

test('the passthrough path check: what follows the prefix goes upstream unchanged, or a 400', async (t) => {
  t.equal(upstreamTarget('/intercom/contacts/abc?x=1', '/intercom'), '/contacts/abc?x=1')
  t.equal(upstreamTarget('/intercom/contacts/a.b', '/intercom'), '/contacts/a.b')
  t.equal(upstreamTarget('/intercom/contacts/a%20b;c?q=%2F', '/intercom'), '/contacts/a%20b;c?q=%2F', 'a `;` in a segment that is not a dot segment is kept')
  t.equal(upstreamTarget('/intercom/contacts/...', '/intercom'), '/contacts/...', 'three dots are a name, not a dot segment')
  const refused: Array<[string, RegExp]> = [
    ['/intercom/contacts/../admins', /dot segments/],
    ['/intercom/contacts/%2E%2E', /dot segments/],
    ['/intercom/a/./b', /dot segments/],
    ['/intercom/contacts/..;/admins', /dot segments/],
    ['/intercom/contacts/.;x/admins', /dot segments/],
    ['/intercom/contacts/%2e%2e%3b/admins', /dot segments/],
    ['/intercom//admins', /empty segments/],
    ['/intercom/contacts//abc', /empty segments/],
    ['/intercom/contacts/', /empty segments/],
    ['/intercom/a%2fb', /encoded slashes/],
    ['/intercom/a%5cb', /encoded slashes/],
    ['/intercom/%zz', /malformed/],
    ['/intercom/a%00b', /control/],
    ['/intercom/', /required/],
    ['/intercom', /required/],
    ['http://evil/intercom/contacts', /absolute-form/],
    ['HTTP://127.0.0.1/intercom/admins?x=1', /absolute-form/]
  ]
  for (const [bad, why] of refused) {
    t.throws(() => upstreamTarget(bad, '/intercom'), { code: 'FACADE_BAD_PATH', message: why }, bad)
  }
})

test('hop-by-hop answer headers and Set-Cookie are dropped, Intercom\'s request id renamed', async (t) => {
  t.same(callerAnswerHeaders({ connection: 'keep-alive, x-secret', 'keep-alive': 'timeout=5', 'x-secret': '1', 'transfer-encoding': 'chunked', 'content-type': 'application/json', 'x-request-id': 'abc', 'x-ratelimit-remaining': '9', 'set-cookie': ['session=intercom; HttpOnly'] }),
    { 'content-type': 'application/json', 'intercom-request-id': 'abc', 'x-ratelimit-remaining': '9' })
})

test('only the body\'s and conditional-request headers of the caller go upstream', async (t) => {
  t.same(upstreamRequestHeaders({ authorization: 'Bearer caller', cookie: 'a=b', 'x-api-key': 'k', connection: 'keep-alive', 'content-type': 'application/json', 'content-length': '2', 'if-none-match': '"e"', 'intercom-version': '2.13' }),
    { 'content-type': 'application/json', 'content-length': '2', 'if-none-match': '"e"' })
  t.same(upstreamRequestHeaders({ accept: 'application/octet-stream' }), { accept: 'application/octet-stream' }, 'an Accept naming a media type crosses (Intercom\'s downloads require one)')
  t.same(upstreamRequestHeaders({ accept: '*/*' }), {}, 'a wildcard Accept does not: the client\'s application/json goes')
})

test('the passthrough sends the caller\'s Accept when it names a media type, else application/json', async (t) => {
  const { app, emulator } = await build(t)
  await app.inject({ method: 'GET', url: '/intercom/admins', headers: { accept: '*/*' } })
  t.equal(emulator.requests.at(-1)?.headers.accept, 'application/json')
  await app.inject({ method: 'GET', url: '/intercom/download/content/data/job1', headers: { accept: 'application/octet-stream' } })
  t.equal(emulator.requests.at(-1)?.headers.accept, 'application/octet-stream')
})
