import { test } from 'tap'
import { build, json } from '../helper.js'

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
