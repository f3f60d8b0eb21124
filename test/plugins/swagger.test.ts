/**
 * src/plugins/swagger.ts: the tags (declared once, every used tag declared, resources first and
 * passthrough/catalog/operations last), and the `servers` of the document as served: from
 * PUBLIC_BASE_URL, else from a trusted hop's X-Forwarded-Proto/Host/Prefix (TRUST_PROXY), else
 * none; headers from an untrusted peer are ignored; the generated document never has `servers`.
 */
import { test } from 'tap'
import Fastify from 'fastify'
import YAML from 'yaml'
import { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { build } from '../helper.js'
import { generateOpenApiYaml } from '../../src/openapi-document.js'
import { OPENAPI_TAGS } from '../../src/plugins/swagger.js'

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gw.example.com', 'x-forwarded-prefix': '/intercom-facade' }

test('the tags: each used tag declared once with a description; resources first, passthrough, catalog, operations last', async (t) => {
  const doc = YAML.parse(await generateOpenApiYaml())
  const declared = (doc.tags as Array<{ name: string, description: string }>).map((x) => x.name)
  t.same(declared, OPENAPI_TAGS.map((x) => x.name), 'the document declares OPENAPI_TAGS, in order')
  t.equal(new Set(declared).size, declared.length, 'no tag twice')
  for (const tag of doc.tags) t.ok(tag.description.length > 10, `${tag.name} has a description`)
  const used = new Set<string>()
  for (const item of Object.values<Record<string, { tags?: string[] }>>(doc.paths)) {
    for (const op of Object.values(item)) for (const tag of op.tags ?? []) used.add(tag)
  }
  t.same([...used].filter((x) => !declared.includes(x)), [], 'every tag an operation uses is declared')
  t.same(declared.filter((x) => !used.has(x)), [], 'every declared tag has operations')
  t.same(declared.slice(-3), ['passthrough', 'catalog', 'operations'], 'the passthrough, catalog and operations come last')
  t.notOk('servers' in doc, 'the generated (committed) document names no deployment\'s URL')
})

test('servers: none by default, even with X-Forwarded-* (TRUST_PROXY=false)', async (t) => {
  const { app } = await build(t)
  for (const url of ['/openapi.json', '/docs/json']) {
    const res = await app.inject({ url, headers: FORWARDED })
    t.equal(res.statusCode, 200)
    t.notOk('servers' in res.json(), `${url}: no servers`)
  }
})

test('servers: from a trusted hop\'s X-Forwarded-Proto/Host/Prefix, in every served form; not from an untrusted peer', async (t) => {
  const { app } = await build(t, { env: { TRUST_PROXY: '10.0.0.0/8' } })
  const fromGateway = { headers: FORWARDED, remoteAddress: '10.1.2.3' }
  t.same((await app.inject({ url: '/openapi.json', ...fromGateway })).json().servers, [{ url: 'https://gw.example.com/intercom-facade' }], '/openapi.json')
  t.same((await app.inject({ url: '/docs/json', ...fromGateway })).json().servers, [{ url: 'https://gw.example.com/intercom-facade' }], '/docs/json (what Swagger UI loads)')
  t.same(YAML.parse((await app.inject({ url: '/openapi.yaml', ...fromGateway })).body).servers, [{ url: 'https://gw.example.com/intercom-facade' }], '/openapi.yaml')
  t.same(YAML.parse((await app.inject({ url: '/docs/yaml', ...fromGateway })).body).servers, [{ url: 'https://gw.example.com/intercom-facade' }], '/docs/yaml')

  const direct = await app.inject({ url: '/openapi.json', headers: FORWARDED, remoteAddress: '192.0.2.7' })
  t.notOk('servers' in direct.json(), 'a peer outside TRUST_PROXY is not believed')

  const prefixOnly = await app.inject({ url: '/openapi.json', headers: { 'x-forwarded-prefix': '/gw/' }, remoteAddress: '10.1.2.3' })
  t.same(prefixOnly.json().servers, [{ url: '/gw' }], 'a prefix alone: a path on the host the document came from')
  const chained = await app.inject({ url: '/openapi.json', headers: { 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'evil.example, gw.example.com', 'x-forwarded-prefix': '/a, /b' }, remoteAddress: '10.1.2.3' })
  t.same(chained.json().servers, [{ url: 'https://gw.example.com/b' }], 'the nearest hop\'s values (the last of a list)')
  const junk = await app.inject({ url: '/openapi.json', headers: { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'gw.example.com', 'x-forwarded-prefix': '/"><script>' }, remoteAddress: '10.1.2.3' })
  t.notOk('servers' in junk.json(), 'a scheme, host or prefix that is not plain is ignored')

  const plain = await app.inject({ url: '/openapi.json', remoteAddress: '10.1.2.3' })
  t.notOk('servers' in plain.json(), 'no X-Forwarded-*: relative')
  const again = await app.inject({ url: '/openapi.json' })
  t.notOk('servers' in again.json(), 'the cached document was not changed by an earlier request')
})

test('servers: PUBLIC_BASE_URL wins over forwarded headers', async (t) => {
  const { app } = await build(t, { env: { TRUST_PROXY: '1', PUBLIC_BASE_URL: 'https://api.example.com/facade/' } })
  const res = await app.inject({ url: '/openapi.json', headers: FORWARDED })
  t.same(res.json().servers, [{ url: 'https://api.example.com/facade' }], 'PUBLIC_BASE_URL, without its trailing slash')
})

test('TRUST_PROXY: request.ip, protocol and host believe X-Forwarded-* only through trusted hops (fastifyOptions)', async (t) => {
  const echo = (env: Record<string, string>) => {
    const app = Fastify(fastifyOptions(loadConfig({ INTERCOM_ACCESS_TOKEN: 'x', ...env }), false))
    app.get('/ip', async (request) => ({ ip: request.ip, protocol: request.protocol, host: request.host }))
    t.teardown(() => app.close())
    return app
  }
  const headers = { host: 'svc:3000', 'x-forwarded-for': '203.0.113.9, 198.51.100.4', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gw.example.com' }
  t.same((await echo({ TRUST_PROXY: '1' }).inject({ url: '/ip', headers, remoteAddress: '10.1.2.3' })).json(),
    { ip: '198.51.100.4', protocol: 'https', host: 'gw.example.com' }, 'hop count 1: the address the one proxy saw, its proto and host')
  t.same((await echo({ TRUST_PROXY: '10.0.0.0/8,198.51.100.4' }).inject({ url: '/ip', headers, remoteAddress: '10.1.2.3' })).json(),
    { ip: '203.0.113.9', protocol: 'https', host: 'gw.example.com' }, 'a list: every listed hop is skipped')
  t.same((await echo({ TRUST_PROXY: '10.0.0.0/8' }).inject({ url: '/ip', headers, remoteAddress: '192.0.2.7' })).json(),
    { ip: '192.0.2.7', protocol: 'http', host: 'svc:3000' }, 'a peer outside the list: its headers ignored')
  t.same((await echo({}).inject({ url: '/ip', headers, remoteAddress: '10.1.2.3' })).json(),
    { ip: '10.1.2.3', protocol: 'http', host: 'svc:3000' }, 'TRUST_PROXY=false (default): the socket\'s peer, headers ignored')
})
