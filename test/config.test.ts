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

test('TRUST_PROXY: false by default, a hop count, or a list of addresses/CIDRs/names; anything else names the entry', async (t) => {
  t.equal(loadConfig({}).http.trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy, 2)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.2,loopback' }).http.trustProxy, ['10.0.0.0/8', '127.0.0.2', 'loopback'])
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8,gateway.internal' }), { message: /^Invalid configuration: TRUST_PROXY "gateway\.internal" is not an IP address, a CIDR/ })
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' }), { message: /TRUST_PROXY "10\.0\.0\.0\/99"/ })
})

test('PUBLIC_BASE_URL: an http(s) URL, kept without its trailing slash', async (t) => {
  t.equal(loadConfig({}).http.publicBaseUrl, undefined)
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'https://gw.example.com/intercom-facade/' }).http.publicBaseUrl, 'https://gw.example.com/intercom-facade')
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'gw.example.com/facade' }), { message: /^Invalid configuration: PUBLIC_BASE_URL must match/ })
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'https://gw.example.com/?x=1' }), { message: /PUBLIC_BASE_URL/ })
})
