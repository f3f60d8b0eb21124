/**
 * The rate budget's window maths, pure (no clock, no I/O): one module, shared by the local store
 * (local-store.ts) and, as Lua, by the Redis scripts (take.lua, learn.lua; the property test
 * test/upstream/budget-window.test.ts runs both on the same inputs).
 *
 * Intercom answers every call with `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset` (Unix seconds at which the current window ends). A store keeps, per workspace,
 * the window as last learned from those headers and takes one unit per call sent: when `remaining`
 * is 0 it answers how long to wait until the window resets. When the reset passes, the store rolls
 * to the next window by itself (full `limit`), using the window length learned from two consecutive
 * resets; until it knows the length it sends one probe call at a time (the next answer teaches it).
 * What it learns only ever lowers `remaining` within a window, so calls made elsewhere (other apps
 * on the workspace, other replicas) are accounted for. Calls in flight (taken, no answer headers
 * yet) are taken off a new window's `remaining`, since a call sent just before a reset may well be
 * counted by Intercom in the next window.
 */

/** What one Intercom answer says about the window (`resetAtMs` = X-RateLimit-Reset × 1000). */
export interface RateLimitObservation { limit: number, remaining: number, resetAtMs: number }

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

