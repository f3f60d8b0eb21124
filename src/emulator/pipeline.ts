/**
 * The emulator's request pipeline: one Fastify hook per stage, in Fastify's own order, over one
 * catch-all route. Each request carries its {@link Exchange} (`request.exchange`), which the stages
 * fill in; a stage that refuses the request answers it (through {@link answer}) and the later
 * stages do not run.
 *
 *   onRequest     begin         request id, raw path and parsed query, the Intercom version asked for
 *   preValidation readBody      JSON body parsed (a malformed one is kept for `rejectBadJson`)
 *                 route         the version's description loaded (first use) and the operation found
 *                               (else one of the few routes no description has: `extraRoute`)
 *                 record        the request appended to `requests` (once, also for refused ones)
 *   preHandler    injectFault   an injected fault: delay, reset, or answer (FaultList order)
 *                 authenticate  Bearer token → 401
 *                 limitRate     fixed window → 429 (X-RateLimit-* headers from here on)
 *                 checkVersion  an Intercom-Version Intercom does not have → 400 intercom_version_invalid
 *                 requireRoute  no operation of the version's description → 404
 *                 rejectBadJson malformed JSON body → 400 + a violation
 *                 validateRequest  OpenAPI validation against the version's description → 400 + a violation
 *   handler       operate       the operation's handler (handlers/), else its example answer (examples.ts);
 *                               a handler's RawReply is sent as is (not JSON) with its content type
 *   onResponse    notify        answer listeners (`EmulatorCore.onAnswer`): operationId, request and
 *                               answer bodies are all known here. This is the ONE point where
 *                               webhooks (or anything else reacting to what the emulator did) hook in.
 *
 * Errors Fastify raises before the stages (body too large, ...) go to `answerFrameworkError`, which
 * records the request and answers an Intercom error list.
 *
 * Stages are callback-style hooks (no promise per stage) except where they wait (fault delays, the
 * first load of a version's description).
 */
import { answerShape } from './shapes.js'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { EmulatorError, defaultCodeForStatus, defaultMessageForStatus, errorBody } from './errors.js'
import type { FaultList, FaultSpec } from './faults.js'
import { RawReply, Reply, type OperationHandler } from './handlers/types.js'
import { RateLimiter } from './rate-limit.js'
import { describeValidationErrors, loadSpec, type LoadedSpec, type RouteMatch } from './spec.js'
import type { EmulatorStore } from './store.js'
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, isSupportedVersion, type IntercomVersion } from '../intercom-spec/versions.js'

/** What the pipeline knows about one request; filled in stage by stage. */
export interface Exchange {
  requestId: string
  method: string
  /** Raw path as received, without the query string, NOT decoded. */
  path: string
  query: Record<string, string | string[]>
  /** The description the request is served from (undefined: an Intercom-Version Intercom does not have). */
  version: IntercomVersion | undefined
  /** The `Intercom-Version` header as sent (undefined when absent). */
  versionHeader: string | undefined
  /** Parsed JSON body (the raw text when it is not JSON; undefined when empty). */
  body: unknown
  /** Why the body is not JSON, when it is not. */
  bodyError?: string
  spec?: LoadedSpec
  route?: RouteMatch
  /** X-RateLimit-* headers, set by `limitRate`. */
  rateLimit: Record<string, string>
  /** A fault that lets the operation run, then replaces its answer. */
  appliedFault?: FaultSpec
  /** What was answered (set by {@link answer}; undefined for a reset socket). */
  answer?: { status: number; body: unknown }
}

/** One answered request as answer listeners see it (`EmulatorCore.onAnswer`). */
export interface AnsweredExchange extends Exchange {
  answer: { status: number; body: unknown }
}

/** A listener on the emulator's answers; must not throw (errors are logged and ignored). */
export type AnswerListener = (exchange: AnsweredExchange, request: FastifyRequest) => void

declare module 'fastify' {
  interface FastifyRequest {
    /** The emulator's view of this request (set in onRequest). */
    exchange: Exchange
  }
}

/** What the stages need from the emulator. */
export interface PipelineDeps {
  token: string
  validate: boolean
  store: EmulatorStore
  limiter: RateLimiter
  faults: FaultList
  handlers: ReadonlyMap<string, OperationHandler>
  /**
   * Routes of operations Intercom serves that no description has (the custom-channel events:
   * handlers/custom-channel.ts), tried when the version's description matches nothing.
   */
  extraRoute?: (method: string, rawPath: string) => RouteMatch | undefined
  retryAfter?: 'seconds' | 'http-date'
  /** The example answer of an operation without a handler (memoised by the caller). */
  exampleFor: (spec: LoadedSpec, operationId: string) => { status: number; body: unknown; headers?: Record<string, string> } | undefined
  /** Append a request to the records (called once per request). */
  record: (request: FastifyRequest) => void
  /** Append a violation to the records. */
  violation: (exchange: Exchange, errors: unknown[]) => void
  stats: { refused429: number; accepted: number; writes: Map<string, number> }
  listeners: AnswerListener[]
}

const RATE_LIMIT_MESSAGE = 'You have exceeded the rate limit. Please try again later.'
const JSON_TYPE = 'application/json; charset=utf-8'
const NEWEST: IntercomVersion = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]
/** Intercom's versions before the oldest we describe; served from the oldest description. */
const OLDER_VERSION_RE = /^(1\.[0-4]|2\.([0-9]|1[0-3]))$/

/**
 * The description a request is served from, by its `Intercom-Version` header: a supported version
 * is itself; none is the default (the newest); `Unstable` is the newest; an older version Intercom
 * has (1.0–2.13) is the oldest we describe; anything else is undefined (Intercom answers 400).
 */
export function emulatedVersion (header: string | undefined): IntercomVersion | undefined {
  if (header === undefined || header === '') return DEFAULT_VERSION
  if (isSupportedVersion(header)) return header
  if (header === 'Unstable') return NEWEST
  if (OLDER_VERSION_RE.test(header)) return SUPPORTED_VERSIONS[0]
  return undefined
}

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

/** A new exchange for a request: id, raw path, parsed query, version asked for. */
export function newExchange (request: FastifyRequest): Exchange {
  const raw = request.raw.url ?? '/'
  const q = raw.indexOf('?')
  const header = request.headers['intercom-version']
  const versionHeader = typeof header === 'string' ? header : undefined
  return {
    requestId: randomUUID(),
    method: request.method,
    path: q === -1 ? raw : raw.slice(0, q),
    query: q === -1 ? {} : parseQuery(raw.slice(q + 1)),
    version: emulatedVersion(versionHeader),
    versionHeader,
    body: undefined,
    rateLimit: {}
  }
}

const isBearer = (header: string | undefined, token: string): boolean => {
  if (header === undefined) return false
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m !== null && m[1] === token
}

const lowerKeys = (headers: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))

/**
 * Answer a request: THE one way every stage answers. An applied fault (the operation ran) replaces
 * the answer here by its status, or destroys the socket. `body` is sent as JSON, or as is (a string
 * or Buffer) with `contentType` when that is given (a non-JSON answer: the reporting-data download).
 */
export function answer (request: FastifyRequest, reply: FastifyReply, status: number, body: unknown, headers: Record<string, string>, contentType?: string): void {
  const ex = request.exchange
  const fault = ex.appliedFault
  if (fault !== undefined) {
    ex.appliedFault = undefined
    if (fault.reset === true) {
      reply.hijack()
      request.raw.socket.destroy()
      return
    }
    if (fault.status !== undefined) {
      status = fault.status
      body = errorBody(ex.requestId, fault.code ?? defaultCodeForStatus(fault.status), fault.message ?? defaultMessageForStatus(fault.status))
      headers = { ...headers, ...lowerKeys(fault.headers) }
      contentType = undefined
    }
  }
  ex.answer = { status, body }
  if (contentType !== undefined) {
    void reply.code(status).headers(headers).header('x-request-id', ex.requestId).type(contentType).send(body)
    return
  }
  void reply.code(status).headers(headers).header('x-request-id', ex.requestId).type(JSON_TYPE).send(JSON.stringify(body)) // undefined: no body
}

/** Answer an Intercom error list. */
function fail (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string, headers: Record<string, string>, field?: string): void {
  answer(request, reply, status, errorBody(request.exchange.requestId, code, message, field), headers)
}

/** Register the pipeline's hooks and its catch-all route on the emulator's app. */
export function registerPipeline (app: FastifyInstance, deps: PipelineDeps): void {
  const { limiter, faults, stats } = deps
  /** Loaded descriptions by version, for synchronous routing once loaded. */
  const specs = new Map<IntercomVersion, LoadedSpec>()

  app.decorateRequest('exchange', null as unknown as Exchange)

  // onRequest · begin
  app.addHook('onRequest', function begin (request, _reply, done: HookHandlerDoneFunction) {
    request.exchange = newExchange(request)
    done()
  })

  // preValidation · readBody → route → record
  const readBody = (ex: Exchange, raw: unknown): void => {
    if (typeof raw !== 'string' || raw.trim() === '') return
    try {
      ex.body = JSON.parse(raw)
    } catch (err) {
      ex.body = raw
      ex.bodyError = `Request body is not valid JSON: ${(err as Error).message}`
    }
  }
  const route = (ex: Exchange, spec: LoadedSpec): void => {
    ex.spec = spec
    ex.route = spec.match(ex.method, ex.path) ?? deps.extraRoute?.(ex.method, ex.path)
  }
  app.addHook('preValidation', function readBodyRouteRecord (request, reply, done: HookHandlerDoneFunction) {
    const ex = request.exchange
    readBody(ex, request.body)
    const version = ex.version
    const spec = version === undefined ? undefined : specs.get(version)
    if (version === undefined || spec !== undefined) {
      if (spec !== undefined) route(ex, spec)
      deps.record(request)
      done()
      return
    }
    loadSpec(version).then((loaded) => {
      specs.set(version, loaded)
      route(ex, loaded)
      deps.record(request)
      done()
    }, (err: unknown) => {
      deps.record(request)
      done(err as Error)
    })
  })

  // preHandler · injectFault
  app.addHook('preHandler', function injectFault (request, reply, done: HookHandlerDoneFunction) {
    const ex = request.exchange
    const fault = faults.take(ex.method, ex.path)
    if (fault === undefined) {
      done()
      return
    }
    const act = (): void => {
      if (fault.applied === true) {
        ex.appliedFault = fault
        done()
      } else if (fault.reset === true) {
        reply.hijack()
        request.raw.socket.destroy()
      } else if (fault.status !== undefined) {
        fail(request, reply, fault.status, fault.code ?? defaultCodeForStatus(fault.status), fault.message ?? defaultMessageForStatus(fault.status),
          { ...RateLimiter.headers(limiter.peek()), ...lowerKeys(fault.headers) })
      } else {
        done()
      }
    }
    if (fault.delayMs !== undefined && fault.delayMs > 0) void sleep(fault.delayMs).then(act)
    else act()
  })

  // preHandler · authenticate
  app.addHook('preHandler', function authenticate (request, reply, done: HookHandlerDoneFunction) {
    const auth = request.headers.authorization
    if (isBearer(typeof auth === 'string' ? auth : undefined, deps.token)) done()
    else fail(request, reply, 401, 'unauthorized', 'Access Token Invalid', RateLimiter.headers(limiter.peek()))
  })

  // preHandler · limitRate
  app.addHook('preHandler', function limitRate (request, reply, done: HookHandlerDoneFunction) {
    const limit = limiter.hit()
    const rl = RateLimiter.headers(limit)
    request.exchange.rateLimit = rl
    if (!limit.exceeded) {
      done()
      return
    }
    stats.refused429 += 1
    if (deps.retryAfter !== undefined) rl['retry-after'] = deps.retryAfter === 'http-date' ? new Date(limit.reset * 1000).toUTCString() : String(Math.max(0, limit.reset - Math.floor(Date.now() / 1000)))
    fail(request, reply, 429, 'rate_limit_exceeded', RATE_LIMIT_MESSAGE, rl)
  })

  // preHandler · checkVersion → requireRoute → rejectBadJson → validateRequest
  app.addHook('preHandler', function checkVersion (request, reply, done: HookHandlerDoneFunction) {
    const ex = request.exchange
    if (ex.version !== undefined) done()
    else fail(request, reply, 400, 'intercom_version_invalid', `The requested version could not be found: ${ex.versionHeader ?? ''}`, ex.rateLimit)
  })
  app.addHook('preHandler', function requireRoute (request, reply, done: HookHandlerDoneFunction) {
    if (request.exchange.route !== undefined) done()
    else fail(request, reply, 404, 'not_found', 'Resource Not Found', request.exchange.rateLimit)
  })
  app.addHook('preHandler', function rejectBadJson (request, reply, done: HookHandlerDoneFunction) {
    const ex = request.exchange
    if (ex.bodyError === undefined) {
      done()
      return
    }
    deps.violation(ex, [{ keyword: 'parse', message: ex.bodyError }])
    fail(request, reply, 400, 'parameter_invalid', ex.bodyError, ex.rateLimit)
  })
  app.addHook('preHandler', function validateRequest (request, reply, done: HookHandlerDoneFunction) {
    const ex = request.exchange
    if (!deps.validate) {
      done()
      return
    }
    const contentType = request.headers['content-type']
    const errors = (ex.spec as LoadedSpec).validate((ex.route as RouteMatch).operationId, { method: ex.method, path: ex.path, query: ex.query, body: ex.body, contentType })
    if (errors.length === 0) {
      done()
      return
    }
    deps.violation(ex, errors)
    fail(request, reply, 400, 'parameter_invalid', describeValidationErrors(errors), ex.rateLimit)
  })

  // handler · operate
  const operate = (request: FastifyRequest, reply: FastifyReply): void => {
    const ex = request.exchange
    const route = ex.route as RouteMatch
    const handler = deps.handlers.get(route.operationId)
    if (handler === undefined) {
      // Specified but not emulated: the description's example answer for its success status.
      const example = deps.exampleFor(ex.spec as LoadedSpec, route.operationId)
      if (example !== undefined) {
        answer(request, reply, example.status, example.body, example.headers === undefined ? ex.rateLimit : { ...ex.rateLimit, ...example.headers })
        return
      }
      request.log.warn({ operationId: route.operationId }, 'emulator: operation not implemented')
      fail(request, reply, 404, 'not_found', 'Resource Not Found', ex.rateLimit)
      return
    }
    stats.accepted += 1
    if (ex.method !== 'GET' && ex.method !== 'HEAD') {
      const key = `${ex.method} ${ex.path} ${JSON.stringify(ex.body ?? null)}`
      stats.writes.set(key, (stats.writes.get(key) ?? 0) + 1)
    }
    try {
      const result = handler({ store: deps.store, params: route.params, query: ex.query, body: ex.body, version: ex.version as IntercomVersion })
      if (result instanceof RawReply) answer(request, reply, result.status, result.body, { ...ex.rateLimit, ...result.headers }, result.contentType)
      else if (result instanceof Reply) answer(request, reply, result.status, answerShape(result.body, ex.version), { ...ex.rateLimit, ...result.headers })
      else answer(request, reply, 200, answerShape(result, ex.version), ex.rateLimit)
    } catch (err) {
      if (err instanceof EmulatorError) {
        fail(request, reply, err.status, err.code, err.message, { ...ex.rateLimit, ...err.headers }, err.field)
      } else {
        request.log.error({ err }, 'emulator handler failed')
        fail(request, reply, 500, 'server_error', 'An internal server error occurred', ex.rateLimit)
      }
    }
  }
  app.all('*', operate)
  app.setNotFoundHandler(operate)

  // onResponse · notify
  app.addHook('onResponse', function notify (request, _reply, done: HookHandlerDoneFunction) {
    const ex = request.exchange
    if (deps.listeners.length > 0 && ex?.answer !== undefined) {
      for (const listener of deps.listeners) {
        try {
          listener(ex as AnsweredExchange, request)
        } catch (err) {
          request.log.error({ err }, 'emulator: answer listener failed')
        }
      }
    }
    done()
  })

  // Errors raised before the stages ran (body too large, bad content...): record, answer Intercom-style.
  app.setErrorHandler(function answerFrameworkError (err: { statusCode?: number; message?: string }, request, reply) {
    request.exchange ??= newExchange(request)
    const ex = request.exchange
    if (ex.route === undefined && ex.version !== undefined) ex.route = specs.get(ex.version)?.match(ex.method, ex.path) ?? deps.extraRoute?.(ex.method, ex.path)
    deps.record(request)
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500
    fail(request, reply, status, defaultCodeForStatus(status), err.message ?? defaultMessageForStatus(status), RateLimiter.headers(limiter.peek()))
  })
}
