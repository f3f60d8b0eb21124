import { test } from 'tap'
import { appWithLog } from './log-helper.js'
import { redactPath, redactQuery } from '../src/logging.js'

const API_KEY = 'facade-key-0123456789abcdef'

test('the request log names the route and a redacted query: never a credential, never an email', async (t) => {
  const { app, emulator, lines, entries } = await appWithLog(t, { API_KEYS: API_KEY, RETRY_MAX_ATTEMPTS: '1' })
  const auth = { authorization: `Bearer ${API_KEY}` }

  const refused = await app.inject({ method: 'GET', url: `/contacts?api_key=${API_KEY}&per_page=5` })
  t.equal(refused.statusCode, 401, 'a key in the query is refused')
  await app.inject({ method: 'GET', url: '/contacts/by-external-id/ada@example.com', headers: auth })
  await app.inject({ method: 'GET', url: '/events?email=ada%40example.com&per_page=5', headers: auth })
  await app.inject({ method: 'GET', url: '/intercom/contacts?email=ada@example.com&per_page=2', headers: auth })
  // A passthrough call that fails in transport is logged with its upstream path: its query is redacted too.
  emulator.fault({ method: 'GET', path: '/contacts', reset: true, times: 5 })
  const reset = await app.inject({ method: 'GET', url: '/intercom/contacts?email=ada@example.com', headers: auth })
  t.equal(reset.statusCode, 502)

  const log = lines.join('\n')
  t.notOk(log.includes(API_KEY), 'the API key is not in the log')
  t.notOk(/ada(@|%40)example\.com/.test(log), 'the email is not in the log')
  const incoming = entries().filter((e) => e.msg === 'incoming request').map((e) => e.req)
  // (`/contacts` or `/contacts/`: how a collection route is published is another issue's.)
  t.match(incoming.map((r) => [r.method, r.route, r.query]), [
    ['GET', /^\/contacts\/?$/, `api_key=[redacted]&per_page=5`],
    ['GET', '/contacts/by-external-id/:external_id', undefined],
    ['GET', /^\/events\/?$/, 'email=[redacted]&per_page=5'],
    ['GET', '/intercom/*', 'email=[redacted]&per_page=2'],
    ['GET', '/intercom/*', 'email=[redacted]']
  ], 'route pattern and redacted query per request')
  t.equal(incoming.length, 5)
  t.ok(incoming.every((r) => r.url === undefined), 'no raw URL')
  const upstreamError = entries().find((e) => e.msg === 'upstream error' && e.err?.call?.operationId === 'passthrough')
  t.equal(upstreamError?.err?.call?.path, '/contacts?email=[redacted]', 'the logged upstream path is redacted')
})

test('redactQuery keeps keys and plain paging values, nothing else', async (t) => {
  t.equal(redactQuery(''), '')
  t.equal(redactQuery('per_page=10&page=2&summary=true'), 'per_page=10&page=2&summary=true')
  t.equal(redactQuery('email=a%40b.co&api_key=k&name=Ada'), 'email=[redacted]&api_key=[redacted]&name=[redacted]')
  t.equal(redactQuery('per_page=a%40b.co'), 'per_page=[redacted]', 'a paging key with an odd value is redacted')
  t.equal(redactQuery('ada%40example.com&flag'), '[redacted]&flag', 'a key that is not a key is redacted')
})

test('redactPath hides a segment holding an email and the query values', async (t) => {
  t.equal(redactPath('/contacts/6762f0dd/tags'), '/contacts/6762f0dd/tags')
  t.equal(redactPath('/contacts/find_by_external_id/ada%40example.com'), '/contacts/find_by_external_id/[redacted]')
  t.equal(redactPath('/contacts/a@b.co/x?email=a@b.co&per_page=3'), '/contacts/[redacted]/x?email=[redacted]&per_page=3')
})

test('request.log: a pino child only for a request that logs a line, with its reqId and intercom_version', async (t) => {
  let children = 0
  const { app, emulator, entries } = await appWithLog(t, { RETRY_MAX_ATTEMPTS: '1' }, { level: 'warn', onChild: () => { children++ } })
  const before = children
  const linesBefore = entries().length
  for (let i = 0; i < 5; i++) {
    const ok = await app.inject({ method: 'GET', url: '/intercom/admins' })
    t.equal(ok.statusCode, 200)
  }
  t.equal(children - before, 0, 'five requests that log nothing at warn made no child logger')
  t.equal(entries().length, linesBefore, 'and wrote nothing')

  emulator.fault({ method: 'GET', path: '/admins', reset: true, times: 5 })
  const failed = await app.inject({ method: 'GET', url: '/intercom/admins', headers: { 'intercom-version': '2.14', 'x-request-id': 'req-log-1' } })
  t.equal(failed.statusCode, 502)
  t.equal(children - before, 1, 'the request that logged made one child')
  const line = entries().find((e) => e.msg === 'upstream error')
  t.equal(line?.reqId, 'req-log-1', 'the line carries the request id')
  t.equal(line?.intercom_version, '2.14', 'and the Intercom-Version the request spoke')
})

test('at info every request line carries reqId, and those after the version is known carry intercom_version', async (t) => {
  const { app, entries } = await appWithLog(t)
  const res = await app.inject({ method: 'GET', url: '/admins', headers: { 'x-request-id': 'req-log-2' } })
  t.equal(res.statusCode, 200)
  const mine = entries().filter((e) => e.reqId === 'req-log-2')
  t.same(mine.map((e) => e.msg), ['incoming request', 'request completed'])
  t.equal(mine[1].intercom_version, '2.16', '"request completed" names the version (the default)')
  t.equal(res.headers['intercom-version'], '2.16')
  t.equal(res.headers['x-request-id'], 'req-log-2')
})
