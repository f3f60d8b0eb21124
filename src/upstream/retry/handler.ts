/**
 * The retry policy as one undici handler, shaped like undici's `RetryHandler`
 * (lib/handler/retry-handler.js) and its interceptor (lib/interceptor/retry.js): the handler is the
 * call, across attempts. Each attempt is `dispatch(opts, this)` through the layers below (the rate
 * budget, budget/interceptor.ts, then the pool); `retry(err, state)` decides after a failed attempt,
 * filled by the retry table (table.ts). New-style handler API on both sides: the handler below
 * calls onRequestStart/onResponseStart/onResponseData/onResponseEnd/onResponseError, and the
 * handler above (the client's) sees this handler as its one controller for the whole call.
 *
 * Unlike undici's, it also owns the call's deadline (`intercom.deadlineAt`): when it passes, the
 * attempt in flight is aborted, or the backoff ended, with `DeadlineExceededError` (→ 504; a first
 * attempt still waiting for budget is refused by the budget layer instead, → 429). A retried
 * answer's body is read and kept, so that when the retries run out the caller still gets Intercom's
 * last real answer. A call whose caller goes away during a backoff is cancelled
 * (`CallCancelledError`); an attempt in flight completes.
 */
import type { Dispatcher } from 'undici'
import { CallCancelledError, DeadlineExceededError, RateBudgetExhaustedError } from '../errors.js'
import type { UpstreamObserver } from '../observer.js'
import { decideRetry, type AttemptOutcome, type RetryLimits } from './table.js'
import { wasWritten } from './request-sent.js'

/** Timers, injectable so tests need not wait for real `Retry-After` seconds. */
export interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

/** The retry policy's parts. `now`, `random` and `timers` are injectable for tests. */
export interface RetryOptions {
  limits: RetryLimits
  observer?: UpstreamObserver
  now?: () => number
  random?: () => number
  timers?: Timers
}

const NODE_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => { clearTimeout(handle as NodeJS.Timeout) }
}

/** The `context` of onRequestStart (undici passes an object; nothing is in it here). */
const NO_CONTEXT = Object.freeze({})
const NO_TRAILERS: Record<string, string | string[] | undefined> = Object.freeze({})

type Headers = Record<string, string | string[] | undefined>

/** An answer kept while its attempt is retried. */
interface Kept { status: number, statusMessage: string | undefined, headers: Headers, chunks: Buffer[] }

/** The state `retry` decides on (undici's `{ state: { counter } }`, with ours). */
export interface RetryState {
  /** The attempt that just failed, 1-based. */
  attempt: number
  /** Sum of the waits so far, ms. */
  totalDelayMs: number
}

/** A body that can be sent again as is. */
function replayable (body: unknown): boolean {
  return body == null || typeof body === 'string' || body instanceof Uint8Array
}

/** One call through the retry policy. */
export class RetryHandler implements Dispatcher.DispatchHandler, Dispatcher.DispatchController, RetryState {
  private readonly method: string
  private readonly operationId: string
  private readonly deadlineAt: number | undefined
  private readonly canReplay: boolean
  private readonly now: () => number
  private readonly random: () => number
  private readonly timers: Timers
  /** The attempt under way or last ended, 1-based (0 before the first); this handler is its own `RetryState`. */
  attempt = 0
  /** Sum of the backoff waits so far, ms. */
  totalDelayMs = 0
  /** The current attempt's controller (the layer below), while an attempt is under way. */
  private attemptController: Dispatcher.DispatchController | undefined
  private done = false
  /** Answer headers were passed to the handler above: no more retries. */
  private delivered = false
  /** An attempt may have reached Intercom (for the 504's "may have been applied"). */
  private maybeSent = false
  private deadlinePassed = false
  private deadlineTimer: unknown
  private backoffTimer: unknown
  private onCallerGone: (() => void) | undefined
  /** The current attempt's answer, when it is to be retried. */
  private keeping: Kept | undefined
  /** The last retried answer, or the last retried error. */
  private last: Kept | undefined
  private lastError: Error | undefined
  private pending: { delayMs: number, reason: string } | undefined
  private isPaused = false
  private isAborted = false
  private abortReason: Error | null = null

  constructor (private readonly opts: Dispatcher.DispatchOptions, private readonly handler: Dispatcher.DispatchHandler,
    private readonly dispatch: Dispatcher.Dispatch, private readonly policy: RetryOptions) {
    this.method = (opts.method ?? 'GET').toUpperCase()
    this.operationId = opts.intercom?.operationId ?? 'passthrough'
    this.deadlineAt = opts.intercom?.deadlineAt
    this.canReplay = replayable(opts.body)
    this.now = policy.now ?? Date.now
    this.random = policy.random ?? Math.random
    this.timers = policy.timers ?? NODE_TIMERS
  }

  /** Start the call: the handler above gets this handler as its controller, then the first attempt goes. */
  start (): void {
    this.handler.onRequestStart?.(this, NO_CONTEXT)
    if (this.isAborted) return
    if (this.deadlineAt !== undefined) this.deadlineTimer = this.timers.setTimeout(() => { this.onDeadline() }, Math.max(0, this.deadlineAt - this.now()))
    this.sendAttempt()
  }

  private sendAttempt (): void {
    this.backoffTimer = undefined
    this.attempt += 1
    this.opts.intercom?.trace?.attemptStart(this.attempt)
    try {
      this.dispatch(this.opts, this)
    } catch (err) {
      this.fail(err as Error)
    }
  }

  /**
   * The decision after a failed attempt (undici's `retry(err, state, cb)`, synchronous here): the
   * retry table's verdict, refused when its wait would end past the deadline. Answers the wait and
   * the reason, or undefined for no retry.
   */
  retry (outcome: AttemptOutcome, state: RetryState): { delayMs: number, reason: string } | undefined {
    const now = this.now()
    const d = decideRetry(outcome, { method: this.method, attempt: state.attempt, totalDelayMs: state.totalDelayMs, replayable: this.canReplay, now, random: this.random }, this.policy.limits)
    if (!d.retry) return undefined
    if (this.deadlineAt !== undefined && now + d.delayMs >= this.deadlineAt) return undefined
    return { delayMs: d.delayMs, reason: d.reason }
  }

  private onDeadline (): void {
    if (this.done) return
    this.deadlinePassed = true
    const reason = new DeadlineExceededError(this.maybeSent)
    if (this.attemptController !== undefined) this.attemptController.abort(reason) // its onResponseError ends the call
    else this.fail(reason) // in a backoff
  }

  private finish (): void {
    this.done = true
    this.attemptController = undefined
    if (this.deadlineTimer !== undefined) this.timers.clearTimeout(this.deadlineTimer)
    if (this.backoffTimer !== undefined) this.timers.clearTimeout(this.backoffTimer)
    this.unlisten()
  }

  private fail (err: Error): void {
    if (this.done) return
    this.finish()
    this.handler.onResponseError?.(this, err)
  }

  /** Hand a kept answer (the last retried one) to the handler above as if it had just arrived. */
  private deliver (kept: Kept): void {
    if (this.done) return
    this.finish()
    this.handler.onResponseStart?.(this, kept.status, kept.headers, kept.statusMessage)
    for (const chunk of kept.chunks) this.handler.onResponseData?.(this, chunk)
    this.handler.onResponseEnd?.(this, NO_TRAILERS)
  }

  /** Wait `pending.delayMs`, then send the next attempt; a caller that goes away meanwhile cancels the call. */
  private backoff (): void {
    const d = this.pending
    this.pending = undefined
    if (d === undefined || this.done) return
    const caller = this.opts.intercom?.caller
    if (caller != null) {
      if (caller.destroyed) return this.fail(new CallCancelledError())
      this.onCallerGone = () => { this.fail(new CallCancelledError()) }
      caller.once('close', this.onCallerGone)
    }
    this.totalDelayMs += d.delayMs
    this.policy.observer?.onRetry?.({ operationId: this.operationId, method: this.method, reason: d.reason, attempt: this.attempt, delayMs: d.delayMs })
    this.opts.intercom?.trace?.retry(d.reason, this.attempt, d.delayMs)
    this.backoffTimer = this.timers.setTimeout(() => {
      this.unlisten()
      this.sendAttempt()
    }, d.delayMs)
  }

  private unlisten (): void {
    if (this.onCallerGone === undefined) return
    this.opts.intercom?.caller?.removeListener('close', this.onCallerGone)
    this.onCallerGone = undefined
  }

  // The controller the handler above sees, for the whole call.
  get aborted (): boolean { return this.isAborted }
  get paused (): boolean { return this.isPaused }
  get reason (): Error | null { return this.abortReason }

  pause (): void {
    this.isPaused = true
    this.attemptController?.pause()
  }

  resume (): void {
    this.isPaused = false
    this.attemptController?.resume()
  }

  /** Stop the call with `reason`: the attempt under way is aborted, or the backoff ended. */
  abort (reason: Error): void {
    if (this.isAborted || this.done) return
    this.isAborted = true
    this.abortReason = reason
    if (this.attemptController !== undefined) this.attemptController.abort(reason)
    else this.fail(reason) // before the first attempt, or in a backoff
  }

  // The handler the layer below calls, once per attempt.
  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.attemptController = controller
    if (this.isAborted && this.abortReason !== null) controller.abort(this.abortReason)
    else if (this.isPaused) controller.pause()
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number, headers: Headers, statusMessage?: string): void {
    if (this.done) return
    this.opts.intercom?.trace?.attemptEnd(statusCode)
    this.maybeSent = statusCode !== 429 // a 429 was refused before Intercom acted on it
    if (statusCode >= 400 && !this.isAborted) {
      this.pending = this.retry({ type: 'status', status: statusCode, headers }, this)
      if (this.pending !== undefined) {
        this.keeping = { status: statusCode, statusMessage, headers, chunks: [] }
        return
      }
    }
    this.delivered = true
    this.handler.onResponseStart?.(this, statusCode, headers, statusMessage)
  }

  onResponseData (_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return
    if (this.keeping !== undefined) this.keeping.chunks.push(chunk)
    else this.handler.onResponseData?.(this, chunk)
  }

  onResponseEnd (_controller: Dispatcher.DispatchController, trailers: Headers): void {
    if (this.done) return
    this.attemptController = undefined
    if (this.keeping !== undefined) {
      this.last = this.keeping
      this.lastError = undefined
      this.keeping = undefined
      this.backoff()
      return
    }
    this.finish()
    this.handler.onResponseEnd?.(this, trailers)
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error): void {
    this.attemptController = undefined
    this.keeping = undefined
    if (this.done) return
    this.opts.intercom?.trace?.attemptEnd(null, (err as { code?: string }).code ?? err.name)
    const sent = wasWritten(err)
    if (sent) this.maybeSent = true
    if (this.deadlinePassed) {
      // The deadline aborted this attempt: 504, or the budget's 429 for a first attempt that never started.
      if (err instanceof RateBudgetExhaustedError && this.attempt === 1) return this.fail(err)
      if (err instanceof DeadlineExceededError) err.maybeSent = this.maybeSent
      return this.fail(err instanceof DeadlineExceededError ? err : new DeadlineExceededError(this.maybeSent))
    }
    if (this.delivered || this.isAborted || err instanceof DeadlineExceededError || err instanceof CallCancelledError) return this.fail(err)
    if (err instanceof RateBudgetExhaustedError) {
      // A retry that the budget refused: the caller gets what the last attempt got.
      if (this.attempt === 1) return this.fail(err)
      if (this.last !== undefined) return this.deliver(this.last)
      return this.fail(this.lastError ?? new DeadlineExceededError(this.maybeSent))
    }
    const code = (err as { code?: unknown }).code
    this.pending = this.retry({ type: 'error', code: typeof code === 'string' ? code : '', sent }, this)
    if (this.pending !== undefined) {
      this.lastError = err
      this.last = undefined
      this.backoff()
      return
    }
    this.fail(err)
  }
}

/** The retry interceptor for `compose`: list it last, so it runs first (above the budget). */
export function retryInterceptor (policy: RetryOptions): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => function intercomRetry (opts, handler) {
    new RetryHandler(opts, handler, dispatch, policy).start()
    return true
  }
}
