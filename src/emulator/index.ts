/**
 * In-process Intercom REST API emulator, for tests, benchmarks and sandbox mode.
 *
 * `startEmulator()` listens on 127.0.0.1 (ephemeral port by default) and answers like Intercom
 * 2.14, 2.15 and 2.16 (the request's `Intercom-Version`, default the newest): Bearer-token auth,
 * Intercom error lists, X-RateLimit-* headers, `x-request-id`, 409 on duplicate contacts, a search
 * index that lags writes by `searchLagMs`. Each request is recorded, validated against its
 * version's OpenAPI description (spec.ts + src/intercom-spec) and may be hit by an injected fault.
 * Operations with a handler (handlers/) keep real state in the store; every other operation of the
 * version's description answers its example (intercom-spec/examples.ts). The custom-channel events,
 * which no description has, have their own routes (handlers/custom-channel.ts).
 *
 * The request pipeline (record → fault → auth → rate limit → version → route → JSON → validation →
 * handler → answer listeners) is a chain of Fastify hooks, one per stage: see pipeline.ts.
 *
 * The emulator's search rules (search.ts) are deliberately NOT shared with the facade's formula
 * checks (src/facade/formula*): they are an independent second reading of Intercom's documented
 * rules, which is what makes the emulator a useful test double for the facade.
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { FaultList, type FaultSpec } from './faults.js'
import { CUSTOM_CHANNEL_ROUTES, customChannelRoute } from './handlers/custom-channel.js'
import { HANDLER_TABLE, handlerMap } from './handlers/index.js'
import { registerPipeline, type AnswerListener, type Exchange } from './pipeline.js'
import { RateLimiter, type RateLimitOptions } from './rate-limit.js'
import { seedStore } from './seed.js'
import type { LoadedSpec } from './spec.js'
import { exampleResponse, type ExampleResponse } from '../intercom-spec/examples.js'
import { EmulatorStore } from './store.js'
import type { WebhookEmitter } from './webhooks.js'

export { EmulatorStore } from './store.js'
export type { FaultSpec } from './faults.js'
export type { Admin, AppInfo, Contact, ContactInput, ConversationPart, ConversationRecord } from './models.js'
export { SEED_IDS } from './seed.js'
export type { AnswerListener, AnsweredExchange, Exchange } from './pipeline.js'

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
  /** Call `listener` after each answer (see EmulatorCore.onAnswer). */
  onAnswer(listener: AnswerListener): void
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
  /**
   * Call `listener` after each answer has been sent (the pipeline's `notify` stage, a Fastify
   * onResponse hook), with the request's exchange: version, operationId (`route`), path params,
   * query, request body and the answer's status and body. The one extension point for webhooks.
   */
  onAnswer(listener: AnswerListener): void
}

/** The emulator's Fastify app, decorated with its state. */
export type EmulatorApp = FastifyInstance & { emulator: EmulatorCore }

/** Build the emulator's Fastify app without listening (startEmulator uses it). */
export async function buildEmulatorApp (options: EmulatorOptions & { token: string }): Promise<EmulatorApp> {
  const handlers = handlerMap([...HANDLER_TABLE, ...CUSTOM_CHANNEL_ROUTES])
  const store = new EmulatorStore({ searchLagMs: options.searchLagMs ?? 0, searchDatePrecision: options.searchDatePrecision })
  if (options.seed === true) seedStore(store)
  const limiter = new RateLimiter(options.rateLimit as RateLimitOptions | undefined)
  const faults = new FaultList()
  const maxRecords = options.maxRecords ?? Infinity
  const listeners: AnswerListener[] = []
  const examples = new WeakMap<LoadedSpec, Map<string, ExampleResponse | undefined>>()
  /** The description's example answer for an operation without a handler (memoised per version). */
  const exampleFor = (spec: LoadedSpec, operationId: string): ExampleResponse | undefined => {
    let byId = examples.get(spec)
    if (byId === undefined) examples.set(spec, byId = new Map())
    if (!byId.has(operationId)) byId.set(operationId, exampleResponse(spec.document, operationId))
    return byId.get(operationId)
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
    },
    onAnswer: (listener) => { listeners.push(listener) }
  }

  const app = Fastify({
    logger: (options.logger ?? false) as FastifyServerOptions['logger'],
    forceCloseConnections: true,
    bodyLimit: 16 * 1024 * 1024,
    routerOptions: { maxParamLength: 65536 }
  })

  // Bodies arrive as text whatever the content type; the pipeline parses JSON itself so that a
  // malformed body is still recorded and answered with an Intercom error.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  const recorded = new WeakSet<FastifyRequest>()
  /** Bounded append: keep the newest `maxRecords`. */
  const push = <T>(list: T[], item: T): void => {
    list.push(item)
    if (list.length > maxRecords) list.splice(0, list.length - maxRecords)
  }

  registerPipeline(app, {
    token: options.token,
    validate: options.validate ?? true,
    store,
    limiter,
    faults,
    handlers,
    extraRoute: customChannelRoute,
    retryAfter: options.rateLimit?.retryAfter,
    exampleFor,
    record: (request) => {
      if (recorded.has(request)) return
      recorded.add(request)
      const ex = request.exchange
      const entry: RecordedRequest = { method: ex.method, path: ex.path, query: ex.query, headers: { ...request.headers }, body: ex.body }
      if (ex.route !== undefined) entry.operationId = ex.route.operationId
      push(core.requests, entry)
    },
    violation: (ex: Exchange, errors) => {
      const v: Violation = { method: ex.method, path: ex.path, operationId: ex.route?.operationId, errors }
      push(core.violations, v)
    },
    stats: core.stats,
    listeners
  })
  // Webhook notifications for the emulator's writes (sandbox), from the answer listeners' one hook point.
  options.webhooks?.attach(core.onAnswer, store)

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
    onAnswer: core.onAnswer,
    close: () => (closing ??= app.close())
  }
}
