/**
 * Fixed-window rate limit like Intercom's: `limit` requests per `windowMs`, reported on every
 * answer as X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (Unix seconds at which
 * the current window ends). Requests over the limit are answered 429 and still counted.
 */

/** Rate limit settings. Default: 10000 requests per 10 s window. */
export interface RateLimitOptions { limit: number; windowMs: number }

/** The three headers of one answer. */
export interface RateLimitState { limit: number; remaining: number; reset: number; exceeded: boolean }

/** A fixed-window counter. */
export class RateLimiter {
  readonly limit: number
  readonly windowMs: number
  #windowStart = 0
  #count = 0

  constructor (options: RateLimitOptions = { limit: 10000, windowMs: 10000 }, private readonly now: () => number = Date.now) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new Error('rateLimit: limit and windowMs must be > 0')
    this.limit = options.limit
    this.windowMs = options.windowMs
  }

  #roll (): void {
    const start = Math.floor(this.now() / this.windowMs) * this.windowMs
    if (start !== this.#windowStart) {
      this.#windowStart = start
      this.#count = 0
    }
  }

  #state (): RateLimitState {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.#count),
      reset: Math.ceil((this.#windowStart + this.windowMs) / 1000),
      exceeded: this.#count > this.limit
    }
  }

  /** Count one request; `exceeded` says it is over the limit. */
  hit (): RateLimitState {
    this.#roll()
    this.#count += 1
    return this.#state()
  }

  /** The current state without counting (for answers that do not count, e.g. 401). */
  peek (): RateLimitState {
    this.#roll()
    return this.#state()
  }

  /** The response headers for a state. */
  static headers (s: RateLimitState): Record<string, string> {
    return { 'x-ratelimit-limit': String(s.limit), 'x-ratelimit-remaining': String(s.remaining), 'x-ratelimit-reset': String(s.reset) }
  }
}
