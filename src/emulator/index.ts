/**
 * In-process Intercom REST API emulator, for tests, benchmarks and sandbox mode.
 *
 * `startEmulator()` listens on 127.0.0.1 (ephemeral port by default) and answers like Intercom for the
 * operations in handlers/ (GET /me, contacts CRUD + search, conversations create / retrieve / reply):
 * Bearer-token auth, Intercom error lists, X-RateLimit-* headers, `x-request-id`, 409 on duplicate
 * contacts, a search index that lags writes by `searchLagMs`. Each request is recorded, validated
 * against Intercom's OpenAPI 2.14 description (spec.ts + src/intercom-spec) and may be hit by an injected
 * fault first.
 *
 * Per request, in order: record → fault → auth (401) → rate limit (429) → route (404) → JSON body
 * (400) → OpenAPI validation (400 + `violations`) → handler, or, for a specified operation without
 * one, the description's example answer for its success status (intercom-spec/examples.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { EmulatorError, defaultCodeForStatus, defaultMessageForStatus, errorBody } from './errors.js'
import { FaultList, type FaultSpec } from './faults.js'
import { handlerMap } from './handlers/index.js'
import { Reply } from './handlers/types.js'
import { RateLimiter, type RateLimitOptions } from './rate-limit.js'
import { seedStore } from './seed.js'
import { describeValidationErrors, loadSpec } from './spec.js'
import { exampleResponse, type ExampleResponse } from '../intercom-spec/examples.js'
import { EmulatorStore } from './store.js'
import type { WebhookEmitter } from './webhooks.js'

export { EmulatorStore } from './store.js'
export type { FaultSpec } from './faults.js'
export type { Admin, AppInfo, Contact, ContactInput, ConversationPart, ConversationRecord } from './models.js'
export { SEED_IDS } from './seed.js'

/** How to start the emulator. */
export interface EmulatorOptions {
  /** Bearer token the emulator accepts. Default: a random string (read it back from `emulator.token`). */
  token?: string
  /** Milliseconds before a write becomes visible to POST /contacts/search (Intercom's search index lags). Default 0. */
  searchLagMs?: number
  /** Seed one admin, a team-less workspace, 3 contacts and 1 conversation with a couple of parts. Default false. */
  seed?: boolean
  /** Validate each request against the OpenAPI description; on violation answer 400 parameter_invalid and record it in `violations`. Default true. */
  validate?: boolean
  /** Host to bind, default '127.0.0.1'; port default 0 (ephemeral). */
  host?: string
  port?: number
  /** pino logger options or false (default false: silent). */
  logger?: boolean | object
  /**
   * Fixed-window rate limit. Default `{ limit: 10000, windowMs: 10000 }`; e.g. `{ limit: 50, windowMs: 1000 }`
   * for 50/s. `retryAfter` adds `Retry-After` to its 429s: 'seconds' (delay-seconds) or 'http-date'.
   */
  rateLimit?: { limit: number; windowMs: number; retryAfter?: 'seconds' | 'http-date' }
  /**
   * How search compares Date fields (created_at, updated_at, signed_up_at, ...). 'day' (default, like
   * Intercom): by UTC calendar day, `>` matching from the start of the next day; 'second': exact.
   */
  searchDatePrecision?: 'day' | 'second'
  /**
   * Keep at most this many entries in `requests` (and in `violations`), dropping the oldest.
   * Default: unlimited. Set it for long-running sandboxes and benchmarks.
   */
  maxRecords?: number
  /** Send Intercom-style webhook notifications for writes through this emitter (src/emulator/webhooks.ts). */
  webhooks?: WebhookEmitter
}

/** One request as the emulator received it. */
export interface RecordedRequest {
  method: string            // 'GET', 'POST', ...
  path: string              // raw path as received, without query string, NOT decoded (e.g. '/contacts/abc%2Fdef')
  query: Record<string, string | string[]>
  headers: Record<string, string | string[] | undefined>  // lower-case names, as received
  body: unknown             // parsed JSON body, or undefined
  operationId?: string      // the Intercom operationId matched, if any
}

/** A request Intercom's OpenAPI description says is invalid. `errors` are Ajv error objects. */
export interface Violation { method: string; path: string; operationId?: string; errors: unknown[] }

/** A running emulator. */
export interface Emulator {
  url: string                 // e.g. 'http://127.0.0.1:43123'
  token: string
  requests: RecordedRequest[] // every request received, in arrival order (including rejected ones)
  violations: Violation[]     // spec violations seen
  store: EmulatorStore        // in-memory data; tests may read/write it directly
  /** Add a fault; faults are consulted in order before normal handling. */
  fault(spec: FaultSpec): void
  /** Clear requests, violations and faults (not the store). */
  resetRecords(): void
  /** Counters: refused (429) answers, and writes that reached a handler (see EmulatorStats). */
  stats: EmulatorStats
  close(): Promise<void>
}

/**
 * Counters for tests and benchmarks (reset by `resetRecords`).
 * `writes`: every non-GET/HEAD request that reached its operation handler (so it was applied, or
 * refused by the handler itself), keyed by `METHOD path body`; a count above 1 is a duplicated write.
 */
export interface EmulatorStats {
  /** 429 answers given by the rate limit (not injected faults). */
  refused429: number
  /** Requests that passed the rate limit (and auth). */
  accepted: number
  writes: Map<string, number>
}

/** The writes that arrived more than once, from `stats.writes`. */
export function duplicatedWrites (stats: EmulatorStats): Array<{ key: string, count: number }> {
  return [...stats.writes].filter(([, n]) => n > 1).map(([key, count]) => ({ key, count }))
}

/** The emulator state a built app carries (`app.emulator`). */
export interface EmulatorCore {
  token: string
  requests: RecordedRequest[]
  violations: Violation[]
  store: EmulatorStore
  fault(spec: FaultSpec): void
  resetRecords(): void
  stats: EmulatorStats
}

/** The emulator's Fastify app, decorated with its state. */
export type EmulatorApp = FastifyInstance & { emulator: EmulatorCore }

const RATE_LIMIT_MESSAGE = 'You have exceeded the rate limit. Please try again later.'
const JSON_TYPE = 'application/json; charset=utf-8'

/** Parse a raw query string into `{ name: value | [values] }` (repeated names become arrays). */
function parseQuery (qs: string): Record<string, string | string[]> {
  const out = new Map<string, string | string[]>()
  for (const [key, value] of new URLSearchParams(qs)) {
    const prev = out.get(key)
    if (prev === undefined) out.set(key, value)
    else if (Array.isArray(prev)) prev.push(value)
    else out.set(key, [prev, value])
  }
  return Object.fromEntries(out)
}

const isBearer = (header: string | undefined, token: string): boolean => {
  if (header === undefined) return false
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m !== null && m[1] === token
}

/** Build the emulator's Fastify app without listening (startEmulator uses it). */
export async function buildEmulatorApp (options: EmulatorOptions & { token: string }): Promise<EmulatorApp> {
  const spec = await loadSpec()
  const handlers = handlerMap(spec.operationIds)
  const validate = options.validate ?? true
  const store = new EmulatorStore({ searchLagMs: options.searchLagMs ?? 0, searchDatePrecision: options.searchDatePrecision })
  if (options.seed === true) seedStore(store)
  const limiter = new RateLimiter(options.rateLimit as RateLimitOptions | undefined)
  const faults = new FaultList()
  const maxRecords = options.maxRecords ?? Infinity
  const examples = new Map<string, ExampleResponse | undefined>()
  /** The spec's example answer for an operation without a handler (memoised). */
  const exampleFor = (operationId: string): ExampleResponse | undefined => {
    if (!examples.has(operationId)) examples.set(operationId, exampleResponse(spec.document, operationId))
    return examples.get(operationId)
  }

  const core: EmulatorCore = {
    token: options.token,
    requests: [],
    violations: [],
    store,
    fault: (f) => { faults.add(f) },
    stats: { refused429: 0, accepted: 0, writes: new Map() },
    resetRecords: () => {
      core.stats.refused429 = 0
      core.stats.accepted = 0
      core.stats.writes.clear()
      core.requests.length = 0
      core.violations.length = 0
      faults.clear()
    }
  }

  const app = Fastify({
    logger: (options.logger ?? false) as FastifyServerOptions['logger'],
    forceCloseConnections: true,
    bodyLimit: 16 * 1024 * 1024,
    routerOptions: { maxParamLength: 65536 }
  })

  // Bodies arrive as text whatever the content type; the handler parses JSON itself so that a
  // malformed body is still recorded and answered with an Intercom error.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  const recorded = new WeakSet<FastifyRequest>()

  /** Record a request (once). */
  const record = (request: FastifyRequest, path: string, query: Record<string, string | string[]>, body: unknown, operationId?: string): void => {
    if (recorded.has(request)) return
    recorded.add(request)
    const entry: RecordedRequest = { method: request.method, path, query, headers: { ...request.headers }, body }
    if (operationId !== undefined) entry.operationId = operationId
    core.requests.push(entry)
    if (core.requests.length > maxRecords) core.requests.splice(0, core.requests.length - maxRecords)
  }
  const violation = (v: Violation): void => {
    core.violations.push(v)
    if (core.violations.length > maxRecords) core.violations.splice(0, core.violations.length - maxRecords)
  }

  const splitUrl = (request: FastifyRequest): { path: string; query: Record<string, string | string[]> } => {
    const raw = request.raw.url ?? '/'
    const q = raw.indexOf('?')
    return q === -1 ? { path: raw, query: {} } : { path: raw.slice(0, q), query: parseQuery(raw.slice(q + 1)) }
  }

  const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const requestId = randomUUID()
    const method = request.method
    const { path, query } = splitUrl(request)

    let body: unknown
    let bodyError: string | undefined
    if (typeof request.body === 'string' && request.body.trim() !== '') {
      try {
        body = JSON.parse(request.body)
      } catch (err) {
        body = request.body
        bodyError = `Request body is not valid JSON: ${(err as Error).message}`
      }
    }
    const route = spec.match(method, path)
    record(request, path, query, body, route?.operationId)

    // A fault with `applied: true` lets the operation run first, then replaces its answer.
    let appliedFault: FaultSpec | undefined
    const send = (status: number, payload: unknown, headers: Record<string, string>): void => {
      if (appliedFault !== undefined) {
        const f = appliedFault
        appliedFault = undefined
        if (f.reset === true) {
          reply.hijack()
          request.raw.socket.destroy()
          return
        }
        if (f.status !== undefined) {
          const extra = Object.fromEntries(Object.entries(f.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
          status = f.status
          payload = errorBody(requestId, f.code ?? defaultCodeForStatus(f.status), f.message ?? defaultMessageForStatus(f.status))
          headers = { ...headers, ...extra }
        }
      }
      void reply.code(status).headers({ ...headers, 'x-request-id': requestId }).type(JSON_TYPE).send(JSON.stringify(payload))
    }
    const fail = (status: number, code: string, message: string, headers: Record<string, string>, field?: string): void => {
      send(status, errorBody(requestId, code, message, field), headers)
    }

    const fault = faults.take(method, path)
    if (fault !== undefined && fault.applied === true) {
      appliedFault = fault
      if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs)
    } else if (fault !== undefined) {
      if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs)
      if (fault.reset === true) {
        reply.hijack()
        request.raw.socket.destroy()
        return
      }
      if (fault.status !== undefined) {
        const extra = Object.fromEntries(Object.entries(fault.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
        fail(fault.status, fault.code ?? defaultCodeForStatus(fault.status), fault.message ?? defaultMessageForStatus(fault.status),
          { ...RateLimiter.headers(limiter.peek()), ...extra })
        return
      }
    }

    const auth = request.headers.authorization
    if (!isBearer(typeof auth === 'string' ? auth : undefined, core.token)) {
      fail(401, 'unauthorized', 'Access Token Invalid', RateLimiter.headers(limiter.peek()))
      return
    }
    const limit = limiter.hit()
    const rl = RateLimiter.headers(limit)
    if (limit.exceeded) {
      core.stats.refused429 += 1
      if (options.rateLimit?.retryAfter !== undefined) rl['retry-after'] = options.rateLimit.retryAfter === 'http-date' ? new Date(limit.reset * 1000).toUTCString() : String(Math.max(0, limit.reset - Math.floor(Date.now() / 1000)))
      fail(429, 'rate_limit_exceeded', RATE_LIMIT_MESSAGE, rl)
      return
    }
    if (route === undefined) {
      fail(404, 'not_found', 'Resource Not Found', rl)
      return
    }
    if (bodyError !== undefined) {
      violation({ method, path, operationId: route.operationId, errors: [{ keyword: 'parse', message: bodyError }] })
      fail(400, 'parameter_invalid', bodyError, rl)
      return
    }
    if (validate) {
      const contentType = request.headers['content-type']
      const errors = spec.validate(route.operationId, { method, path, query, body, contentType })
      if (errors.length > 0) {
        violation({ method, path, operationId: route.operationId, errors })
        fail(400, 'parameter_invalid', describeValidationErrors(errors), rl)
        return
      }
    }
    const handler = handlers.get(route.operationId)
    if (handler === undefined) {
      // Specified but not emulated: answer the spec's example for its success status.
      const example = exampleFor(route.operationId)
      if (example !== undefined) {
        send(example.status, example.body, rl)
        return
      }
      request.log.warn({ operationId: route.operationId }, 'emulator: operation not implemented')
      fail(404, 'not_found', 'Resource Not Found', rl)
      return
    }
    core.stats.accepted += 1
    if (method !== 'GET' && method !== 'HEAD') {
      const key = `${method} ${path} ${JSON.stringify(body ?? null)}`
      core.stats.writes.set(key, (core.stats.writes.get(key) ?? 0) + 1)
    }
    try {
      const result = handler({ store, params: route.params, query, body })
      if (result instanceof Reply) send(result.status, result.body, { ...rl, ...result.headers })
      else send(200, result, rl)
    } catch (err) {
      if (err instanceof EmulatorError) {
        fail(err.status, err.code, err.message, { ...rl, ...err.headers }, err.field)
      } else {
        request.log.error({ err }, 'emulator handler failed')
        fail(500, 'server_error', 'An internal server error occurred', rl)
      }
    }
  }

  options.webhooks?.attach(app, spec.match, store)
  app.all('*', handle)
  app.setNotFoundHandler(handle)
  app.setErrorHandler((err: { statusCode?: number; message?: string }, request, reply) => {
    // Errors before the handler ran (body too large, bad content...). Record and answer Intercom-style.
    const { path, query } = splitUrl(request)
    record(request, path, query, undefined, spec.match(request.method, path)?.operationId)
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500
    const requestId = randomUUID()
    void reply.code(status).headers({ ...RateLimiter.headers(limiter.peek()), 'x-request-id': requestId }).type(JSON_TYPE)
      .send(JSON.stringify(errorBody(requestId, defaultCodeForStatus(status), err.message ?? defaultMessageForStatus(status))))
  })

  app.decorate('emulator', core)
  return app as unknown as EmulatorApp
}

/** Start an emulator on `host:port` (default 127.0.0.1, ephemeral port) and return its handle. */
export async function startEmulator (options: EmulatorOptions = {}): Promise<Emulator> {
  const token = options.token ?? `emu_${randomBytes(24).toString('base64url')}`
  const app = await buildEmulatorApp({ ...options, token })
  const host = options.host ?? '127.0.0.1'
  await app.listen({ host, port: options.port ?? 0 })
  const address = app.server.address() as AddressInfo
  const hostPart = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address
  const core = app.emulator
  let closing: Promise<void> | undefined
  return {
    url: `http://${hostPart}:${address.port}`,
    token,
    requests: core.requests,
    violations: core.violations,
    store: core.store,
    fault: core.fault,
    resetRecords: core.resetRecords,
    stats: core.stats,
    close: () => (closing ??= app.close())
  }
}
