/**
 * The upstream policy as one undici 7 interceptor (the `compose` shape: `dispatch => (opts, handler)`),
 * plugged into the Intercom pool by createDispatcher. For every request it:
 *
 * 1. waits for a unit of the workspace's rate budget (rate-budget.ts; the workspace is a hash of the
 *    `Authorization` header, never the token), FIFO, bounded by the caller's deadline;
 * 2. sends one attempt and learns from the answer's X-RateLimit-* headers;
 * 3. asks the retry table (retry-policy.ts) about a failed attempt; a retried answer's body is read
 *    and kept, so that when the retries run out the caller still gets Intercom's last real answer;
 * 4. aborts when the deadline passes: `RateBudgetExhaustedError` (→ 429 + Retry-After) while the
 *    first attempt is still queued, `DeadlineExceededError` (→ 504) once the call has started.
 *
 * Per-request options ride on the dispatch options as `intercomPolicy` (see `PolicyRequestOptions`);
 * the Intercom client sets them. Observers hear `onRetry`, `onQueue` and `onRateLimit`.
 * Attempts are dispatched with a classic handler so undici tells us (`onRequestSent`) whether the
 * request was fully written: that separates "closed before sending" from "reset after sending".
 */
import { createHash } from 'node:crypto'
import { util, type Dispatcher } from 'undici'
import { decideRetry, type AttemptOutcome, type RetryLimits } from './retry-policy.js'
import type { RateBudget } from './rate-budget.js'
import { DeadlineExceededError, RateBudgetExhaustedError } from './policy-errors.js'
import type { CallTrace, UpstreamObserver } from './observer.js'

/** What a request tells the policy (set by the client on the dispatch options). */
export interface PolicyRequestOptions {
  intercomPolicy?: {
    /** For observers and logs. */
    operationId?: string
    /** Milliseconds since the epoch after which the call must end. */
    deadlineAt?: number
    /** `workspaceKey(authorization)`, when the sender knows it (saves reading the headers per call). */
    workspace?: string
    /** The call's trace (src/tracing.ts), when tracing is on. */
    trace?: CallTrace
  }
}

/** The policy's parts. `now` and `random` are injectable for tests. */
export interface PolicyOptions {
  budget: RateBudget
  retry: RetryLimits
  observer?: UpstreamObserver
  now?: () => number
  random?: () => number
}

const workspaceCache = new Map<string, string>()

/** The workspace key for an `Authorization` header: the first 16 hex digits of its SHA-256. */
export function workspaceKey (authorization: string | undefined): string {
  if (authorization === undefined) return 'anonymous'
  let key = workspaceCache.get(authorization)
  if (key === undefined) {
    key = createHash('sha256').update(authorization).digest('hex').slice(0, 16)
    if (workspaceCache.size > 1000) workspaceCache.clear()
    workspaceCache.set(authorization, key)
  }
  return key
}

function headerOf (headers: Dispatcher.DispatchOptions['headers'], name: string): string | undefined {
  if (headers == null) return undefined
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1])
    return undefined
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function' && !(typeof headers === 'object' && !Array.isArray(headers) && Object.getPrototypeOf(headers) === Object.prototype)) {
    for (const [k, v] of headers as Iterable<[string, string]>) if (k.toLowerCase() === name) return v
    return undefined
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0]) : String(v)
  return undefined
}

/** A body that can be sent again as is. */
function replayable (body: unknown): boolean {
  return body == null || typeof body === 'string' || body instanceof Uint8Array
}

type Handler = Dispatcher.DispatchHandler

/** The controller the downstream handler sees for the whole call, across attempts. */
class CallController {
  paused = false
  aborted = false
  reason: Error | null = null
  rawHeaders = null
  rawTrailers = null
  resumeAttempt: (() => void) | null = null
  constructor (private readonly onAbort: (reason: Error) => void) {}
  pause (): void { this.paused = true }
  resume (): void {
    if (!this.paused) return
    this.paused = false
    this.resumeAttempt?.()
  }

  abort (reason: Error): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.onAbort(reason)
  }
}

interface Buffered { status: number, statusMessage: string, headers: Record<string, string | string[]>, chunks: Buffer[] }

/** One call through the policy: queueing, attempts, retries, deadline. */
class PolicyCall {
  private readonly controller: CallController
  private readonly workspace: string
  private readonly method: string
  private readonly operationId: string
  private readonly deadlineAt: number | undefined
  private readonly canReplay: boolean
  private readonly trace: CallTrace | undefined
  /** Aborts the queue wait; made only when a call must wait or is stopped (most never need one). */
  private queueAbort: AbortController | undefined
  private attempt = 0
  private totalDelayMs = 0
  private done = false
  /** Response headers were passed downstream: no more retries. */
  private delivered = false
  /** An attempt may have reached Intercom (for the 504's "may have been applied"). */
  private maybeSent = false
  private abortAttempt: ((reason: Error) => void) | null = null
  private deadlineTimer: NodeJS.Timeout | undefined
  private backoffTimer: NodeJS.Timeout | undefined
  private last: Buffered | undefined

  constructor (private readonly opts: Dispatcher.DispatchOptions & PolicyRequestOptions, private readonly handler: Handler,
    private readonly dispatch: Dispatcher['dispatch'], private readonly policy: PolicyOptions & { now: () => number, random: () => number }) {
    this.controller = new CallController((reason) => { this.stop(reason) })
    this.workspace = opts.intercomPolicy?.workspace ?? workspaceKey(headerOf(opts.headers, 'authorization'))
    this.method = (opts.method ?? 'GET').toUpperCase()
    this.operationId = opts.intercomPolicy?.operationId ?? 'passthrough'
    this.deadlineAt = opts.intercomPolicy?.deadlineAt
    this.canReplay = replayable(opts.body)
    this.trace = opts.intercomPolicy?.trace
  }

  start (): void {
    this.handler.onRequestStart?.(this.controller as unknown as Dispatcher.DispatchController, {})
    if (this.controller.aborted) return
    if (this.deadlineAt !== undefined) {
      const ms = this.deadlineAt - this.policy.now()
      this.deadlineTimer = setTimeout(() => { this.onDeadline() }, Math.max(0, ms))
    }
    this.next()
  }

  private onDeadline (): void {
    if (this.done) return
    if (this.attempt === 0) this.stop(new RateBudgetExhaustedError('deadline', 1000))
    else this.stop(new DeadlineExceededError(this.maybeSent))
  }

  /** Abort whatever is going on (queue wait, backoff or attempt) and end the call with `reason`. */
  private stop (reason: Error): void {
    if (this.done) return
    if (this.abortAttempt !== null) {
      this.abortAttempt(reason) // the attempt's onError ends the call
      return
    }
    this.queueAbort ??= new AbortController()
    this.queueAbort.abort(reason)
    this.fail(reason)
  }

  private finish (): void {
    this.done = true
    clearTimeout(this.deadlineTimer)
    clearTimeout(this.backoffTimer)
  }

  private fail (err: Error): void {
    if (this.done) return
    this.finish()
    this.handler.onResponseError?.(this.controller as unknown as Dispatcher.DispatchController, err)
  }

  /** Hand a kept answer (the last retried one) to the caller as if it had just arrived. */
  private deliver (b: Buffered): void {
    if (this.done) return
    this.finish()
    const c = this.controller as unknown as Dispatcher.DispatchController
    this.handler.onResponseStart?.(c, b.status, b.headers, b.statusMessage)
    for (const chunk of b.chunks) this.handler.onResponseData?.(c, chunk)
    this.handler.onResponseEnd?.(c, {})
  }

  /** Wait for budget (no promise when a unit is there at once), then send the next attempt. */
  private next (): void {
    const ticket = this.policy.budget.tryAcquire(this.workspace)
    if (ticket === undefined) {
      void this.nextQueued()
      return
    }
    this.ticket = ticket
    this.attempt += 1
    this.send()
  }

  private async nextQueued (): Promise<void> {
    const queuedAt = this.policy.now()
    try {
      this.ticket = await this.policy.budget.acquire(this.workspace, this.deadlineAt, () => (this.queueAbort ??= new AbortController()).signal)
    } catch (err) {
      if (this.done) return
      if (this.attempt > 0 && this.last !== undefined) return this.deliver(this.last)
      if (this.attempt > 0 && this.lastError !== undefined) return this.fail(this.lastError)
      if (this.attempt > 0 && err instanceof RateBudgetExhaustedError) return this.fail(new DeadlineExceededError(this.maybeSent))
      return this.fail(err as Error)
    }
    if (this.done) {
      this.releaseTicket()
      return
    }
    this.trace?.queued(this.policy.now() - queuedAt)
    this.attempt += 1
    this.send()
  }

  private send (): void {
    let sent = false
    let buffering: Buffered | undefined
    const call = this
    const c = this.controller as unknown as Dispatcher.DispatchController
    this.trace?.attemptStart(this.attempt)
    const attempt: Dispatcher.DispatchHandler & Record<string, unknown> = {
      onConnect (abort: (err?: Error) => void) {
        call.abortAttempt = abort
        if (call.controller.aborted && call.controller.reason) abort(call.controller.reason)
      },
      onRequestSent () {
        sent = true
        call.maybeSent = true
      },
      onHeaders (status: number, rawHeaders: Buffer[], resume: () => void, statusMessage: string) {
        sent = true
        call.maybeSent = status !== 429
        const headers = util.parseHeaders(rawHeaders) as Record<string, string | string[]>
        call.trace?.attemptEnd(status)
        call.releaseTicket()
        call.observe(headers)
        if (status >= 400) {
          const decision = call.decide({ type: 'status', status, headers })
          if (decision !== undefined) {
            buffering = { status, statusMessage, headers, chunks: [] }
            return true
          }
        }
        call.delivered = true
        call.controller.resumeAttempt = resume
        call.handler.onResponseStart?.(c, status, headers, statusMessage)
        return !call.controller.paused
      },
      onData (chunk: Buffer) {
        if (buffering !== undefined) {
          buffering.chunks.push(chunk)
          return true
        }
        call.handler.onResponseData?.(c, chunk)
        return !call.controller.paused
      },
      onComplete () {
        call.abortAttempt = null
        if (buffering !== undefined) {
          call.last = buffering
          call.lastError = undefined
          call.retryAfterDecision()
          return
        }
        call.finish()
        call.handler.onResponseEnd?.(c, {})
      },
      onError (err: Error) {
        call.abortAttempt = null
        call.releaseTicket()
        if (call.done) return
        if (call.delivered || call.controller.aborted || err instanceof DeadlineExceededError || err instanceof RateBudgetExhaustedError) return call.fail(err)
        const code = (err as { code?: string }).code ?? ''
        call.trace?.attemptEnd(null, code || err.name)
        if (call.decide({ type: 'error', code, sent }) !== undefined) {
          call.lastError = err
          call.last = undefined
          call.retryAfterDecision()
          return
        }
        call.fail(err)
      }
    }
    this.pendingDecision = undefined
    try {
      this.dispatch({ ...this.opts, intercomPolicy: undefined } as Dispatcher.DispatchOptions, attempt as unknown as Handler)
    } catch (err) {
      this.abortAttempt = null
      this.releaseTicket()
      this.fail(err as Error)
    }
  }

  private lastError: Error | undefined
  private ticket: string | undefined

  /** The attempt is no longer in flight for the budget. */
  private releaseTicket (): void {
    const t = this.ticket
    if (t === undefined) return
    this.ticket = undefined
    this.policy.budget.release(this.workspace, t)
  }
  private pendingDecision: { delayMs: number, reason: string } | undefined

  /** Ask the table; answers the retry (and remembers it) or undefined. Checks the deadline too. */
  private decide (outcome: AttemptOutcome): { delayMs: number, reason: string } | undefined {
    const now = this.policy.now()
    const d = decideRetry(outcome, { method: this.method, attempt: this.attempt, totalDelayMs: this.totalDelayMs, replayable: this.canReplay, now, random: this.policy.random }, this.policy.retry)
    if (!d.retry) return undefined
    if (this.deadlineAt !== undefined && now + d.delayMs >= this.deadlineAt) return undefined
    this.pendingDecision = { delayMs: d.delayMs, reason: d.reason }
    return this.pendingDecision
  }

  private retryAfterDecision (): void {
    const d = this.pendingDecision
    if (d === undefined || this.done) return
    this.pendingDecision = undefined
    this.totalDelayMs += d.delayMs
    this.policy.observer?.onRetry?.({ operationId: this.operationId, method: this.method, reason: d.reason, attempt: this.attempt, delayMs: d.delayMs })
    this.trace?.retry(d.reason, this.attempt, d.delayMs)
    this.backoffTimer = setTimeout(() => { this.next() }, d.delayMs)
  }

  private observe (headers: Record<string, string | string[]>): void {
    try {
      const obs = this.policy.budget.observe(this.workspace, headers)
      if (obs !== undefined) this.policy.observer?.onRateLimit?.({ workspace: this.workspace, limit: obs.limit, remaining: obs.remaining, resetAt: obs.resetAtMs / 1000 })
    } catch { /* learning is best effort */ }
  }
}

/**
 * The policy interceptor for `Dispatcher.compose`. List it first in createDispatcher's `interceptors`
 * so it runs last, right before the pool (it needs undici's `onRequestSent`).
 */
export function createPolicyInterceptor (policy: PolicyOptions): Dispatcher.DispatcherComposeInterceptor {
  const full = { ...policy, now: policy.now ?? Date.now, random: policy.random ?? Math.random }
  return (dispatch) => function intercomPolicy (opts, handler) {
    new PolicyCall(opts as Dispatcher.DispatchOptions & PolicyRequestOptions, handler, dispatch, full).start()
    return true
  }
}
