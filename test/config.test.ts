import { test } from 'tap'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig } from '../src/config.js'

test('regions map to Intercom\'s hosts; INTERCOM_BASE_URL wins', async (t) => {
  t.equal(loadConfig({}).intercom.baseUrl, 'https://api.intercom.io')
  t.equal(loadConfig({ INTERCOM_REGION: 'eu' }).intercom.baseUrl, 'https://api.eu.intercom.io')
  t.equal(loadConfig({ INTERCOM_REGION: 'au' }).intercom.baseUrl, 'https://api.au.intercom.io')
  t.equal(loadConfig({ INTERCOM_REGION: 'eu', INTERCOM_BASE_URL: 'http://127.0.0.1:4010/' }).intercom.baseUrl, 'http://127.0.0.1:4010')
  t.equal(loadConfig({}).intercom.sandbox, true)
  t.equal(loadConfig({ INTERCOM_ACCESS_TOKEN: 'x' }).intercom.sandbox, false)
  t.equal(loadConfig({}).intercom.version, '2.16')
})

test('a bad value is one line naming the variable and what it accepts', async (t) => {
  t.throws(() => loadConfig({ INTERCOM_REGION: 'mars' }), new ConfigError('Invalid configuration: INTERCOM_REGION must be one of us, eu, au (got "mars")'))
  t.throws(() => loadConfig({ PORT: 'http' }), { message: /^Invalid configuration: PORT must be an integer/ })
  t.throws(() => loadConfig({ UPSTREAM_HEADERS_TIMEOUT_MS: '0' }), { message: /UPSTREAM_HEADERS_TIMEOUT_MS/ })
  t.throws(() => loadConfig({ INTERCOM_VERSION: 'latest' }), { message: /INTERCOM_VERSION must be one of 2.14, 2.15, 2.16/ })
})

test('start-up with a bad INTERCOM_REGION fails naming it', async (t) => {
  const server = fileURLToPath(new URL('../src/server.ts', import.meta.url))
  const r = spawnSync(process.execPath, ['--import', 'tsx', server], { env: { ...process.env, INTERCOM_REGION: 'mars', INTERCOM_ACCESS_TOKEN: 'x' }, encoding: 'utf8', timeout: 30_000 })
  t.equal(r.status, 1)
  t.equal(r.stderr.trim(), 'Invalid configuration: INTERCOM_REGION must be one of us, eu, au (got "mars")')
})
