import { test } from 'tap'
import { encodeSegment, ipath, toQueryString } from '../../src/upstream/path.js'
import { checkForwardPath, forwardResponseHeaders } from '../../src/facade/forward.js'

test('path values are one encoded segment each', async (t) => {
  t.equal(ipath`/contacts/${'../admins'}`, '/contacts/..%2Fadmins')
  t.equal(ipath`/contacts/${'..'}/tags`, '/contacts/%2E%2E/tags')
  t.equal(encodeSegment('.'), '%2E')
  t.equal(ipath`/contacts/find_by_external_id/${'a b?c#d'}`, '/contacts/find_by_external_id/a%20b%3Fc%23d')
  t.equal(ipath`/conversations/${42}/reply`, '/conversations/42/reply')
})

test('query strings skip undefined and repeat arrays', async (t) => {
  t.equal(toQueryString({ a: 1, b: undefined, c: ['x', 'y'] }), '?a=1&c=x&c=y')
  t.equal(toQueryString({}), '')
})

test('the passthrough path check', async (t) => {
  t.equal(checkForwardPath('/contacts/abc?x=1'), '/contacts/abc?x=1')
  t.equal(checkForwardPath('/contacts/a.b'), '/contacts/a.b')
  for (const bad of ['/contacts/../admins', '/contacts/%2E%2E', '/a/./b', '/a%2fb', '/a%5cb', '/%zz', '/', '', '/a%00b']) {
    t.throws(() => checkForwardPath(bad), { code: 'FACADE_BAD_PATH' }, bad)
  }
})

test('hop-by-hop answer headers are dropped, Intercom\'s request id renamed', async (t) => {
  t.same(forwardResponseHeaders({ connection: 'keep-alive, x-secret', 'keep-alive': 'timeout=5', 'x-secret': '1', 'transfer-encoding': 'chunked', 'content-type': 'application/json', 'x-request-id': 'abc', 'x-ratelimit-remaining': '9' }),
    { 'content-type': 'application/json', 'intercom-request-id': 'abc', 'x-ratelimit-remaining': '9' })
})
