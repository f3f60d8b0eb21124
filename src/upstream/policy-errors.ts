/**
 * Errors of the rate budget and the deadline, thrown by the dispatcher interceptor (interceptor.ts)
 * and mapped by the problem-details plugin: `RateBudgetExhaustedError` → 429 with `Retry-After`,
 * `DeadlineExceededError` → 504. They know nothing of Fastify.
 */

/**
 * The call could not start before its deadline (or within RATE_QUEUE_MAX_WAIT_MS, or the queue was
 * full): nothing was sent. `retryAfterMs` is when a slot is expected (milliseconds from now).
 */
export class RateBudgetExhaustedError extends Error {
  override name = 'RateBudgetExhaustedError'
  readonly code = 'RATE_BUDGET_EXHAUSTED'
  readonly retryAfterMs: number
  readonly why: 'deadline' | 'max_wait' | 'queue_full'
  constructor (why: RateBudgetExhaustedError['why'], retryAfterMs: number) {
    super(`Intercom rate budget exhausted (${why}); a slot is expected in ${Math.ceil(retryAfterMs)} ms`)
    this.why = why
    this.retryAfterMs = Math.max(0, retryAfterMs)
  }
}

/**
 * The caller's deadline (X-Request-Deadline-Ms or REQUEST_DEADLINE_MS) ran out after the call had
 * started. `maybeSent` is true when an attempt was in flight or had reached Intercom, so a write
 * may or may not have been applied.
 */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError'
  readonly code = 'DEADLINE_EXCEEDED'
  maybeSent: boolean
  constructor (maybeSent: boolean) {
    super('The request deadline passed before Intercom answered')
    this.maybeSent = maybeSent
  }
}
