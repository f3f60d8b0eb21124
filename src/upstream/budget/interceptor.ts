/**
 * The rate-budget interceptor (undici `compose` shape, `dispatch => (opts, handler)`): for every
 * attempt it acquires a unit of the workspace's budget (queue.ts; no promise when one is there at
 * once), dispatches, releases the unit when the answer's headers (or an error) arrive, and learns
 * from the answer's X-RateLimit-* headers. It only acquires, releases and learns: retries and the
 * deadline's timer are the retry handler's (retry/handler.ts), which sits above it.
 *
 * While an attempt waits for a unit, it can be stopped:
 * - by the layer above (`controller.abort(reason)`): the wait ends with `reason`; a
 *   `DeadlineExceededError` becomes `RateBudgetExhaustedError('deadline')`: a call that never got
 *   past the budget was refused by it, and nothing was sent;
 * - by its caller going away (`intercom.caller` closes): `CallCancelledError`, nothing was sent. The
 *   caller's connection is listened to only while waiting, never on the fast path.
 */
import { createHash } from 'node:crypto'
import type { Dispatcher } from 'undici'
import { CallCancelledError, DeadlineExceededError, RateBudgetExhaustedError } from '../errors.js'
import type { UpstreamObserver } from '../observer.js'
import type { CallerConnection } from '../call-options.js'
import type { RateBudget } from './queue.js'

/** The workspace key for an `Authorization` header: the first 16 hex digits of its SHA-256 (never the token). */
export function workspaceKey (authorization: string): string {
  return createHash('sha256').update(authorization).digest('hex').slice(0, 16)
}

/** The unit's wait in ms announced when a deadline stops a call that was waiting for budget. */
const DEADLINE_RETRY_AFTER_MS = 1000

/** One attempt through the budget: the handler towards the layer below, the controller towards the one above. */
class BudgetHandler implements Dispatcher.DispatchHandler, Dispatcher.DispatchController {
  private readonly workspace: string
  private ticket: string | undefined
  /** The controller of the layer below, once the attempt was dispatched and started. */
  private target: Dispatcher.DispatchController | undefined
  private dispatched = false
  /** The layer above has had its terminal callback (end or error): ignore the rest. */
  private ended = false
  private isPaused = false
  private isAborted = false
  private abortReason: Error | null = null
  /** Ends the queue wait; made only when the attempt has to wait and is stopped. */
  private waitAbort: AbortController | undefined
  private onCallerGone: (() => void) | undefined

  constructor (private readonly opts: Dispatcher.DispatchOptions, private readonly handler: Dispatcher.DispatchHandler,
    private readonly dispatch: Dispatcher.Dispatch, private readonly budget: RateBudget, private readonly observer: UpstreamObserver | undefined) {
    this.workspace = opts.intercom?.workspace ?? 'anonymous'
  }

  start (): void {
    this.handler.onRequestStart?.(this, undefined)
    if (this.isAborted) return
    const ticket = this.budget.tryAcquire(this.workspace)
    if (ticket === undefined) {
      void this.wait()
      return
    }
    this.ticket = ticket
    this.send()
  }

  private async wait (): Promise<void> {
    const caller = this.opts.intercom?.caller
    if (caller != null) this.listen(caller)
    let ticket: string
    const queuedAt = Date.now()
    try {
      ticket = await this.budget.acquire(this.workspace, this.opts.intercom?.deadlineAt, () => (this.waitAbort ??= new AbortController()).signal)
    } catch (err) {
      this.unlisten(caller)
      this.fail(err as Error)
      return
    }
    this.unlisten(caller)
    if (this.ended) {
      this.budget.release(this.workspace, ticket)
      return
    }
    this.opts.intercom?.trace?.queued(Date.now() - queuedAt)
    this.ticket = ticket
    this.send()
  }

  private listen (caller: CallerConnection): void {
    if (caller.destroyed) {
      this.stopWaiting(new CallCancelledError())
      return
    }
    this.onCallerGone = () => { this.stopWaiting(new CallCancelledError()) }
    caller.once('close', this.onCallerGone)
  }

  private unlisten (caller: CallerConnection | null | undefined): void {
    if (this.onCallerGone !== undefined) caller?.removeListener('close', this.onCallerGone)
    this.onCallerGone = undefined
  }

  private send (): void {
    this.dispatched = true
    try {
      this.dispatch(this.opts, this)
    } catch (err) {
      this.releaseTicket()
      this.fail(err as Error)
    }
  }

  private releaseTicket (): void {
    const t = this.ticket
    if (t === undefined) return
    this.ticket = undefined
    this.budget.release(this.workspace, t)
  }

  private fail (err: Error): void {
    if (this.ended) return
    this.ended = true
    this.handler.onResponseError?.(this, err)
  }

  /** End a wait for a unit (or a dispatch not yet started below) with `reason`. */
  private stopWaiting (reason: Error): void {
    if (this.ended) return
    this.waitAbort ??= new AbortController()
    this.waitAbort.abort(reason)
    this.releaseTicket()
    this.fail(!this.dispatched && reason instanceof DeadlineExceededError ? new RateBudgetExhaustedError('deadline', DEADLINE_RETRY_AFTER_MS) : reason)
  }

  // The controller the layer above sees.
  get aborted (): boolean { return this.isAborted }
  get paused (): boolean { return this.isPaused }
  get reason (): Error | null { return this.abortReason }

  pause (): void {
    this.isPaused = true
    this.target?.pause()
  }

  resume (): void {
    this.isPaused = false
    this.target?.resume()
  }

  abort (reason: Error): void {
    if (this.isAborted) return
    this.isAborted = true
    this.abortReason = reason
    if (this.target !== undefined) this.target.abort(reason)
    else this.stopWaiting(reason) // still waiting for a unit, or dispatched and not yet on a socket
  }

  // The handler the layer below calls.
  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.target = controller
    if (this.isAborted && this.abortReason !== null) controller.abort(this.abortReason)
    else if (this.isPaused) controller.pause()
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    this.releaseTicket()
    this.learn(headers)
    if (!this.ended) this.handler.onResponseStart?.(this, statusCode, headers, statusMessage)
  }

  onResponseData (_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.ended) this.handler.onResponseData?.(this, chunk)
  }

  onResponseEnd (_controller: Dispatcher.DispatchController, trailers: Record<string, string | string[] | undefined>): void {
    if (this.ended) return
    this.ended = true
    this.handler.onResponseEnd?.(this, trailers)
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error): void {
    this.releaseTicket()
    this.fail(err)
  }

  private learn (headers: Record<string, string | string[] | undefined>): void {
    try {
      const obs = this.budget.observe(this.workspace, headers)
      if (obs !== undefined) this.observer?.onRateLimit?.({ workspace: this.workspace, limit: obs.limit, remaining: obs.remaining, resetAt: obs.resetAtMs / 1000 })
    } catch { /* learning is best effort */ }
  }
}

/** The budget interceptor for `compose`; it sits below the retry interceptor (each attempt takes a unit). */
export function budgetInterceptor (budget: RateBudget, observer?: UpstreamObserver): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => function intercomBudget (opts, handler) {
    new BudgetHandler(opts, handler, dispatch, budget, observer).start()
    return true
  }
}
