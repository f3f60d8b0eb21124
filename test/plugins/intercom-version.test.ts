import { t as tap, test } from 'tap'
import { Writable } from 'node:stream'
import { build, json, seedContact } from '../helper.js'
import { ConfigError, loadConfig } from '../../src/config.js'

tap.setTimeout(300_000)

test('INTERCOM_VERSION defaults to 2.16, must be supported, and names the supported ones when not', async (t) => {
  t.equal(loadConfig({}).intercom.version, '2.16')
  t.equal(loadConfig({ INTERCOM_VERSION: '2.14' }).intercom.version, '2.14')
  t.throws(() => loadConfig({ INTERCOM_VERSION: '2.13' }), new ConfigError('Invalid configuration: INTERCOM_VERSION must be one of 2.14, 2.15, 2.16 (got "2.13")'))
  t.throws(() => loadConfig({ INTERCOM_VERSION: 'Unstable' }), { message: /INTERCOM_VERSION must be one of 2\.14, 2\.15, 2\.16/ })
})

test('facade routes send the configured version, or the caller\'s supported one, and echo it', async (t) => {
  const { app, emulator } = await build(t)
  const ada = await seedContact(emulator, { email: 'ada.version@example.com' })
  const byDefault = await app.inject({ method: 'GET', url: `/contacts/${ada.id}` })
  t.equal(byDefault.statusCode, 200)
  t.equal(byDefault.headers['intercom-version'], '2.16')
  const asked = await app.inject({ method: 'GET', url: `/contacts/${ada.id}`, headers: { 'intercom-version': '2.14' } })
  t.equal(asked.statusCode, 200)
  t.equal(asked.headers['intercom-version'], '2.14')
  t.same(emulator.requests.map((r) => r.headers['intercom-version']), ['2.16', '2.14'])
})

test('an unsupported Intercom-Version on a facade route or the catalog is a 400 naming the header and the supported ones; nothing is sent', async (t) => {
  const { app, emulator } = await build(t)
  for (const [method, url] of [['GET', '/contacts/abc'], ['GET', '/intercom/operations'], ['POST', '/intercom/operations/listAdmins']] as const) {
    for (const v of ['2.13', 'Unstable', 'latest\r\nx']) {
      const res = await app.inject({ method, url, headers: { 'intercom-version': v, 'content-type': 'application/json' }, payload: method === 'POST' ? '{}' : undefined })
      t.equal(res.statusCode, 400, `${method} ${url} with ${JSON.stringify(v)}`)
      t.match(res.headers['content-type'], /problem\+json/)
      t.equal(json(res).code, 'FACADE_BAD_INTERCOM_VERSION')
      t.equal(json(res).detail, `Intercom-Version header ${JSON.stringify(v)} is not supported: use one of 2.14, 2.15, 2.16, or send none for INTERCOM_VERSION`)
      t.notOk(res.headers['intercom-version'], 'no version is echoed when none is used')
    }
  }
  t.equal(emulator.requests.length, 0)
})

test('the raw passthrough forwards any version Intercom accepts (N.N, Unstable), and only those', async (t) => {
  const { app, emulator } = await build(t)
  for (const v of ['2.13', 'Unstable', '2.14']) {
    const res = await app.inject({ method: 'GET', url: '/intercom/admins', headers: { 'intercom-version': v } })
    t.equal(res.statusCode, 200, v)
    t.equal(res.headers['intercom-version'], v)
  }
  const none = await app.inject({ method: 'GET', url: '/intercom/admins' })
  t.equal(none.headers['intercom-version'], '2.16')
  t.same(emulator.requests.map((r) => r.headers['intercom-version']), ['2.13', 'Unstable', '2.14', '2.16'])
  const bad = await app.inject({ method: 'GET', url: '/intercom/admins', headers: { 'intercom-version': 'latest' } })
  t.equal(bad.statusCode, 400)
  t.equal(json(bad).detail, 'Intercom-Version header "latest" is not supported: use one of 2.14, 2.15, 2.16 or any N.N or Unstable that Intercom accepts, or send none for INTERCOM_VERSION')
  t.equal(emulator.requests.length, 4, 'nothing sent for the bad one')
})

test('the version is a label of the upstream call metrics and a binding of the request\'s log lines', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({ write (chunk: Buffer, _enc, cb) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l)); cb() } })
  const { app, emulator } = await build(t, { logger: { level: 'info', stream } })
  const ada = await seedContact(emulator, { email: 'ada.metrics@example.com' })
  await app.inject({ method: 'GET', url: `/contacts/${ada.id}`, headers: { 'intercom-version': '2.14' } })
  await app.inject({ method: 'GET', url: `/contacts/${ada.id}` })
  await app.inject({ method: 'GET', url: '/intercom/admins', headers: { 'intercom-version': 'Unstable' } })
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body.split('\n').filter((l) => l.startsWith('intercom_requests_total{'))
  const count = (labels: string[]): number => metrics.filter((l) => labels.every((x) => l.includes(x))).reduce((n, l) => n + Number(l.split(' ').pop()), 0)
  t.equal(count(['operation="ShowContact"', 'version="2.14"', 'status="200"']), 1)
  t.equal(count(['operation="ShowContact"', 'version="2.16"', 'status="200"']), 1)
  t.equal(count(['operation="passthrough"', 'version="Unstable"']), 1)
  const completed = lines.filter((l) => l.msg === 'request completed')
  t.same(completed.slice(0, 3).map((l) => l.intercom_version), ['2.14', '2.16', 'Unstable'], 'the completion log line names the version used')
})
