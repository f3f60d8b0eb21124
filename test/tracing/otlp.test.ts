/**
 * The real entry with `OTEL_EXPORTER_OTLP_ENDPOINT` set exports its traces by OTLP/HTTP: the
 * service (sandbox mode, its own process, as `npm start` runs it) sends an upsert's spans to an
 * OTLP/HTTP receiver listening on loopback (JSON encoding, `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`).
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

interface OtlpSpan { name: string, traceId: string, parentSpanId?: string, attributes: Array<{ key: string, value: Record<string, unknown> }> }

const received: Array<{ service: string | undefined, spans: OtlpSpan[] }> = []
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/v1/traces') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }, scopeSpans: Array<{ spans: OtlpSpan[] }> }> }
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue as string | undefined
        received.push({ service, spans: rs.scopeSpans.flatMap((s) => s.spans) })
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
})
receiver.listen(0, '127.0.0.1')
await once(receiver, 'listening')
const otlpPort = (receiver.address() as { port: number }).port

const root = fileURLToPath(new URL('../..', import.meta.url))
const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: root,
  env: {
    ...process.env,
    INTERCOM_ACCESS_TOKEN: '',
    REDIS_URL: '',
    PORT: '0',
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'facade-under-test',
    OTEL_BSP_SCHEDULE_DELAY: '100'
  },
  stdio: ['ignore', 'pipe', 'inherit']
})
t.teardown(async () => {
  if (service.exitCode === null) {
    service.kill('SIGTERM')
    await once(service, 'exit')
  }
  receiver.close()
})

// The listen address from the service's own log ("Server listening at http://127.0.0.1:<port>").
const baseUrl = await new Promise<string>((resolve, reject) => {
  let out = ''
  const timer = setTimeout(() => reject(new Error(`the service did not listen in 60 s: ${out}`)), 60_000)
  service.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8')
    const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (m) {
      clearTimeout(timer)
      resolve(m[1])
    }
  })
})

t.test('npm start with OTEL_EXPORTER_OTLP_ENDPOINT exports the spans of an upsert to an OTLP/HTTP receiver', async (t) => {
  const traceId = 'dddddddddddddddddddddddddddddd04'
  const res = await fetch(`${baseUrl}/contacts/upsert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: JSON.stringify({ external_id: 'otlp-user', name: 'Exported' })
  })
  t.equal(res.status, 200, await res.text())
  const deadline = Date.now() + 20_000
  let mine: OtlpSpan[] = []
  while (Date.now() < deadline) {
    mine = received.flatMap((r) => r.spans).filter((s) => s.traceId === traceId)
    if (mine.some((s) => s.name === 'intercom CreateContact') && mine.some((s) => s.name === 'request')) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const names = mine.map((s) => s.name)
  t.ok(names.includes('request'), `the route span arrived (${names.join(', ')})`)
  t.ok(names.includes('intercom CreateContact'), 'the CreateContact call span arrived')
  t.ok(names.includes('intercom attempt 1'), 'its attempt span arrived')
  t.ok(received.every((r) => r.service === 'facade-under-test'), 'service.name is OTEL_SERVICE_NAME')
  const create = mine.find((s) => s.name === 'intercom CreateContact')!
  const attr = (k: string): unknown => create.attributes.find((a) => a.key === k)?.value
  t.same(attr('url.template'), { stringValue: '/contacts' })
  t.same(attr('intercom.operation_id'), { stringValue: 'CreateContact' })
})
