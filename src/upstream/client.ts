/**
 * The Intercom client every facade route and the passthrough use. Plain TypeScript over an undici
 * `Pool` (one keep-alive pool for the Intercom origin, bounded connections and timeouts); it knows
 * nothing of Fastify.
 *
 * Every call sends `Authorization: Bearer <token>`, `Accept: application/json` (a download
 * operation's own `call.accept` instead), `Intercom-Version`
 * (the configured one, or `ctx.intercomVersion` for one request) and the caller's
 * request id as `X-Request-Id`. With a `policy`, calls go through three interceptors, composed as in
 * undici (the last listed runs first):
 *
 *   retry (retry/handler.ts: retries, deadline) → budget (budget/interceptor.ts: acquire, release,
 *   learn) → request-sent (retry/request-sent.ts: was the request written?) → pool
 *
 * `call`/`callRaw`/`callBytes` read the whole answer (answer-handler.ts, bounded by UPSTREAM_MAX_ANSWER_BYTES;
 * large ones into reused buffers, answer-buffers.ts, which `call` gives back once parsed);
 * the passthrough's `forwardWith` streams large answers (forward-handler.ts). Non-2xx answers throw
 * `UpstreamHttpError`; transport failures and unusable answers (a 3xx, a 2xx body that is not JSON or
 * is cut short, except from `callBytes`; an answer too large) throw `UpstreamNetworkError`; the policy's own errors
 * (errors.ts) pass through. This client never retries by itself.
 */
import type { Readable } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import { CallCancelledError, classifyNetworkError, UpstreamHttpError, UpstreamNetworkError, type CallInfo } from './errors.js'
import { toQueryString } from './path.js'
import { Observers, type CallTrace, type CallTracer, type UpstreamObserver } from './observer.js'
import type { CallerConnection } from './call-options.js'
import { AnswerHandler, type CollectedAnswer } from './answer-handler.js'
import { releaseAnswerBuffer } from './answer-buffers.js'
import type { ForwardAnswer, ForwardHandler } from './forward-handler.js'
import { budgetInterceptor, workspaceKey } from './budget/interceptor.js'
import type { RateBudget } from './budget/queue.js'
import { retryInterceptor, type Timers } from './retry/handler.js'
import { requestSentInterceptor } from './retry/request-sent.js'
import type { RetryLimits } from './retry/table.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

/** What the client needs from the inbound request (a FastifyRequest fits). */
export interface CallContext {
  /** The request id, sent upstream as `X-Request-Id`. */
  id: string
  /** Inbound headers (not read by the client). */
  headers?: Record<string, string | string[] | undefined>
  /** The Intercom-Version for this call (src/plugins/intercom-version.ts); empty or unset = the client's. */
  intercomVersion?: string
  log?: { debug: (obj: object, msg: string) => void }
  /** When the whole call must end, ms since the epoch (X-Request-Deadline-Ms / REQUEST_DEADLINE_MS). */
  deadlineAt?: number
  /**
   * The inbound request: when its connection closes while the call waits for rate budget or a retry
   * backoff, the call is cancelled (`CallCancelledError`) and nothing more is sent. Read only then.
   */
  raw?: { socket: CallerConnection | null }
}

/** One Intercom operation call. `path` must already be encoded (use `ipath`). */
export interface IntercomCall {
  operationId: string
  method: HttpMethod
  path: string
  query?: Record<string, unknown>
  body?: unknown
  /** The `Accept` sent; default `application/json`. A download operation names its own (`callBytes`). */
  accept?: string
}

/** A parsed 2xx answer. */
export interface IntercomResult<T> {
  status: number
  headers: Record<string, string | string[] | undefined>
  data: T
  /** Intercom's request id (`x-request-id` answer header), if sent. */
  requestId: string | undefined
}

/** A raw call for the passthrough: the body is a Buffer (replayable) or a stream (sent once); the answer comes through a `ForwardHandler`. */
export interface ForwardCall {
  method: string
  /** Path and query string as they go upstream, already checked for `..` and encoded slashes. */
  path: string
  headers: Record<string, string>
  body?: Buffer | Readable
}

/** The rate budget and retry limits of a client. `now`, `random` and `timers` are injectable for tests. */
export interface ClientPolicy {
  budget: RateBudget
  retry: RetryLimits
  now?: () => number
  random?: () => number
  timers?: Timers
}

export interface IntercomClientOptions {
  baseUrl: string
  token: string
  version: string
  /** Maximum sockets to the origin. */
  connections: number
  connectTimeoutMs: number
  headersTimeoutMs: number
  bodyTimeoutMs: number
  keepAliveTimeoutMs: number
  /** Largest answer `call`/`callRaw` read into memory (UPSTREAM_MAX_ANSWER_BYTES); default 16 MiB. */
  maxAnswerBytes?: number
  /** Rate budget and retry policy; none = send each call once, unpaced. */
  policy?: ClientPolicy
}

/** The default of UPSTREAM_MAX_ANSWER_BYTES. */
export const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

/** JSON's insignificant whitespace: space, tab, LF, CR. */
function isSpace (byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d
}

/**
 * A bounded check that `bytes` hold one JSON object or array, without parsing it: the first
 * non-whitespace byte is `{` or `[` and the last one is the matching `}` or `]`. It catches a body
 * that is not JSON and one cut short (a body shorter than its content-length is refused by undici
 * itself, UND_ERR_RES_CONTENT_LENGTH_MISMATCH); it reads a few bytes at each end, not the body.
 */
export function looksLikeJsonContainer (bytes: Buffer): boolean {
  let i = 0
  let j = bytes.length - 1
  while (i <= j && isSpace(bytes[i])) i++
  while (j > i && isSpace(bytes[j])) j--
  if (j <= i) return false
  const first = bytes[i]
  const last = bytes[j]
  return (first === OPEN_BRACE && last === CLOSE_BRACE) || (first === OPEN_BRACKET && last === CLOSE_BRACKET)
}

/** A header's value when it is one string. */
function headerString (v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/** The shared, pooled Intercom client. */
export class IntercomClient {
  readonly origin: string
  readonly version: string
  /** Everyone listening to upstream events (metrics, logs). */
  readonly observers = new Observers()
  /** The rate budget and retry limits, when configured (its `budget.store.mode` is 'redis' or 'local'). */
  readonly policy: ClientPolicy | undefined
  /** Per-call spans (src/tracing.ts), set when tracing is on; undefined costs one check per call. */
  tracer: CallTracer | undefined
  private readonly pool: Pool
  private readonly dispatcher: Dispatcher
  private readonly authorization: string
  /** The rate-budget key of this client's token (a hash, never the token). */
  private readonly workspace: string
  private readonly maxAnswerBytes: number

  constructor (opts: IntercomClientOptions) {
    this.origin = new URL(opts.baseUrl).origin
    this.version = opts.version
    this.authorization = `Bearer ${opts.token}`
    this.workspace = workspaceKey(this.authorization)
    this.maxAnswerBytes = opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES
    this.policy = opts.policy
    this.pool = new Pool(this.origin, {
      connections: opts.connections,
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
      keepAliveTimeout: opts.keepAliveTimeoutMs,
      keepAliveMaxTimeout: Math.max(opts.keepAliveTimeoutMs, 1_000)
    })
    const policy = opts.policy
    if (policy === undefined) {
      this.dispatcher = this.pool
    } else {
      policy.budget.attach(this.observers)
      this.dispatcher = this.pool.compose(
        requestSentInterceptor(),
        budgetInterceptor(policy.budget, this.observers),
        retryInterceptor({ limits: policy.retry, observer: this.observers, now: policy.now, random: policy.random, timers: policy.timers })
      )
    }
  }

  /** Subscribe to upstream events (src/upstream/observer.ts). */
  addObserver (observer: UpstreamObserver): void {
    this.observers.add(observer)
  }

  /** The headers every upstream request carries. */
  private baseHeaders (ctx: CallContext): Record<string, string> {
    const v = ctx.intercomVersion
    return {
      authorization: this.authorization,
      accept: 'application/json',
      'intercom-version': v !== undefined && v !== '' ? v : this.version,
      'x-request-id': ctx.id
    }
  }

  /** Report a call that got no usable answer, and answer the typed error. */
  private failed (err: unknown, info: CallInfo, started: number, version: string | undefined, trace: CallTrace | undefined): Error {
    const typed = classifyNetworkError(err, info)
    let errorKind: string | undefined
    if (typed instanceof UpstreamNetworkError) errorKind = typed.kind
    else if (typed instanceof CallCancelledError) {
      errorKind = 'cancelled'
      this.observers.onCancel({ operationId: info.operationId, method: info.method })
    }
    trace?.end(null, undefined, errorKind ?? (typed as { code?: string }).code ?? typed.name)
    this.observers.onCall({ operationId: info.operationId, method: info.method, version, status: null, errorKind, durationMs: performance.now() - started })
    return typed
  }

  /**
   * Send one operation call through the dispatcher (so the rate budget, retry policy and deadline
   * apply) and read the whole answer. Reports the call to observers.
   * @throws UpstreamNetworkError when no answer came back, or it was too large
   */
  private async send (ctx: CallContext, call: IntercomCall, info: CallInfo): Promise<CollectedAnswer> {
    const headers = this.baseHeaders(ctx)
    if (call.accept !== undefined) headers.accept = call.accept
    let body: string | undefined
    if (call.body !== undefined) {
      body = JSON.stringify(call.body)
      headers['content-type'] = 'application/json'
    }
    const started = performance.now()
    const trace = this.tracer?.startCall({ operationId: call.operationId, method: call.method, path: call.path, origin: this.origin })
    const handler = new AnswerHandler(this.maxAnswerBytes)
    let res: CollectedAnswer
    try {
      this.dispatcher.dispatch({
        origin: this.origin,
        method: call.method,
        path: call.path + toQueryString(call.query),
        headers,
        body,
        intercom: { operationId: call.operationId, deadlineAt: ctx.deadlineAt, workspace: this.workspace, caller: ctx.raw?.socket, trace }
      }, handler)
      res = await handler.answer
    } catch (err) {
      throw this.failed(err, info, started, headers['intercom-version'], trace)
    }
    const durationMs = performance.now() - started
    if (trace !== undefined) trace.end(res.statusCode, headerString(res.headers['x-request-id']))
    this.observers.onCall({ operationId: call.operationId, method: call.method, version: headers['intercom-version'], status: res.statusCode, durationMs })
    ctx.log?.debug({ upstream: { operationId: call.operationId, method: call.method, path: call.path, status: res.statusCode, ms: Math.round(durationMs) } }, 'intercom call')
    return res
  }

  /**
   * Throw Intercom's non-2xx answer: a 4xx/5xx as `UpstreamHttpError` (its error.list parsed when it
   * is JSON), a 3xx as `UpstreamNetworkError('protocol')` (Intercom's API never redirects).
   */
  private throwIfNot2xx (answer: CollectedAnswer, info: CallInfo): void {
    const status = answer.statusCode
    if (status >= 200 && status < 300) return
    if (status < 400) throw new UpstreamNetworkError('protocol', info, new Error(`Intercom answered ${status}${typeof answer.headers.location === 'string' ? ` (a redirect to ${answer.headers.location})` : ''}, not an answer`))
    let data: unknown
    try {
      data = answer.body.length > 0 ? JSON.parse(answer.body.toString('utf8')) : undefined
    } catch {}
    throw new UpstreamHttpError({ status, body: data, headers: answer.headers, call: info })
  }

  /**
   * Call one Intercom operation and parse its JSON answer.
   * @throws UpstreamHttpError on a 4xx/5xx answer (with Intercom's error.list parsed)
   * @throws UpstreamNetworkError when no usable answer came back (a 3xx, a body that is not JSON)
   */
  async call<T = unknown> (ctx: CallContext, call: IntercomCall): Promise<IntercomResult<T>> {
    const info: CallInfo = { operationId: call.operationId, method: call.method, path: call.path }
    const answer = await this.send(ctx, call, info)
    let data: unknown
    try {
      this.throwIfNot2xx(answer, info)
      if (answer.body.length > 0) {
        try {
          data = JSON.parse(answer.body.toString('utf8'))
        } catch (err) {
          throw new UpstreamNetworkError('protocol', info, err)
        }
      }
    } finally {
      // Decoded into a string (or refused): nothing reads these bytes again.
      releaseAnswerBuffer(answer.body)
    }
    const rid = answer.headers['x-request-id']
    return { status: answer.statusCode, headers: answer.headers, data: data as T, requestId: typeof rid === 'string' ? rid : undefined }
  }

  /**
   * Like `call`, but a 2xx answer's JSON body comes back as the bytes Intercom sent, neither
   * decoded nor parsed, for routes that pass Intercom's object on unchanged (a facade GET). The body
   * is checked without parsing (`looksLikeJsonContainer`: `{…}` or `[…]`, first and last
   * non-whitespace bytes), else `UpstreamNetworkError('protocol')`. Errors are `call`'s. A body of
   * 64 KB to 1 MB lies in a reused buffer (answer-buffers.ts): the route that sends it gives it
   * back once written (`sendJsonBytes`); one never given back is left to the GC.
   * @throws UpstreamHttpError on a 4xx/5xx answer
   * @throws UpstreamNetworkError when no usable answer came back
   */
  async callRaw (ctx: CallContext, call: IntercomCall): Promise<IntercomResult<Buffer>> {
    const r = await this.callBytes(ctx, call)
    if (!looksLikeJsonContainer(r.data)) {
      releaseAnswerBuffer(r.data)
      throw new UpstreamNetworkError('protocol', { operationId: call.operationId, method: call.method, path: call.path }, new Error('the answer is not a whole JSON object or array'))
    }
    return r
  }

  /**
   * Like `callRaw`, but a 2xx body is not required to be JSON: for Intercom's download operations
   * (an export file, `call.accept` `application/octet-stream`), whose bytes and `content-type` are
   * passed on as they are. Bounded by UPSTREAM_MAX_ANSWER_BYTES like every facade call.
   * @throws UpstreamHttpError on a 4xx/5xx answer
   * @throws UpstreamNetworkError when no usable answer came back (a 3xx, too large, transport)
   */
  async callBytes (ctx: CallContext, call: IntercomCall): Promise<IntercomResult<Buffer>> {
    const info: CallInfo = { operationId: call.operationId, method: call.method, path: call.path }
    const answer = await this.send(ctx, call, info)
    try {
      this.throwIfNot2xx(answer, info)
    } catch (err) {
      releaseAnswerBuffer(answer.body)
      throw err
    }
    const rid = answer.headers['x-request-id']
    return { status: answer.statusCode, headers: answer.headers, data: answer.body, requestId: typeof rid === 'string' ? rid : undefined }
  }

  /**
   * The passthrough's call: the same request through the same policy, with the answer given to a
   * `ForwardHandler` (forward-handler.ts): a small answer comes back as one Buffer, a large or
   * unsized one as a stream; there is no AbortSignal or body stream to build per call, and
   * `handler.abort()` cancels it. Not bound by UPSTREAM_MAX_ANSWER_BYTES.
   * @throws UpstreamNetworkError when no answer came back
   */
  async forwardWith (ctx: CallContext, call: ForwardCall, handler: ForwardHandler): Promise<ForwardAnswer> {
    const started = performance.now()
    // Our headers win over the caller's, except Accept (a download asks for application/octet-stream).
    const headers = this.baseHeaders(ctx)
    const given = call.headers
    for (const name in given) if (name === 'accept' || headers[name] === undefined) headers[name] = given[name]
    const trace = this.tracer?.startCall({ operationId: 'passthrough', method: call.method, path: call.path, origin: this.origin })
    this.dispatcher.dispatch({
      origin: this.origin,
      method: call.method as Dispatcher.HttpMethod,
      path: call.path,
      headers,
      body: call.body,
      intercom: { operationId: 'passthrough', deadlineAt: ctx.deadlineAt, workspace: this.workspace, caller: ctx.raw?.socket, trace }
    }, handler)
    try {
      const answer = await handler.answer
      if (trace !== undefined) trace.end(answer.statusCode, headerString(answer.headers['x-request-id']))
      // Reported at Intercom's answer headers (a large body streams on to the caller afterwards).
      this.observers.onCall({ operationId: 'passthrough', method: call.method, version: headers['intercom-version'], status: answer.statusCode, durationMs: performance.now() - started })
      return answer
    } catch (err) {
      throw this.failed(err, { operationId: 'passthrough', method: call.method, path: call.path }, started, headers['intercom-version'], trace)
    }
  }

  /** Close the pool; in-flight requests finish first. */
  async close (): Promise<void> {
    await this.pool.close()
    await this.policy?.budget.close()
  }
}
