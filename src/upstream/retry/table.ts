/**
 * The retry policy as data: ONE table that says which failed attempt may be sent again, and how long
 * to wait first. The retry handler (retry/handler.ts) asks `decideRetry` after every failed attempt;
 * error codes are read through the one code table of errors.ts, idempotent methods from methods.ts.
 *
 * | outcome                                              | methods retried      | wait before the next attempt                     |
 * |------------------------------------------------------|----------------------|--------------------------------------------------|
 * | 429 (Intercom refused the call)                      | every method         | Retry-After (seconds or HTTP-date), else until   |
 * |                                                      |                      | X-RateLimit-Reset, else backoff; plus jitter     |
 * | no connection (refused, DNS, connect timeout) or a   | every method         | backoff                                          |
 * | socket that closed before the request was written    |                      |                                                  |
 * | 5xx (500, 502, 503, 504)                             | GET HEAD PUT DELETE  | Retry-After if given, else backoff               |
 * |                                                      | OPTIONS              |                                                  |
 * | timeout or reset after the request was written       | GET HEAD PUT DELETE  | backoff                                          |
 * |                                                      | OPTIONS              |                                                  |
 * | anything else (2xx-4xx, our caller aborted, deadline)| none                 |                                                  |
 *
 * Reasons:
 * - A 429 means Intercom refused the call before acting on it, so even a POST is safe to send again.
 * - A request that never left this process (no connection, or the socket closed before the request
 *   was fully written) cannot have been applied.
 * - After a 5xx, a timeout or a reset, Intercom may already have applied the request. GET/HEAD/OPTIONS
 *   change nothing, PUT and DELETE give the same result twice; a POST (create, reply, search...)
 *   could be applied twice and Intercom has no idempotency keys, so it is never sent again: the
 *   caller gets 502/504 saying the write may or may not have been applied.
 * - A body that cannot be replayed (the passthrough streams a large or unsized caller body upstream) is
 *   never retried: once undici has started reading it, the bytes are gone. Bodies of facade calls
 *   are strings and are always replayable.
 * - Backoff is exponential with full jitter (a uniformly random delay in [0, min(max, base·2^(n-1))])
 *   so replicas that failed together do not retry together; attempts, the single delay and the sum
 *   of delays are bounded (RETRY_MAX_ATTEMPTS, RETRY_MAX_DELAY_MS, RETRY_MAX_TOTAL_DELAY_MS), and the
 *   caller's deadline bounds everything (the retry handler checks it).
 */
import { IDEMPOTENT_METHODS } from '../methods.js'
import { ERROR_CODES } from '../errors.js'

/** The retry limits (RETRY_* in the configuration). Milliseconds. */
export interface RetryLimits {
  /** Attempts in all, the first included (1 = never retry). */
  maxAttempts: number
  /** Backoff base: the first backoff is at most this. */
  baseDelayMs: number
  /** Largest single wait (backoff, Retry-After and reset waits included). */
  maxDelayMs: number
  /** Largest sum of waits across the retries of one call. */
  maxTotalDelayMs: number
}

/** What one attempt ended with. */
export type AttemptOutcome =
  | { type: 'status', status: number, headers: Record<string, string | string[] | undefined> }
  | { type: 'error', code: string, /** true once the request was fully written to the socket */ sent: boolean }

/** Where the call stands when an attempt failed. */
export interface RetryContext {
  method: string
  /** The attempt that just failed, 1-based. */
  attempt: number
  /** Sum of the waits so far, ms. */
  totalDelayMs: number
  /** False for a streamed body that cannot be sent twice. */
  replayable: boolean
  /** Clock (ms since the epoch) and randomness, injectable for tests. */
  now: number
  random: () => number
}

/** The verdict: retry after `delayMs`, or give up; `reason` names the table row (for observers and logs). */
export type RetryDecision = { retry: true, reason: string, delayMs: number } | { retry: false, reason: string }

const RETRYABLE_5XX: ReadonlySet<number> = new Set([500, 502, 503, 504])

/** The kind of an attempt's error code, from errors.ts's one table. */
const kindOf = (o: AttemptOutcome): string | undefined => o.type === 'error' ? ERROR_CODES.get(o.code) : undefined

type Methods = 'any' | 'idempotent'
type Wait = 'rate-limit' | 'retry-after-or-backoff' | 'backoff'

/** One row of the table. */
interface Row { reason: string, methods: Methods, wait: Wait, matches: (o: AttemptOutcome) => boolean }

/** The table itself (order matters: first match wins). See the module comment for the reasons. */
export const RETRY_TABLE: readonly Row[] = [
  { reason: 'status_429', methods: 'any', wait: 'rate-limit', matches: (o) => o.type === 'status' && o.status === 429 },
  { reason: 'not_connected', methods: 'any', wait: 'backoff', matches: (o) => kindOf(o) === 'connect' },
  { reason: 'closed_before_sent', methods: 'any', wait: 'backoff', matches: (o) => o.type === 'error' && !o.sent && kindOf(o) === 'reset' },
  { reason: 'status_5xx', methods: 'idempotent', wait: 'retry-after-or-backoff', matches: (o) => o.type === 'status' && RETRYABLE_5XX.has(o.status) },
  { reason: 'timeout', methods: 'idempotent', wait: 'backoff', matches: (o) => kindOf(o) === 'timeout' },
  { reason: 'reset', methods: 'idempotent', wait: 'backoff', matches: (o) => kindOf(o) === 'reset' }
]

/**
 * Parse `Retry-After`: delay-seconds or an HTTP-date. Answers milliseconds from `now` (0 for a date
 * in the past), or undefined when absent or unreadable.
 */
export function parseRetryAfter (value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** Milliseconds from `now` until `X-RateLimit-Reset` (Unix seconds), or undefined. */
export function untilRateLimitReset (headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const raw = headers['x-ratelimit-reset']
  const v = Number(Array.isArray(raw) ? raw[0] : raw)
  if (raw === undefined || !Number.isFinite(v) || v <= 0) return undefined
  return Math.max(0, v * 1000 - now)
}

/** Exponential backoff with full jitter for the retry after failed attempt `attempt` (1-based), ms. */
export function backoffMs (attempt: number, limits: RetryLimits, random: () => number): number {
  const cap = Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** (attempt - 1))
  return Math.floor(random() * cap)
}

/**
 * Decide whether the attempt that ended with `outcome` is retried, and after how long.
 * Never throws. The caller still checks its deadline against `delayMs`.
 */
export function decideRetry (outcome: AttemptOutcome, ctx: RetryContext, limits: RetryLimits): RetryDecision {
  const row = RETRY_TABLE.find((r) => r.matches(outcome))
  if (row === undefined) return { retry: false, reason: 'not_retryable' }
  const method = ctx.method.toUpperCase()
  if (row.methods === 'idempotent' && !IDEMPOTENT_METHODS.has(method)) return { retry: false, reason: `${row.reason}_not_idempotent` }
  if (!ctx.replayable) return { retry: false, reason: `${row.reason}_body_not_replayable` }
  if (ctx.attempt >= limits.maxAttempts) return { retry: false, reason: `${row.reason}_max_attempts` }

  let delayMs = backoffMs(ctx.attempt, limits, ctx.random)
  if (outcome.type === 'status' && row.wait !== 'backoff') {
    const after = parseRetryAfter(outcome.headers['retry-after'], ctx.now) ??
      (row.wait === 'rate-limit' ? untilRateLimitReset(outcome.headers, ctx.now) : undefined)
    // The server's wait, plus up to one base delay of jitter so waiting replicas spread out.
    if (after !== undefined) delayMs = after + Math.floor(ctx.random() * limits.baseDelayMs)
  }
  if (delayMs > limits.maxDelayMs) return { retry: false, reason: `${row.reason}_wait_too_long` }
  if (ctx.totalDelayMs + delayMs > limits.maxTotalDelayMs) return { retry: false, reason: `${row.reason}_max_total_delay` }
  return { retry: true, reason: row.reason, delayMs }
}
