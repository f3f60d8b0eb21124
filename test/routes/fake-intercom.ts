/**
 * A recording fake Intercom for answers the emulator does not give on purpose (a 2xx lacking a
 * field, a list whose cursor repeats, a truncated list): a node:http server on loopback answering
 * each request with `answer(request)`, and the app built against it (the real client, policy and
 * error mapper; only the upstream is fake).
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import app, { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

/** One request the fake received. */
export interface FakeRequest { method: string, path: string, query: URLSearchParams, body: unknown }

/** What the fake answers: a status, a body (an object is sent as JSON; a string as it is), more headers. */
export interface FakeAnswer { status?: number, body: unknown, headers?: Record<string, string> }

/** Start the fake and build the app against it; both close in `t.teardown`. */
export async function buildWithFake (t: Test, answer: (req: FakeRequest) => FakeAnswer, env: Record<string, string> = {}): Promise<{ app: FastifyInstance, requests: FakeRequest[] }> {
  const requests: FakeRequest[] = []
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const text = Buffer.concat(chunks).toString()
      const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body: text === '' ? undefined : JSON.parse(text) as unknown }
      requests.push(request)
      const a = answer(request)
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', 'x-request-id': `fake-${requests.length}`, ...a.headers })
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const config = loadConfig({
    INTERCOM_ACCESS_TOKEN: 'fake-token',
    INTERCOM_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    LOG_LEVEL: 'silent',
    UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    RETRY_MAX_ATTEMPTS: '1',
    ...env
  })
  const fastify = Fastify(fastifyOptions(config, false))
  await fastify.register(app, { config })
  await fastify.ready()
  t.teardown(async () => {
    await fastify.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return { app: fastify, requests }
}
