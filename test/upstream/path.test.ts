import { test } from 'tap'
import { Ajv } from 'ajv'
import { encodeSegment, ipath, pathValueProblem, PATH_VALUE_MESSAGE, PATH_VALUE_RULE, toQueryString } from '../../src/upstream/path.js'

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

test('the one path-value rule: the function and the schema keywords agree on every case', async (t) => {
  const validate = new Ajv().compile({ type: 'string', ...PATH_VALUE_RULE })
  const accepted = ['6762f0dd1bb69f9f2193bb83', 'a/b', '...', '.a', 'a..b', 'ü', '\u{1F4A5}', 'a b?c#d', 'x'.repeat(255), '\u{1F4A5}'.repeat(255)]
  const refused: Array<[string, string]> = [
    ['', 'must not be empty'],
    ['.', PATH_VALUE_MESSAGE],
    ['..', PATH_VALUE_MESSAGE],
    ['abc\r\nX-Injected: yes', PATH_VALUE_MESSAGE],
    ['a\u0000', PATH_VALUE_MESSAGE],
    ['a\u001f', PATH_VALUE_MESSAGE],
    ['a\u007f', PATH_VALUE_MESSAGE],
    ['\ud800', PATH_VALUE_MESSAGE],
    ['a\udfffb', PATH_VALUE_MESSAGE],
    ['\ud83d', PATH_VALUE_MESSAGE],
    ['x'.repeat(256), 'must be at most 255 characters']
  ]
  for (const v of accepted) {
    t.equal(pathValueProblem(v), undefined, JSON.stringify(v))
    t.ok(validate(v), `schema accepts ${JSON.stringify(v)}`)
  }
  for (const [v, message] of refused) {
    t.equal(pathValueProblem(v), message, JSON.stringify(v))
    t.notOk(validate(v), `schema refuses ${JSON.stringify(v)}`)
  }
})

test('a value that cannot be percent-encoded is a 400 error, not a URIError', async (t) => {
  t.throws(() => encodeSegment('\ud800'), { code: 'FACADE_BAD_PATH_VALUE', statusCode: 400 })
  t.throws(() => ipath`/contacts/${'a\udc00'}`, { code: 'FACADE_BAD_PATH_VALUE' })
  t.equal(encodeSegment('\u{1F4A5}'), '%F0%9F%92%A5', 'a surrogate pair is one character, encoded')
  t.equal(encodeSegment('...'), '%2E%2E%2E')
})
