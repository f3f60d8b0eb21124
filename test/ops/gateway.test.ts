/**
 * Behind a gateway, for real: Debian's HAProxy (installed by `npm test` when missing) runs the
 * shipped deploy/haproxy.cfg (its global and defaults sections and its frontend's forwarded-header
 * rules, as docker-compose.yml runs it) with a prefix mount added the way a path-routing gateway does
 * it: `/gw/...` is stripped to `/...` and sent with `X-Forwarded-Prefix: /gw`. HAProxy connects to
 * the service from 127.0.0.2, the only address in TRUST_PROXY. Chromium (playwright-core) opens
 * Swagger UI at `/gw/docs/` through HAProxy and runs "Try it out" for POST /contacts/upsert: the
 * call goes to `/gw/contacts/upsert` and answers 200, and the service's access log line for it
 * shows the client's address, not HAProxy's.
 */
import { t as tap, test, type Test } from 'tap'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import app, { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startEmulator } from '../../src/emulator/index.js'
import { freePort } from '../../scripts/free-port.js'
import { locate, TOOLS } from '../../scripts/system-deps.js'
import { startProcess, waitFor } from './processes.js'
import { openSwaggerUi, tryItOut } from '../browser/swagger-ui-driver.js'

tap.setTimeout(300_000)

const HAPROXY_SOURCE = '127.0.0.2'
const PREFIX = '/gw'

/** The sections of an HAProxy config by their header line (`frontend http`), each with its lines. */
function sections (text: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  let current: string[] | undefined
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trimEnd()
    if (line.trim() === '') continue
    if (/^\S/.test(line)) {
      current = []
      out.set(line.trim(), current)
    } else {
      current?.push(line.trim())
    }
  }
  return out
}

/** deploy/haproxy.cfg's global, defaults and frontend rules, a `/gw` prefix mount, one loopback backend. */
function gatewayConfig (listenPort: number, servicePort: number): string {
  const shipped = sections(readFileSync(new URL('../../deploy/haproxy.cfg', import.meta.url), 'utf8'))
  const frontend = [...shipped].find(([k]) => k.startsWith('frontend '))![1]
  const indent = (lines: string[]): string => lines.map((l) => `  ${l}`).join('\n')
  return [
    'global', indent(shipped.get('global')!),
    'defaults', indent(shipped.get('defaults')!),
    'frontend gw',
    `  bind 127.0.0.1:${listenPort}`,
    indent(frontend.filter((l) => l.startsWith('http-request '))),
    `  acl prefixed path_beg ${PREFIX}/`,
    `  http-request deny deny_status 404 unless prefixed`,
    `  http-request set-header X-Forwarded-Prefix ${PREFIX}`,
    `  http-request set-path %[path,regsub(^${PREFIX}/,/)]`,
    '  default_backend facade',
    'backend facade',
    `  server facade1 127.0.0.1:${servicePort} source ${HAPROXY_SOURCE}`,
    ''
  ].join('\n')
}

/** The service over the seeded emulator on a loopback port, trusting only HAProxy's address, its log lines kept. */
async function service (t: Test): Promise<{ port: number, logs: Array<Record<string, any>> }> {
  const emulator = await startEmulator({ seed: true, searchLagMs: 0 })
  const config = loadConfig({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url, TRUST_PROXY: HAPROXY_SOURCE, PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', LOG_LEVEL: 'info' })
  const logs: Array<Record<string, any>> = []
  const stream = new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line))
      done()
    }
  })
  const fastify = Fastify(fastifyOptions(config, { level: 'info', stream } as any))
  await fastify.register(app, { config })
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await fastify.close()
    await emulator.close()
  })
  return { port: (fastify.server.address() as { port: number }).port, logs }
}

test('Swagger UI through HAProxy under /gw: Try it out for POST /contacts/upsert calls /gw/contacts/upsert, and the access log shows the client\'s address', async (t) => {
  const haproxy = locate(TOOLS.haproxy)
  if (haproxy === undefined) return t.fail(`HAProxy is not installed: ${TOOLS.haproxy.install}`)

  const svc = await service(t)
  const dir = mkdtempSync(join(tmpdir(), 'facade-haproxy-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const gwPort = await freePort()
  const cfg = join(dir, 'haproxy.cfg')
  writeFileSync(cfg, gatewayConfig(gwPort, svc.port))
  const proc = startProcess(t, haproxy, ['-db', '-f', cfg])
  const gw = `http://127.0.0.1:${gwPort}`
  await waitFor('HAProxy to forward', async () => {
    if (proc.child.exitCode !== null) throw new Error(`haproxy exited with ${proc.child.exitCode}: ${proc.output()}`)
    const res = await fetch(`${gw}${PREFIX}/healthz`)
    await res.arrayBuffer()
    return res.ok ? true : undefined
  })

  // The document fetched through the gateway names the gateway's URL; fetched directly, none.
  const viaGateway = await (await fetch(`${gw}${PREFIX}/openapi.json`)).json() as { servers?: Array<{ url: string }> }
  t.same(viaGateway.servers, [{ url: `${gw}${PREFIX}` }], 'through HAProxy: servers is the gateway URL with the prefix')
  const spoofed = await (await fetch(`http://127.0.0.1:${svc.port}/openapi.json`, { headers: { 'x-forwarded-prefix': '/evil', 'x-forwarded-host': 'evil.example' } })).json() as { servers?: unknown }
  t.notOk('servers' in spoofed, 'directly from an untrusted peer: X-Forwarded-* ignored')
  const clientSpoof = await (await fetch(`${gw}${PREFIX}/openapi.json`, { headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-prefix': '/evil' } })).json() as { servers?: Array<{ url: string }> }
  t.same(clientSpoof.servers, [{ url: `${gw}${PREFIX}` }], 'a client\'s own X-Forwarded-Host/Prefix are dropped by the gateway')

  const calls: string[] = []
  const page = await openSwaggerUi(t, `${gw}${PREFIX}/docs/`)
  if (page === undefined) return
  page.on('request', (r) => { if (r.method() === 'POST') calls.push(r.url()) })
  const shown = await tryItOut(page, 'contacts-upsertContact')
  t.equal(shown.status, '200', 'the page shows the 200 answer')
  t.match(JSON.parse(shown.body), { action: /^(created|updated)$/, contact: { type: 'contact', external_id: 'user-1001' } }, 'and the upsert result')
  t.same(calls, [`${gw}${PREFIX}/contacts/upsert`], 'Try it out called the prefixed path on the gateway')
  t.match(shown.curl, `${gw}${PREFIX}/contacts/upsert`, 'the curl line Swagger UI shows names it too')

  const line = svc.logs.find((l) => l.msg === 'incoming request' && l.req?.method === 'POST' && l.req?.route === '/contacts/upsert')
  t.ok(line, 'the service logged the call')
  t.equal(line?.req?.remoteAddress, '127.0.0.1', `the access log shows the client's address (127.0.0.1), not HAProxy's (${HAPROXY_SOURCE})`)
  t.match(line?.req?.host, `127.0.0.1:${gwPort}`, 'and the host the client asked for')
})
