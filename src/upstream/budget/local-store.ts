/**
 * The rate-budget store for one process: the windows in a Map, the arithmetic of window.ts, no I/O,
 * so it answers synchronously (`takeSync`, the hot path's no-promise path). The Redis store uses one
 * as its fallback, sized as a share of the workspace budget.
 */
import type { BudgetStore } from './store.js'
import { INFLIGHT_TTL_MS, PROBE_POLL_MS, PROBE_TTL_MS, windowMath, type RateLimitObservation, type WindowState } from './window.js'

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

