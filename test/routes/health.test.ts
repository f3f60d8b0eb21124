import { test } from 'tap'
import { build, json } from '../helper.js'
import { DEFAULT_VERSION } from '../../src/intercom-spec/versions.js'

test('GET /healthz answers without calling Intercom', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.same(json(res), { status: 'ok' })
  t.equal(emulator.requests.length, 0)
})

test('GET /readyz checks Intercom once per cache period, and turns 503 when shutting down', async (t) => {
  const { app, emulator } = await build(t)
  const a = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(a.statusCode, 200)
  t.match(json(a), { status: 'ready', checks: { shutting_down: false, upstream: { ok: true } } })
  await app.inject({ method: 'GET', url: '/readyz' })
  t.same(emulator.requests.map((r) => `${r.method} ${r.path}`), ['GET /me'], 'cached')
  app.lifecycle.shuttingDown = true
  const b = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(b.statusCode, 503)
  t.match(json(b), { status: 'not_ready', checks: { shutting_down: true } })
})

test('GET /readyz is 503 when Intercom refuses the token', async (t) => {
  const { app } = await build(t, { env: { INTERCOM_ACCESS_TOKEN: 'wrong' } })
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 503)
  t.match(json(res), { checks: { upstream: { ok: false, detail: 'identifyAdmin answered 401' } } })
})

test('GET /readyz depends on nothing a caller sends: a 1 ms deadline and a bogus Intercom-Version do not fail the shared check', async (t) => {
  const { app, emulator } = await build(t)
  // Intercom takes 50 ms: a check run under the caller's 1 ms deadline would fail and be cached.
  emulator.fault({ method: 'GET', path: '/me', delayMs: 50 })
  const hostile = await app.inject({ method: 'GET', url: '/readyz', headers: { 'x-request-deadline-ms': '1', 'intercom-version': '9.99', 'x-request-id': 'hostile-1' } })
  t.equal(hostile.statusCode, 200, 'the check ran under its own deadline')
  const calls = emulator.requests.filter((r) => r.path === '/me')
  t.equal(calls.length, 1)
  t.equal(calls[0].headers['intercom-version'], DEFAULT_VERSION, 'the configured Intercom-Version, not the caller\'s')
  t.not(calls[0].headers['x-request-id'], 'hostile-1', 'the check has its own request id')
  const next = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(next.statusCode, 200, 'the next plain /readyz is still ready')
  t.match(json(next), { status: 'ready', checks: { upstream: { ok: true } } })
})
