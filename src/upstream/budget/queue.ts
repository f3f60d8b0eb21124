/**
 * The FIFO queue in front of a budget store: `RateBudget`. Calls of one workspace start in arrival
 * order; the queue is bounded in length (RATE_QUEUE_MAX_LENGTH) and in wait (RATE_QUEUE_MAX_WAIT_MS),
 * and refuses at once a call whose expected start is after its deadline (`RateBudgetExhaustedError`,
 * which becomes 429 + Retry-After). `tryAcquire` is the no-promise path when a unit is there at once.
 */
import { RateBudgetExhaustedError } from '../errors.js'
import type { UpstreamObserver } from '../observer.js'
import type { BudgetStore } from './store.js'
import { readRateLimit, type RateLimitObservation } from './window.js'

/** Queue bounds (RATE_QUEUE_*). Milliseconds. */
export interface QueueOptions {
  /** Most calls waiting per workspace; one more is refused at once. */
  maxQueueLength: number
  /** Longest a call may wait in the queue. */
  maxWaitMs: number
  /** Clock, injectable for tests. */
  now?: () => number
}

interface Waiter {
  resolve: (ticket: string) => void
  reject: (err: unknown) => void
  enqueuedAt: number
  cleanup: () => void
}

interface Lane { waiters: Waiter[], pumping: boolean, /** when the head expects a slot */ nextAt: number }

/**
 * FIFO pacing in front of a `BudgetStore`: `acquire` resolves with a ticket when the call may be
 * sent; `release` the ticket when its answer headers arrive (or it fails).
 * Only the head of a workspace's queue asks the store, so calls start in arrival order.
 */
export class RateBudget {
  private readonly lanes = new Map<string, Lane>()
  private readonly now: () => number
  /** Hears `onQueue` (and, through the store, `onBudgetMode`); set with `attach`. */
  private observer: UpstreamObserver | undefined

  constructor (readonly store: BudgetStore, private readonly opts: QueueOptions) {
    this.now = opts.now ?? Date.now
  }

  /** Report queue waits (and the store's mode changes) to `observer`. */
  attach (observer: UpstreamObserver): void {
    this.observer = observer
    this.store.observer = observer
  }

  /** Calls waiting for a workspace. */
  depth (workspace: string): number {
    return this.lanes.get(workspace)?.waiters.length ?? 0
  }

  /**
   * Wait for a unit of budget. `deadlineAt` (ms since the epoch) bounds the wait. `signal` (or a
   * function that makes one, called only when the call has to wait) cancels the wait.
   * @throws RateBudgetExhaustedError when the queue is full, or the expected or actual wait runs past
   *   the deadline or RATE_QUEUE_MAX_WAIT_MS (at once when it can be foreseen)
   * @throws the signal's reason when `signal` aborts while waiting
   */
  async acquire (workspace: string, deadlineAt?: number, signal?: AbortSignal | (() => AbortSignal)): Promise<string> {
    const ticket = this.tryAcquire(workspace)
    if (ticket !== undefined) return ticket
    const lane = this.lanes.get(workspace)
    const now = this.now()
    if (lane === undefined || lane.waiters.length === 0) {
      const ticket = this.ticket()
      const wait = await this.store.take(workspace, now, ticket)
      if (wait === 0) return ticket
      return this.enqueue(workspace, deadlineAt, typeof signal === 'function' ? signal() : signal, now + wait)
    }
    return this.enqueue(workspace, deadlineAt, typeof signal === 'function' ? signal() : signal)
  }

  /**
   * A unit of budget at once, without a promise, when the store is synchronous, nobody is queued
   * and the window has one left; else undefined (then `acquire`).
   */
  tryAcquire (workspace: string): string | undefined {
    if (this.store.takeSync === undefined || (this.lanes.get(workspace)?.waiters.length ?? 0) > 0) return undefined
    const ticket = this.ticket()
    return this.store.takeSync(workspace, this.now(), ticket) === 0 ? ticket : undefined
  }

  private seq = 0
  private readonly instance = Math.random().toString(36).slice(2, 10)
  private ticket (): string {
    return `${this.instance}:${++this.seq}`
  }

  /** The call holding `ticket` got its answer headers, or failed: no longer in flight. Never throws. */
  release (workspace: string, ticket: string): void {
    if (this.store.releaseSync !== undefined) this.store.releaseSync(workspace, ticket)
    else this.store.release(workspace, ticket).catch(() => {})
  }

  private enqueue (workspace: string, deadlineAt: number | undefined, signal: AbortSignal | undefined, firstAt?: number): Promise<string> {
    const now = this.now()
    let lane = this.lanes.get(workspace)
    if (lane === undefined) {
      lane = { waiters: [], pumping: false, nextAt: firstAt ?? now }
      this.lanes.set(workspace, lane)
    }
    if (lane.waiters.length === 0 && firstAt !== undefined) lane.nextAt = firstAt
    const limitAt = Math.min(deadlineAt ?? Infinity, now + this.opts.maxWaitMs)
    const expected = this.expectedStart(workspace, lane, now)
    if (lane.waiters.length >= this.opts.maxQueueLength) return Promise.reject(new RateBudgetExhaustedError('queue_full', expected - now))
    if (expected > limitAt) {
      return Promise.reject(new RateBudgetExhaustedError(deadlineAt !== undefined && deadlineAt <= now + this.opts.maxWaitMs ? 'deadline' : 'max_wait', expected - now))
    }
    const l = lane
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    return new Promise<string>((resolve, reject) => {
      const waiter: Waiter = {
        enqueuedAt: now,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
        }
      }
      const leave = (err: unknown): void => {
        const i = l.waiters.indexOf(waiter)
        if (i === -1) return
        l.waiters.splice(i, 1)
        waiter.cleanup()
        reject(err)
      }
      const timer = setTimeout(() => {
        const t = this.now()
        leave(new RateBudgetExhaustedError(deadlineAt !== undefined && deadlineAt <= limitAt ? 'deadline' : 'max_wait', Math.max(0, this.expectedStart(workspace, l, t) - t)))
      }, Math.max(0, limitAt - now))
      const onAbort = (): void => { leave(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      l.waiters.push(waiter)
      this.pump(workspace, l)
    })
  }

  /** When the last waiter of `lane` may expect to start: whole windows of `limit` calls after the head. */
  private expectedStart (workspace: string, lane: Lane, now: number): number {
    const shape = this.store.shape(workspace)
    const head = Math.max(now, lane.nextAt)
    if (shape === undefined || shape.periodMs <= 0) return head
    return head + Math.floor(lane.waiters.length / Math.max(1, shape.limit)) * shape.periodMs
  }

  private pump (workspace: string, lane: Lane): void {
    if (lane.pumping) return
    lane.pumping = true
    const step = async (): Promise<void> => {
      while (lane.waiters.length > 0) {
        const now = this.now()
        if (lane.nextAt > now) {
          await new Promise((resolve) => setTimeout(resolve, lane.nextAt - now))
          continue
        }
        let wait: number
        const ticket = this.ticket()
        try {
          wait = await this.store.take(workspace, this.now(), ticket)
        } catch {
          wait = 0 // a store never throws by contract; if one does, let the call through
        }
        if (wait > 0) {
          lane.nextAt = this.now() + wait
          continue
        }
        const w = lane.waiters.shift()
        if (w === undefined) { // every waiter left while we waited: the unit is lost, harmlessly
          await this.store.release(workspace, ticket)
          break
        }
        w.cleanup()
        this.observer?.onQueue?.({ workspace, depth: lane.waiters.length, waitedMs: this.now() - w.enqueuedAt })
        w.resolve(ticket)
      }
      lane.pumping = false
      if (lane.waiters.length === 0 && this.lanes.get(workspace) === lane) this.lanes.delete(workspace)
    }
    void step()
  }

  /**
   * Learn from an answer's headers (no-op without X-RateLimit-*); answers what they said. An
   * asynchronous store learns in the background (it never throws).
   */
  observe (workspace: string, headers: Record<string, string | string[] | undefined>): RateLimitObservation | undefined {
    const obs = readRateLimit(headers)
    if (obs === undefined) return undefined
    if (this.store.learnSync !== undefined) this.store.learnSync(workspace, obs, this.now())
    else this.store.learn(workspace, obs, this.now()).catch(() => {})
    return obs
  }

  async close (): Promise<void> {
    await this.store.close()
  }
}
