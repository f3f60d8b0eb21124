/**
 * The rate budget: pace calls so Intercom never has to refuse one.
 *
 * Intercom answers every call with `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset` (Unix seconds at which the current window ends). A `BudgetStore` keeps, per
 * workspace (a hash of the token, never the token), the window as last learned from those headers and
 * takes one unit per call sent: when `remaining` is 0 it answers how long to wait until the window
 * resets. When the reset passes, the store rolls to the next window by itself (full `limit`), using
 * the window length learned from two consecutive resets; until it knows the length it sends one
 * probe call at a time (the next answer teaches it). What it learns only ever lowers `remaining` within a
 * window, so calls made elsewhere (other apps on the workspace, other replicas) are accounted for.
 * Calls in flight (taken, no answer headers yet) are tracked by ticket: when a window rolls, or a
 * newer window is adopted, they are taken off the new window's `remaining`, since a call sent just
 * before a reset may well be counted by Intercom in the next window.
 *
 * `RateBudget` puts a FIFO queue per workspace in front of a store: bounded in length
 * (RATE_QUEUE_MAX_LENGTH) and in wait (RATE_QUEUE_MAX_WAIT_MS), and refusing at once a call whose
 * expected start is after its deadline (`RateBudgetExhaustedError`, which becomes 429 + Retry-After).
 *
 * The local store here serves one process; redis-budget.ts shares one budget across replicas.
 */
import { RateBudgetExhaustedError } from './policy-errors.js'
import type { UpstreamObserver } from './observer.js'

/** What one Intercom answer says about the window (`resetAtMs` = X-RateLimit-Reset × 1000). */
export interface RateLimitObservation { limit: number, remaining: number, resetAtMs: number }

/** Where the per-workspace windows live: this process (LocalBudgetStore) or Redis (RedisBudgetStore). */
export interface BudgetStore {
  /**
   * Take one unit for a call about to be sent, recorded in flight under `ticket` (unique per attempt).
   * Answers 0 (taken) or the milliseconds to wait first.
   */
  take: (workspace: string, now: number, ticket: string) => Promise<number>
  /** The attempt under `ticket` got its answer headers or failed: it is no longer in flight. Never throws. */
  release: (workspace: string, ticket: string) => Promise<void>
  /** Learn from an answer's X-RateLimit-* headers. Never throws. */
  learn: (workspace: string, obs: RateLimitObservation, now: number) => Promise<void>
  /** The last known limit per window and window length (ms), for queue estimates. */
  shape: (workspace: string) => { limit: number, periodMs: number } | undefined
  /**
   * Synchronous `take`, `release` and `learn`, for a store that needs no I/O (the local one): the
   * hot path then costs no promise. Each behaves exactly as its asynchronous twin.
   */
  takeSync?: (workspace: string, now: number, ticket: string) => number
  releaseSync?: (workspace: string, ticket: string) => void
  learnSync?: (workspace: string, obs: RateLimitObservation, now: number) => void
  /** Where a store reports mode changes (set by `RateBudget.attach`). */
  observer?: UpstreamObserver
  /** 'local' or 'redis' (a Redis store in fallback answers 'local'). */
  readonly mode: 'local' | 'redis'
  close: () => Promise<void>
}

/** Read the three X-RateLimit-* headers of an answer; undefined when they are missing or malformed. */
export function readRateLimit (headers: Record<string, string | string[] | undefined>): RateLimitObservation | undefined {
  const num = (name: string): number => {
    const v = headers[name]
    return Number(Array.isArray(v) ? v[0] : v)
  }
  const limit = num('x-ratelimit-limit')
  const remaining = num('x-ratelimit-remaining')
  const reset = num('x-ratelimit-reset')
  if (!(limit > 0) || !(remaining >= 0) || !(reset > 0)) return undefined
  return { limit, remaining, resetAtMs: reset * 1000 }
}

/** One workspace's window. */
export interface WindowState { limit: number, remaining: number, resetAtMs: number, /** 0 = not yet known */ periodMs: number }

/**
 * While a workspace's window is unknown (first call, or a reset passed before the window length
 * was learned), one call at a time goes out as a probe to learn it; the others wait `PROBE_POLL_MS`
 * and ask again. A probe that got no answer within `PROBE_TTL_MS` no longer holds the others back.
 */
export const PROBE_POLL_MS = 20
export const PROBE_TTL_MS = 2_000
/** A call in flight longer than this is forgotten (its process may have died). */
export const INFLIGHT_TTL_MS = 60_000

/** Longest window length believed (Intercom's are 10 s to 1 min). */
export const MAX_PERIOD_MS = 3_600_000

/**
 * The pure window arithmetic, shared by the local store and (as Lua) the Redis scripts.
 * `take`: answers 0 and decrements, or the ms to wait. `learn`: merges an observation.
 */
export const windowMath = {
  /**
   * Roll `s` forward to the window containing `now`, less the `inflight` calls (they may land in it);
   * answers false when the window length is unknown.
   */
  roll (s: WindowState, now: number, inflight = 0): boolean {
    if (now < s.resetAtMs) return true
    if (s.periodMs <= 0) return false
    const n = Math.floor((now - s.resetAtMs) / s.periodMs) + 1
    s.resetAtMs += n * s.periodMs
    s.remaining = Math.max(0, s.limit - inflight)
    return true
  },
  /**
   * Merge an observation into `s` (or make a new state); `cap` bounds limit and remaining (fallback
   * share). `now` (ms) tells a straggler of a past window from the current one.
   *
   * The gap between two resets is a multiple of the window length, not always the length itself
   * (no call may have been answered in the windows between). So a window the store rolled into by
   * itself can end later than Intercom's: an answer that reports an earlier reset still in the
   * future corrects it (the store adopts that reset, and the gap between the two shortens the period).
   */
  learn (s: WindowState | undefined, obs: RateLimitObservation, cap = Infinity, inflight = 0, now = -Infinity): WindowState {
    const limit = Math.min(obs.limit, cap)
    const fresh = Math.max(0, Math.min(obs.remaining, limit) - inflight)
    if (s === undefined) return { limit, remaining: fresh, resetAtMs: obs.resetAtMs, periodMs: 0 }
    if (obs.resetAtMs > s.resetAtMs) {
      const d = obs.resetAtMs - s.resetAtMs
      const periodMs = d <= MAX_PERIOD_MS ? (s.periodMs > 0 ? Math.min(s.periodMs, d) : d) : s.periodMs
      return { limit, remaining: fresh, resetAtMs: obs.resetAtMs, periodMs }
    }
    if (obs.resetAtMs === s.resetAtMs) return { ...s, limit, remaining: Math.min(s.remaining, obs.remaining, limit) }
    if (obs.resetAtMs <= now) return s // a past window: stale news
    const d = s.resetAtMs - obs.resetAtMs // the store rolled by a period too long: Intercom's window wins
    return { limit, remaining: Math.min(s.remaining, fresh), resetAtMs: obs.resetAtMs, periodMs: s.periodMs > 0 ? Math.min(s.periodMs, d) : d }
  }
}

/** A budget store for one process. `share` (0..1] sizes it as a part of the workspace budget. */
export class LocalBudgetStore implements BudgetStore {
  readonly mode = 'local' as const
  private readonly windows = new Map<string, WindowState>()
  private readonly probes = new Map<string, number>()
  private readonly inflight = new Map<string, Map<string, number>>()
  constructor (private readonly share = 1) {}

  /** The current state of a workspace (tests, /readyz). */
  peek (workspace: string): WindowState | undefined {
    const s = this.windows.get(workspace)
    return s === undefined ? undefined : { ...s }
  }

  async take (workspace: string, now: number, ticket: string): Promise<number> {
    return this.takeSync(workspace, now, ticket)
  }

  /**
   * Calls of a workspace in flight (entries older than INFLIGHT_TTL_MS dropped). A Map keeps
   * insertion order, which is take order, so only the expired head is visited.
   */
  inflightCount (workspace: string, now = Date.now()): number {
    const m = this.inflight.get(workspace)
    if (m === undefined) return 0
    for (const [ticket, at] of m) {
      if (now - at <= INFLIGHT_TTL_MS) break
      m.delete(ticket)
    }
    return m.size
  }

  /**
   * Take calls in flight off each window's `remaining`: called when this store takes over from
   * another (Redis went away), whose in-flight calls it only knows by ticket (`hold`).
   */
  settle (now = Date.now()): void {
    for (const [workspace, s] of this.windows) s.remaining = Math.max(0, s.remaining - this.inflightCount(workspace, now))
  }

  /** Record a call in flight that another store let through (see `settle`). */
  hold (workspace: string, ticket: string | undefined, now: number): void {
    if (ticket === undefined) return
    let m = this.inflight.get(workspace)
    if (m === undefined) this.inflight.set(workspace, (m = new Map()))
    m.set(ticket, now)
  }

  async release (workspace: string, ticket: string): Promise<void> {
    this.releaseSync(workspace, ticket)
  }

  /** Synchronous `release`. */
  releaseSync (workspace: string, ticket: string): void {
    const m = this.inflight.get(workspace)
    if (m === undefined) return
    m.delete(ticket)
    if (m.size === 0) this.inflight.delete(workspace)
  }

  /** Synchronous `take` (`ticket` omitted: not tracked in flight). */
  takeSync (workspace: string, now: number, ticket?: string): number {
    const s = this.windows.get(workspace)
    // Unknown, or past its reset with the window length not yet known: probe.
    if (s === undefined || !windowMath.roll(s, now, this.inflightCount(workspace, now))) {
      const probe = this.probes.get(workspace)
      if (probe !== undefined && now - probe < PROBE_TTL_MS) return PROBE_POLL_MS
      this.probes.set(workspace, now)
      this.hold(workspace, ticket, now)
      return 0
    }
    if (s.remaining > 0) {
      s.remaining -= 1
      this.hold(workspace, ticket, now)
      return 0
    }
    return Math.max(1, s.resetAtMs - now)
  }

  async learn (workspace: string, obs: RateLimitObservation, now: number): Promise<void> {
    this.learnSync(workspace, obs, now)
  }

  /** Synchronous `learn`. */
  learnSync (workspace: string, obs: RateLimitObservation, now = Date.now()): void {
    const cap = this.share >= 1 ? Infinity : Math.max(1, Math.floor(obs.limit * this.share))
    this.windows.set(workspace, windowMath.learn(this.windows.get(workspace), obs, cap, this.inflightCount(workspace, now), now))
    if (obs.resetAtMs > now) this.probes.delete(workspace) // a straggler of a past window does not end a probe
  }

  shape (workspace: string): { limit: number, periodMs: number } | undefined {
    const s = this.windows.get(workspace)
    return s === undefined ? undefined : { limit: s.limit, periodMs: s.periodMs }
  }

  async close (): Promise<void> {}
}

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
