/**
 * The Intercom client every facade route and the passthrough use. Plain TypeScript over an undici
 * dispatcher; it knows nothing of Fastify.
 *
 * Every call sends `Authorization: Bearer <token>`, `Accept: application/json`, `Intercom-Version`
 * (the configured one, or the caller's `Intercom-Version` header for one request) and the caller's
 * request id as `X-Request-Id`. JSON answers are parsed once. Non-2xx answers throw
 * `UpstreamHttpError`; transport failures throw `UpstreamNetworkError`. This client never retries:
 * pacing and the retry policy live in dispatcher interceptors (src/upstream/dispatcher.ts).
 */
import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { createDispatcher, type DispatcherOptions, type UpstreamDispatcher } from './dispatcher.js'
import { classifyNetworkError, UpstreamHttpError, UpstreamNetworkError, type CallInfo } from './errors.js'
import { toQueryString } from './path.js'
import { Observers, type CallTracer, type UpstreamObserver } from './observer.js'
import { createPolicyInterceptor, workspaceKey, type PolicyOptions, type PolicyRequestOptions } from './interceptor.js'
import { ForwardHandler, type ForwardAnswer } from './forward-handler.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

/** What the client needs from the inbound request (a FastifyRequest fits). */
export interface CallContext {
  /** The request id, sent upstream as `X-Request-Id`. */
  id: string
  /** Inbound headers; only `intercom-version` is read. */
  headers: Record<string, string | string[] | undefined>
  log?: { debug: (obj: object, msg: string) => void }
  /** When the whole call must end, ms since the epoch (X-Request-Deadline-Ms / REQUEST_DEADLINE_MS). */
  deadlineAt?: number
}

/** One Intercom operation call. `path` must already be encoded (use `ipath`). */
export interface IntercomCall {
  operationId: string
  method: HttpMethod
  path: string
  query?: Record<string, unknown>
  body?: unknown
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

export interface IntercomClientOptions extends Omit<DispatcherOptions, 'origin'> {
  baseUrl: string
  token: string
  version: string
  /** Rate budget and retry policy (src/upstream/interceptor.ts); none = send each call once, unpaced. */
  policy?: Omit<PolicyOptions, 'observer'>
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
  private readonly upstream: UpstreamDispatcher
  private readonly authorization: string
  /** The rate-budget key of this client's token (a hash, never the token). */
  private readonly workspace: string
  /** The rate budget and retry limits, when configured (its `budget.store.mode` is 'redis' or 'local'). */
  readonly policy: Omit<PolicyOptions, 'observer'> | undefined
  /** Per-call spans (src/tracing.ts), set when tracing is on; undefined costs nothing. */
  tracer: CallTracer | undefined

  constructor (opts: IntercomClientOptions) {
    this.origin = new URL(opts.baseUrl).origin
    this.version = opts.version
    this.authorization = `Bearer ${opts.token}`
    this.workspace = workspaceKey(this.authorization)
    this.policy = opts.policy
    if (opts.policy) {
      opts.policy.budget.attach(this.observers)
      opts = { ...opts, interceptors: [createPolicyInterceptor({ ...opts.policy, observer: this.observers }), ...(opts.interceptors ?? [])] }
    }
    this.upstream = createDispatcher({ ...opts, origin: this.origin })
  }

  /** Subscribe to upstream events (src/upstream/observer.ts). */
  addObserver (observer: UpstreamObserver): void {
    this.observers.add(observer)
  }

  /** The headers every upstream request carries. */
  private baseHeaders (ctx: CallContext): Record<string, string> {
    const v = ctx.headers['intercom-version']
    return {
      authorization: this.authorization,
      accept: 'application/json',
      'intercom-version': typeof v === 'string' && v !== '' ? v : this.version,
      'x-request-id': ctx.id
    }
  }

  /**
   * Send one operation call through the dispatcher (so the rate budget, retry policy and deadline
   * apply) and read the whole answer. Reports the call to observers.
   * @throws UpstreamNetworkError when no answer came back
   */
  private async send (ctx: CallContext, call: IntercomCall, info: CallInfo): Promise<{ status: number, headers: Record<string, string | string[] | undefined>, bytes: Buffer }> {
    const headers = this.baseHeaders(ctx)
    let body: string | undefined
    if (call.body !== undefined) {
      body = JSON.stringify(call.body)
      headers['content-type'] = 'application/json'
    }
    const started = performance.now()
    const trace = this.tracer?.startCall({ operationId: call.operationId, method: call.method, path: call.path, origin: this.origin })
    // A dispatch handler that collects the whole answer: no body stream or promise chain per call.
    const handler = new ForwardHandler(Infinity)
    let res: ForwardAnswer
    try {
      this.upstream.dispatcher.dispatch({
        origin: this.origin,
        method: call.method,
        path: call.path + toQueryString(call.query),
        headers,
        body,
        intercomPolicy: { operationId: call.operationId, deadlineAt: ctx.deadlineAt, workspace: this.workspace, trace }
      } as Dispatcher.DispatchOptions & PolicyRequestOptions, handler)
      res = await handler.answer
    } catch (err) {
      const typed = classifyNetworkError(err, info)
      trace?.end(null, undefined, (typed as UpstreamNetworkError).kind)
      this.observers.onCall({ operationId: call.operationId, method: call.method, status: null, errorKind: (typed as UpstreamNetworkError).kind, durationMs: performance.now() - started })
      throw typed
    }
    const durationMs = performance.now() - started
    if (trace !== undefined) trace.end(res.statusCode, headerString(res.headers['x-request-id']))
    this.observers.onCall({ operationId: call.operationId, method: call.method, status: res.statusCode, durationMs })
    ctx.log?.debug({ upstream: { operationId: call.operationId, method: call.method, path: call.path, status: res.statusCode, ms: Math.round(durationMs) } }, 'intercom call')
    return { status: res.statusCode, headers: res.headers, bytes: res.body as Buffer }
  }

  /** Throw Intercom's non-2xx answer as an `UpstreamHttpError` (its error.list parsed when it is JSON). */
  private throwIfError (answer: { status: number, headers: Record<string, string | string[] | undefined>, bytes: Buffer }, info: CallInfo): void {
    if (answer.status < 400) return
    let data: unknown
    try {
      data = answer.bytes.length > 0 ? JSON.parse(answer.bytes.toString('utf8')) : undefined
    } catch {}
    throw new UpstreamHttpError({ status: answer.status, body: data, headers: answer.headers, call: info })
  }

  /**
   * Call one Intercom operation and parse its JSON answer.
   * @throws UpstreamHttpError on a non-2xx answer (with Intercom's error.list parsed)
   * @throws UpstreamNetworkError when no usable answer came back
   */
  async call<T = unknown> (ctx: CallContext, call: IntercomCall): Promise<IntercomResult<T>> {
    const info: CallInfo = { operationId: call.operationId, method: call.method, path: call.path }
    const answer = await this.send(ctx, call, info)
    this.throwIfError(answer, info)
    let data: unknown
    if (answer.bytes.length > 0) {
      try {
        data = JSON.parse(answer.bytes.toString('utf8'))
      } catch (err) {
        throw new UpstreamNetworkError('protocol', info, err)
      }
    }
    const rid = answer.headers['x-request-id']
    return { status: answer.status, headers: answer.headers, data: data as T, requestId: typeof rid === 'string' ? rid : undefined }
  }

  /**
   * Like `call`, but a 2xx answer's JSON body comes back as the bytes Intercom sent, neither
   * decoded nor parsed, for routes that pass Intercom's object on unchanged (a facade GET). Only the
   * first byte is checked (`{` or `[`), else `UpstreamNetworkError('protocol')`. Errors are `call`'s.
   * @throws UpstreamHttpError on a non-2xx answer
   * @throws UpstreamNetworkError when no usable answer came back
   */
  async callRaw (ctx: CallContext, call: IntercomCall): Promise<IntercomResult<Buffer>> {
    const info: CallInfo = { operationId: call.operationId, method: call.method, path: call.path }
    const answer = await this.send(ctx, call, info)
    this.throwIfError(answer, info)
    const first = answer.bytes.length > 0 ? answer.bytes[0] : 0
    if (first !== 0x7b && first !== 0x5b) throw new UpstreamNetworkError('protocol', info, new Error('the answer is not a JSON object'))
    const rid = answer.headers['x-request-id']
    return { status: answer.status, headers: answer.headers, data: answer.bytes, requestId: typeof rid === 'string' ? rid : undefined }
  }

  /**
   * `forward` through a `ForwardHandler` (src/upstream/forward-handler.ts): the same request, but a
   * small answer comes back as one Buffer, and there is no AbortSignal or body stream to build per
   * call; `handler.abort()` cancels it.
   * @throws UpstreamNetworkError when no answer came back
   */
  async forwardWith (ctx: CallContext, call: ForwardCall, handler: ForwardHandler): Promise<ForwardAnswer> {
    const started = performance.now()
    const trace = this.tracer?.startCall({ operationId: 'passthrough', method: call.method, path: call.path, origin: this.origin })
    this.upstream.dispatcher.dispatch({
      origin: this.origin,
      method: call.method as Dispatcher.HttpMethod,
      path: call.path,
      headers: { ...call.headers, ...this.baseHeaders(ctx) },
      body: call.body,
      intercomPolicy: { operationId: 'passthrough', deadlineAt: ctx.deadlineAt, workspace: this.workspace, trace }
    } as Dispatcher.DispatchOptions & PolicyRequestOptions, handler)
    try {
      const answer = await handler.answer
      if (trace !== undefined) trace.end(answer.statusCode, headerString(answer.headers['x-request-id']))
      // Reported at Intercom's answer headers (a large body streams on to the caller afterwards).
      this.observers.onCall({ operationId: 'passthrough', method: call.method, status: answer.statusCode, durationMs: performance.now() - started })
      return answer
    } catch (err) {
      const typed = classifyNetworkError(err, { operationId: 'passthrough', method: call.method, path: call.path })
      trace?.end(null, undefined, (typed as UpstreamNetworkError).kind)
      this.observers.onCall({ operationId: 'passthrough', method: call.method, status: null, errorKind: (typed as UpstreamNetworkError).kind, durationMs: performance.now() - started })
      throw typed
    }
  }

  /** Close the pool; in-flight requests finish first. */
  async close (): Promise<void> {
    await this.upstream.pool.close()
    await this.policy?.budget.close()
  }
}
