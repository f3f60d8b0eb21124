import { t as tap, test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { build, json } from '../helper.js'
import app, { fastifyOptions } from '../../src/app.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { keyMatcher } from '../../src/plugins/auth.js'
import { startEmulator } from '../../src/emulator/index.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

const KEY_A = 'key-a-0123456789abcdef'
const KEY_B = 'key-b-fedcba9876543210'

test('with API_KEYS set, routes need a key by Bearer or X-API-Key; a missing or wrong key is a 401 problem and nothing goes upstream', async (t) => {
  const { app, emulator } = await build(t, { env: { API_KEYS: `${KEY_A}, ${KEY_B}` } })
  const missing = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'u-1' } })
  t.equal(missing.statusCode, 401)
  t.match(missing.headers['content-type'], /^application\/problem\+json/)
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="intercom-facade"')
  t.match(json(missing), { status: 401, code: 'UNAUTHORIZED', instance: '/contacts/upsert', detail: /API key is required/ })

  const wrong = await app.inject({ method: 'GET', url: '/contacts/abc', headers: { authorization: `Bearer ${KEY_A}x` } })
  t.equal(wrong.statusCode, 401)
  t.match(json(wrong), { detail: /not valid/ })
  const wrongHeader = await app.inject({ method: 'GET', url: '/contacts/abc', headers: { 'x-api-key': 'short' } })
  t.equal(wrongHeader.statusCode, 401)
  const basic = await app.inject({ method: 'GET', url: '/contacts/abc', headers: { authorization: `Basic ${Buffer.from(`x:${KEY_A}`).toString('base64')}` } })
  t.equal(basic.statusCode, 401, 'only the Bearer scheme is accepted')
  const unknownRoute = await app.inject({ method: 'GET', url: '/no/such/thing' })
  t.equal(unknownRoute.statusCode, 401, 'an unauthenticated caller cannot probe which routes exist')
  const passthrough = await app.inject({ method: 'GET', url: '/intercom/admins' })
  t.equal(passthrough.statusCode, 401, 'the passthrough needs a key too')
  t.equal(emulator.requests.length, 0, 'nothing reached Intercom')

  const bearer = await app.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99', headers: { authorization: `bearer ${KEY_A}` } })
  t.equal(bearer.statusCode, 404, 'Bearer (any case) with the first key passes to the route')
  const apiKey = await app.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99', headers: { 'x-api-key': KEY_B } })
  t.equal(apiKey.statusCode, 404, 'X-API-Key with the second key passes to the route')
  t.equal(emulator.requests.length, 2)
  t.notOk(emulator.requests.some((r) => JSON.stringify(r.headers).includes(KEY_A) || JSON.stringify(r.headers).includes(KEY_B)), 'the caller\'s key is never sent to Intercom')
})

test('/healthz, /readyz, /metrics, the OpenAPI document and /docs stay open; the list is configurable', async (t) => {
  const { app } = await build(t, { env: { API_KEYS: KEY_A } })
  for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/openapi.yaml', '/docs/', '/docs/json', '/healthz?x=1']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, `${url} is open`)
  }
  const closed = await build(t, { env: { API_KEYS: KEY_A, AUTH_OPEN_PATHS: '/healthz' } })
  t.equal((await closed.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401, '/metrics closed when not listed')
  t.equal((await closed.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-api-key': KEY_A } })).statusCode, 200)
  t.equal((await closed.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  t.equal((await closed.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200, '/docs is always open')
})

test('without API_KEYS every route is open, and the start-up log says so', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({ write (chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb() } })
  const emulator = await startEmulator()
  const config = loadConfig({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url, UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10' })
  const fastify = Fastify(fastifyOptions(config, { level: 'info', stream } as object))
  await fastify.register(app, { config })
  await fastify.ready()
  t.teardown(async () => { await fastify.close(); await emulator.close() })
  t.ok(lines.some((l) => l.level === 40 && /^AUTH DISABLED: API_KEYS is not set/.test(String(l.msg))), 'a warning says auth is off')
  const res = await fastify.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99' })
  t.equal(res.statusCode, 404, 'the route is reached without a key')
})

test('API_KEYS may name a file; bad values stop start-up naming API_KEYS without printing a key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'facade-keys-'))
  const file = join(dir, 'keys')
  writeFileSync(file, `# rotated 2026-11\n${KEY_A}\n\n${KEY_B}\n`)
  const { app } = await build(t, { env: { API_KEYS: file } })
  t.equal((await app.inject({ method: 'GET', url: '/contacts/x', headers: { 'x-api-key': KEY_B } })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/contacts/x', headers: { 'x-api-key': '# rotated 2026-11' } })).statusCode, 401, 'comments are not keys')

  t.throws(() => loadConfig({ API_KEYS: join(dir, 'missing') }), new ConfigError('Invalid configuration: API_KEYS names a file that cannot be read (ENOENT: ' + join(dir, 'missing') + ')'))
  t.throws(() => loadConfig({ API_KEYS: ' , ' }), { message: 'Invalid configuration: API_KEYS must name at least one key' })
  let message = ''
  try { loadConfig({ API_KEYS: `${KEY_A},tooShortKey` }) } catch (err) { message = (err as Error).message }
  t.equal(message, 'Invalid configuration: API_KEYS key #2 is shorter than 16 characters')
})

test('the key matcher accepts exactly the configured keys', async (t) => {
  const matches = keyMatcher([KEY_A, KEY_B])
  t.ok(matches(KEY_A))
  t.ok(matches(KEY_B))
  t.notOk(matches(KEY_A.slice(0, -1)), 'a prefix is not a key')
  t.notOk(matches(`${KEY_A} `))
  t.notOk(matches(''))
})

test('the OpenAPI document declares the schemes, so Swagger UI shows Authorize; open routes need none', async (t) => {
  const { app } = await build(t, { env: { API_KEYS: KEY_A } })
  const doc = json(await app.inject({ method: 'GET', url: '/openapi.json' }))
  t.same(Object.keys(doc.components.securitySchemes).sort(), ['apiKeyHeader', 'bearerAuth'])
  t.match(doc.components.securitySchemes, { bearerAuth: { type: 'http', scheme: 'bearer' }, apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' } })
  t.same(doc.security, [{ bearerAuth: [] }, { apiKeyHeader: [] }])
  t.same(doc.paths['/healthz'].get.security, [])
  t.same(doc.paths['/metrics'].get.security, [])
  t.equal(doc.paths['/contacts/upsert'].post.security, undefined, 'facade routes inherit the document-wide requirement')
})
