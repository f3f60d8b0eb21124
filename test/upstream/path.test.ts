import { test } from 'tap'
import { encodeSegment, ipath, toQueryString } from '../../src/upstream/path.js'

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
