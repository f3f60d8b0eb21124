/**
 * The benchmark's floor: a plain undici pipe under Fastify, the hop with none of the service's
 * features (no rate budget, retries, deadlines, metrics, request ids, load shedding, logging, path
 * or header rules). It answers what issue 12 asks the passthrough to approach: "what a plain undici
 * pipe reaches". Fastify 5 with its defaults, one undici `Pool` (32 connections, as the service's
 * UPSTREAM_CONNECTIONS default) and one `Pool.dispatch` per request whose handler collects the
 * answer into one Buffer; the caller's method, path after `/intercom` and body go upstream with the
 * same auth and version headers the service adds; the answer's headers come back less the
 * hop-by-hop ones. Not a proxy to run: a reference figure for bench/run.ts.
 * Run as a child of bench/run.ts with `UPSTREAM` and `PORT`; sends `{ port }` over IPC.
 */
import Fastify from 'fastify'
import { Pool, type Dispatcher } from 'undici'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding'])

/** Collects one answer; `answer` settles once. */
class CollectHandler implements Dispatcher.DispatchHandler {
  readonly answer: Promise<{ statusCode: number, headers: Record<string, string | string[] | undefined>, body: Buffer }>
  private resolve!: (a: { statusCode: number, headers: Record<string, string | string[] | undefined>, body: Buffer }) => void
  private reject!: (err: Error) => void
  private statusCode = 0
  private headers: Record<string, string | string[] | undefined> = {}
  private chunks: Buffer[] = []

  constructor () {
    this.answer = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject })
  }

  // undici takes a handler with onRequestStart for one of the new API (else it asks for onConnect).
  onRequestStart (): void {}

  onResponseStart (_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.statusCode = statusCode
    this.headers = headers
  }

  onResponseData (_c: Dispatcher.DispatchController, chunk: Buffer): void { this.chunks.push(chunk) }

  onResponseEnd (): void {
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body: this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks) })
  }

  onResponseError (_c: Dispatcher.DispatchController, err: Error): void { this.reject(err) }
}

/** Start the pipe on `port`, forwarding `/intercom/*` to `upstream`. */
export async function startPipe (upstream: string, port = 0, token = 'bench-token'): Promise<{ port: number, close: () => Promise<void> }> {
  const origin = new URL(upstream).origin
  const pool = new Pool(origin, { connections: 32 })
  const app = Fastify({ logger: false })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  app.all('/intercom/*', async (request, reply) => {
    const handler = new CollectHandler()
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', 'intercom-version': '2.14' }
    const type = request.headers['content-type']
    if (typeof type === 'string') headers['content-type'] = type
    pool.dispatch({ origin, method: request.method as Dispatcher.HttpMethod, path: request.url.slice('/intercom'.length), headers, body: request.body as Buffer | undefined }, handler)
    const answer = await handler.answer
    const out: Record<string, string | string[]> = {}
    for (const name in answer.headers) {
      const value = answer.headers[name]
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
    }
    return reply.code(answer.statusCode).headers(out).send(answer.body)
  })
  await app.listen({ host: '127.0.0.1', port })
  return { port: (app.server.address() as { port: number }).port, close: async () => { await app.close(); await pool.close() } }
}

if (process.send !== undefined && process.argv[1]?.endsWith('pipe.ts')) {
  const { port } = await startPipe(process.env.UPSTREAM!, Number(process.env.PORT ?? 0))
  process.send({ ready: true, port })
}
