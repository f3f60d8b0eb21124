/**
 * Webhook test helpers: Intercom-shaped notifications, a signed POST to the intake, and a local
 * subscriber (real HTTP on loopback) that verifies Standard Webhooks signatures with the stock
 * `standardwebhooks` library and records what it received.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Webhook } from 'standardwebhooks'
import { signIntercom } from '../../src/webhooks/signature.js'

export const CLIENT_SECRET = 'test-client-secret-0123456789'
/** A Standard Webhooks secret (`whsec_` + base64 of 24 bytes). */
export const SUBSCRIBER_SECRET = `whsec_${Buffer.from('subscriber-secret-bytes!').toString('base64')}`

/** A notification envelope as Intercom sends it. */
export function notification (topic: string, item: Record<string, unknown> = { type: 'contact', id: randomUUID() }, id = `notif_${randomUUID()}`): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return {
    type: 'notification_event', app_id: 'a86dr8yl', id, topic, created_at: now, delivery_attempts: 1, first_sent_at: now,
    delivery_status: 'pending', delivered_at: 0, links: {}, self: null,
    data: { type: 'notification_event_data', item }
  }
}

/** POST a notification to the intake, signed over the exact bytes sent (unless `signature` is given). */
export async function deliverToIntake (app: FastifyInstance, body: Record<string, unknown> | string, opts: { secret?: string, signature?: string | null } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'intercom-parrot-service-client/1.0' }
  const signature = opts.signature === undefined ? signIntercom(raw, opts.secret ?? CLIENT_SECRET) : opts.signature
  if (signature !== null) headers['x-hub-signature'] = signature
  return app.inject({ method: 'POST', url: '/webhooks/intercom', headers, payload: raw })
}

/** One verified delivery: `traceparent` is the W3C trace context header it carried (tracing on), else undefined. */
export interface Received { id: string, topic: string, body: Record<string, unknown>, at: number, traceparent?: string }

/** A subscriber on loopback. `fail(req)` returning a status makes it answer that instead of 204. */
export interface Subscriber {
  url: string
  received: Received[]
  /** Requests that arrived (verified or not), including refused ones. */
  attempts: number
  /** Requests whose Standard Webhooks signature did not verify. */
  badSignatures: number
  fail: ((n: number) => number | undefined) | undefined
  /** Awaited before answering attempt `n` (a subscriber slow to answer); an attempt whose connection closed meanwhile is not recorded. */
  hold: ((n: number) => Promise<void>) | undefined
  close: () => Promise<void>
  waitFor: (n: number, timeoutMs?: number) => Promise<void>
}

async function readBody (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startSubscriber (secret = SUBSCRIBER_SECRET): Promise<Subscriber> {
  const wh = new Webhook(secret)
  const sub: Subscriber = {
    url: '',
    received: [],
    attempts: 0,
    badSignatures: 0,
    fail: undefined,
    hold: undefined,
    close: async () => {},
    waitFor: async (n, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs
      while (sub.received.length < n) {
        if (Date.now() > until) throw new Error(`subscriber: ${sub.received.length} of ${n} deliveries after ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
  }
  const server: Server = createServer((req, res) => {
    readBody(req).then((text) => {
      const n = ++sub.attempts
      return Promise.resolve(sub.hold?.(n)).then(() => ({ text, n }))
    }).then(({ text, n }) => {
      if (res.destroyed || req.socket.destroyed) return
      const status = sub.fail?.(n)
      if (status !== undefined) { res.writeHead(status).end(); return }
      let body: Record<string, unknown>
      try {
        body = wh.verify(text, req.headers as Record<string, string>) as Record<string, unknown>
      } catch {
        sub.badSignatures++
        res.writeHead(400).end()
        return
      }
      const traceparent = req.headers.traceparent
      sub.received.push({ id: String(req.headers['webhook-id']), topic: String(body.topic), body, at: Date.now(), ...(typeof traceparent === 'string' ? { traceparent } : {}) })
      res.writeHead(204).end()
    }, () => { res.writeHead(500).end() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  sub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  sub.close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => { resolve() }))
  }
  return sub
}

/** WEBHOOK_SUBSCRIPTIONS for the given subscribers. */
export function subscriptionsEnv (subs: Array<{ name: string, url: string, topics?: string[] }>): string {
  return JSON.stringify(subs.map((s) => ({ name: s.name, url: s.url, topics: s.topics ?? ['*'], secret: SUBSCRIBER_SECRET })))
}

/** Env for short, test-sized retry timings. */
export const FAST_RETRIES = {
  WEBHOOK_RETRY_BASE_DELAY_MS: '20',
  WEBHOOK_RETRY_MAX_DELAY_MS: '100',
  WEBHOOK_MAX_ATTEMPTS: '50',
  WEBHOOK_DELIVERY_TIMEOUT_MS: '2000'
}

/** A unique Redis key prefix for one test run. */
export function testPrefix (): string {
  return `test-webhooks-${process.pid}-${randomUUID().slice(0, 8)}:`
}

/** Poll `check` every 10 ms until it is true, or throw after `timeoutMs`. */
export async function eventually (check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Delete every key under `prefix` (tests share one Redis). */
export { deleteKeys } from '../../scripts/redis-server.js'
