/**
 * idempotency: the `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header,
 * Stripe's behaviour) on every non-idempotent route (`isNonIdempotent`, src/upstream/methods.ts):
 * facade POST/PATCH routes, the passthrough's POST/PATCH, and catalog calls of write operations.
 *
 * Per keyed request (hooks added to those routes only, in onRoute):
 * - onRequest: the value must be 1..255 printable ASCII characters, else 400 naming the header
 *   (before the body is read).
 * - preHandler (after validation, so a request that failed validation never claims a key): claim
 *   the key in the store (src/idempotency/), scoped to the caller's API key. First run: continue.
 *   Held by another fingerprint (method, path, canonical body): 422 `IDEMPOTENCY_KEY_REUSED`.
 *   Still running: 409 `IDEMPOTENCY_KEY_IN_USE` with `Retry-After`. Done: replay the stored answer
 *   (status, body, content-type, the first run's `X-Request-Id`, `Retry-After`) with
 *   `Idempotent-Replayed: true` and no upstream call. In doubt: reconcile (src/idempotency/reconcile.ts).
 *   Store unreachable: 503 `IDEMPOTENCY_STORE_UNAVAILABLE` with `Retry-After`.
 * - onError: classify the failure (src/idempotency/outcome.ts).
 * - onSend: store the final answer or the doubt, or free the key when nothing was applied. A
 *   streamed (passthrough) answer is copied as it goes, up to IDEMPOTENCY_MAX_ANSWER_BYTES; a larger
 *   one is not kept and its replay is a 409 `IDEMPOTENCY_ANSWER_NOT_STORED` (never a second write).
 *
 * A passthrough write whose body is streamed (no Content-Length, or over the buffered size) cannot
 * be fingerprinted before it is sent: with a key it is refused (400 naming the header).
 * Requests without the header, and GET/PUT/DELETE routes, are untouched.
 *
 * Metric: `idempotency_requests_total{outcome}` (first, replayed, in_use, reused, reconciled).
 */
import { randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, RouteOptions, onErrorHookHandler, onRequestHookHandler, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify'
import { Counter } from 'prom-client'
import { Type } from '@sinclair/typebox'
import type { AppConfig } from '../config.js'
import { isNonIdempotent } from '../upstream/methods.js'
import { build, sendProblem } from './problem-details.js'
import { presentedKey } from './auth.js'
import { createIdempotencyStore } from '../idempotency/index.js'
import { decodeRecord, encodeRecord, IdempotencyStoreUnavailableError, type IdempotencyRecord, type StoredAnswer } from '../idempotency/store.js'
import { callerScope, fingerprint, parseIdempotencyKey, storeKey } from '../idempotency/key.js'
import { outcomeOfError, outcomeOfStatus, type Outcome } from '../idempotency/outcome.js'
import { RECONCILE, type ReconcileSpec } from '../idempotency/reconcile.js'
import { answerOf, captureStream, isStream, keptHeaders } from '../idempotency/capture.js'
import { loadCatalog, requestVersion } from '../facade/operations.js'

/** Per-route idempotency settings (`config.idempotency`); the plugin fills them in onRoute. */
export interface RouteIdempotency {
  /** How a doubt is reconciled; none = the doubt is answered again. */
  reconcile?: ReconcileSpec
  /** For a route that is a write only sometimes (the catalog): whether this request is one. */
  appliesTo?: (request: FastifyRequest) => Promise<boolean>
}

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotency?: RouteIdempotency
  }
}

/** How long a claim outlives the request's deadline (ms), for a crashed replica's claim to expire. */
export const CLAIM_MARGIN_MS = 10_000
/** Retry-After (seconds) of a 409 in use and a 503 store unavailable. */
const RETRY_AFTER_S = '1'

/** Options: the app configuration (REDIS_URL, IDEMPOTENCY_*) and whether inbound auth is on. */
export interface IdempotencyOptions { config: AppConfig }

interface KeyedState {
  key: string
  fp: string
  /** The claim this request holds (encoded), and what it replaced (a doubt being reconciled). */
  claim?: string
  previous?: string
  outcome?: Outcome
  /** True while a reconciliation lookup runs: whatever it throws, the doubt is put back. */
  lookingUp?: boolean
  /** Set on a replay, with the first run's X-Request-Id. */
  replayed?: { requestId: string | undefined }
}

const states = new WeakMap<FastifyRequest, KeyedState>()

/** The catalog route is a write when the operation it calls is one. */
async function catalogWrite (request: FastifyRequest): Promise<boolean> {
  const id = (request.params as { operationId?: string }).operationId
  const op = id === undefined ? undefined : (await loadCatalog(requestVersion(request, request.intercomVersion))).get(id)
  return op !== undefined && isNonIdempotent(op.method)
}

/** Route settings that are not reconciliation: which routes decide per request. */
const APPLIES_TO: Readonly<Record<string, RouteIdempotency['appliesTo']>> = {
  'POST /intercom/operations/:operationId': catalogWrite
}

/** The header as the OpenAPI document shows it on keyed routes (the onRequest check is the one that refuses). */
const IDEMPOTENCY_HEADERS = Type.Object({
  'Idempotency-Key': Type.Optional(Type.String({
    minLength: 1,
    maxLength: 257,
    description: 'Optional: makes this write safe to retry (writes only: POST, PATCH, catalog calls of write operations). 1..255 printable ASCII characters (a quoted "..." form means the same key). The same key and request within IDEMPOTENCY_TTL_MS replays the first answer (`Idempotent-Replayed: true`, no Intercom call); while it runs: 409 IDEMPOTENCY_KEY_IN_USE; with another request: 422 IDEMPOTENCY_KEY_REUSED; key store unreachable: 503 IDEMPOTENCY_STORE_UNAVAILABLE. See README "Idempotency".',
    examples: ['8e03978e-40d5-43e8-bc93-6894a57f9324']
  }))
})

function methodsOf (route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method]
}

function toArray<T> (hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]
}

export default fp<IdempotencyOptions>(async function idempotency (fastify, { config }) {
  const store = await createIdempotencyStore(config)
  const authEnabled = config.auth.apiKeys.length > 0
  const ttlMs = config.idempotency.ttlMs
  const maxAnswerBytes = config.idempotency.maxAnswerBytes
  const requests = new Counter({ name: 'idempotency_requests_total', help: 'Requests with an Idempotency-Key, by outcome (first, replayed, in_use, reused, reconciled)', labelNames: ['outcome'], registers: [fastify.metrics] })
  for (const outcome of ['first', 'replayed', 'in_use', 'reused', 'reconciled']) requests.inc({ outcome }, 0)

  fastify.addHook('onClose', async () => { await store.close() })

  const unavailable = (request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply => {
    request.log.warn({ err: { message: (err as Error).message } }, 'idempotency store unavailable')
    return sendProblem(reply, build(request, 503, 'IDEMPOTENCY_STORE_UNAVAILABLE', 'The Idempotency-Key store cannot be reached, so this keyed request was not run (nothing was sent to Intercom). Retry after the Retry-After seconds; a request without the key is not affected.'), { 'retry-after': RETRY_AFTER_S })
  }

  const replay = (request: FastifyRequest, reply: FastifyReply, state: KeyedState, answer: StoredAnswer): FastifyReply => {
    requests.inc({ outcome: 'replayed' })
    state.replayed = { requestId: answer.headers['x-request-id'] }
    if (answer.body === null) {
      return sendProblem(reply, build(request, 409, 'IDEMPOTENCY_ANSWER_NOT_STORED', `The first request with this Idempotency-Key was run (it answered ${answer.status}, X-Request-Id ${answer.headers['x-request-id'] ?? 'unknown'}), but its answer (${answer.omittedBytes ?? 0} bytes) was larger than the ${maxAnswerBytes} bytes kept; it is not run again. Read the object instead.`))
    }
    const { 'x-request-id': _first, ...headers } = answer.headers
    return reply.code(answer.status).headers(headers).send(Buffer.from(answer.body, 'base64'))
  }

  const checkHeader: onRequestHookHandler = function (request, reply, done) {
    const raw = request.headers['idempotency-key']
    if (raw === undefined || !isNonIdempotent(request.method) || parseIdempotencyKey(raw) !== undefined) { done(); return }
    const message = 'must be 1 to 255 printable ASCII characters'
    sendProblem(reply, build(request, 400, 'VALIDATION_ERROR', `Invalid request: headers.idempotency-key ${message}`, { errors: [{ field: 'headers.idempotency-key', message }] }))
  }

  const preHandler: preHandlerAsyncHookHandler = async function (request, reply) {
    const raw = request.headers['idempotency-key']
    if (raw === undefined || !isNonIdempotent(request.method)) return
    const settings = request.routeOptions.config.idempotency ?? {}
    if (settings.appliesTo !== undefined && !(await settings.appliesTo(request))) return
    if (isStream(request.body)) {
      const message = 'needs a body sent with a Content-Length small enough to be buffered (a streamed passthrough body cannot be compared with a retry)'
      return sendProblem(reply, build(request, 400, 'VALIDATION_ERROR', `Invalid request: headers.idempotency-key ${message}`, { errors: [{ field: 'headers.idempotency-key', message }] }))
    }
    const key = storeKey(callerScope(presentedKey(request), authEnabled), parseIdempotencyKey(raw) as string)
    const fp = fingerprint(request.method, request.url, request.body)
    const claim = encodeRecord({ state: 'in_flight', fp, token: randomUUID() })
    const claimTtlMs = Math.max(0, (request.deadlineAt ?? Date.now()) - Date.now()) + CLAIM_MARGIN_MS
    const state: KeyedState = { key, fp }
    states.set(request, state)
    let held: string | null
    try {
      held = await store.claim(key, claim, claimTtlMs)
    } catch (err) {
      return unavailable(request, reply, err)
    }
    if (held === null) {
      state.claim = claim
      requests.inc({ outcome: 'first' })
      return
    }
    const record: IdempotencyRecord = decodeRecord(held)
    if (record.fp !== fp) {
      requests.inc({ outcome: 'reused' })
      return sendProblem(reply, build(request, 422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with another request (method, path or body differ). Use a new key for a new request.'))
    }
    if (record.state === 'in_flight') {
      requests.inc({ outcome: 'in_use' })
      return sendProblem(reply, build(request, 409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running. Retry after the Retry-After seconds to get its answer.'), { 'retry-after': RETRY_AFTER_S })
    }
    const reconcile = settings.reconcile
    const naturalKey = reconcile !== undefined && 'naturalKey' in reconcile ? reconcile.naturalKey(request.body) : undefined
    const canReconcile = reconcile !== undefined && ('rerun' in reconcile || naturalKey !== undefined)
    if (record.state === 'done' || !canReconcile) return replay(request, reply, state, record.answer as StoredAnswer)
    // A doubt this route can reconcile: take the key over from the doubt (one retry at a time).
    let took: boolean
    try {
      took = await store.swap(key, held, claim, claimTtlMs)
    } catch (err) {
      return unavailable(request, reply, err)
    }
    if (!took) {
      requests.inc({ outcome: 'in_use' })
      return sendProblem(reply, build(request, 409, 'IDEMPOTENCY_KEY_IN_USE', 'A retry with this Idempotency-Key is reconciling right now. Retry after the Retry-After seconds.'), { 'retry-after': RETRY_AFTER_S })
    }
    state.claim = claim
    state.previous = held
    requests.inc({ outcome: 'reconciled' })
    if (naturalKey === undefined || !('find' in reconcile)) return
    // A failed lookup goes to onError, which puts the doubt back.
    state.lookingUp = true
    const found = await reconcile.find(fastify.intercom, request, naturalKey)
    state.lookingUp = false
    request.log.info({ idempotency: 'reconciled', found: found !== null }, found !== null ? 'doubtful write found applied' : 'doubtful write not found: sending it once more')
    if (found !== null) return reply.code(200).send(found)
  }

  const onError: onErrorHookHandler = function (request, _reply, error, done) {
    const state = states.get(request)
    if (state?.claim !== undefined) state.outcome = state.lookingUp === true ? 'not_applied' : outcomeOfError(error, request.method)
    done()
  }

  const settle = async (request: FastifyRequest, state: KeyedState, next: IdempotencyRecord | null): Promise<void> => {
    const claim = state.claim as string
    state.claim = undefined
    try {
      const replaced = await store.swap(state.key, claim, next === null ? (state.previous ?? null) : encodeRecord(next), ttlMs)
      if (!replaced) request.log.warn({ idempotency: 'claim-lost' }, 'Idempotency-Key claim expired before the answer was stored')
    } catch (err) {
      request.log.error({ err: { message: (err as Error).message } }, 'Idempotency-Key answer could not be stored (the claim expires after the deadline)')
    }
  }

  const onSend: onSendHookHandler = async function (request, reply, payload) {
    const state = states.get(request)
    if (state === undefined) return payload
    if (state.replayed !== undefined) {
      if (state.replayed.requestId !== undefined) reply.header('x-request-id', state.replayed.requestId)
      reply.header('idempotent-replayed', 'true')
      return payload
    }
    if (state.claim === undefined) return payload
    const outcome = state.outcome ?? outcomeOfStatus(reply.statusCode)
    if (outcome === 'not_applied') {
      await settle(request, state, null)
      return payload
    }
    const status = reply.statusCode
    const headers = keptHeaders((name) => reply.getHeader(name))
    const kind = outcome === 'doubt' ? 'doubt' : 'done'
    if (isStream(payload)) {
      return captureStream(payload, status, headers, maxAnswerBytes, (answer, failed) => {
        void settle(request, state, { state: failed ? 'doubt' : kind, fp: state.fp, answer })
      })
    }
    await settle(request, state, { state: kind, fp: state.fp, answer: answerOf(status, headers, payload, maxAnswerBytes) })
    return payload
  }

  fastify.addHook('onRoute', function (route) {
    if (!methodsOf(route).some(isNonIdempotent)) return
    const pattern = `${methodsOf(route).length === 1 ? methodsOf(route)[0] : 'ALL'} ${route.url}`
    const own = route.config?.idempotency
    const settings: RouteIdempotency = { reconcile: own?.reconcile ?? RECONCILE[pattern], appliesTo: own?.appliesTo ?? APPLIES_TO[pattern] }
    route.config = { ...route.config, idempotency: settings }
    if (route.schema !== undefined && route.schema.headers === undefined) route.schema = { ...route.schema, headers: IDEMPOTENCY_HEADERS }
    route.onRequest = [...toArray(route.onRequest), checkHeader]
    route.preHandler = [...toArray(route.preHandler), preHandler]
    route.onError = [...toArray(route.onError), onError]
    route.onSend = [...toArray(route.onSend), onSend]
  })
}, { name: 'idempotency', dependencies: ['metrics', 'problem-details', 'upstream'] })
