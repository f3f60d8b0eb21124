import { test } from 'tap'
import { backoffMs, decideRetry, parseRetryAfter, type AttemptOutcome, type RetryContext } from '../../src/upstream/retry/table.js'

const limits = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000, maxTotalDelayMs: 8_000 }
const NOW = Date.parse('2026-01-01T00:00:00Z')
const ctx = (over: Partial<RetryContext> = {}): RetryContext => ({ method: 'GET', attempt: 1, totalDelayMs: 0, replayable: true, now: NOW, random: () => 0.5, ...over })
const status = (s: number, headers: Record<string, string> = {}): AttemptOutcome => ({ type: 'status', status: s, headers })
const error = (code: string, sent: boolean): AttemptOutcome => ({ type: 'error', code, sent })

test('429 is retried for every method, POST included', async (t) => {
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
    const d = decideRetry(status(429), ctx({ method }), limits)
    t.match(d, { retry: true, reason: 'status_429' }, method)
  }
})

test('429 waits Retry-After in seconds, plus jitter below one base delay', async (t) => {
  t.same(decideRetry(status(429, { 'retry-after': '2' }), ctx({ random: () => 0 }), limits), { retry: true, reason: 'status_429', delayMs: 2_000 })
  t.same(decideRetry(status(429, { 'retry-after': '2' }), ctx({ random: () => 0.99 }), limits), { retry: true, reason: 'status_429', delayMs: 2_099 })
})

test('429 waits Retry-After as an HTTP-date', async (t) => {
  const at = new Date(NOW + 3_000).toUTCString()
  t.same(decideRetry(status(429, { 'retry-after': at }), ctx({ random: () => 0 }), limits), { retry: true, reason: 'status_429', delayMs: 3_000 })
  t.equal(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW), 0, 'a date in the past means now')
  t.equal(parseRetryAfter('soon', NOW), undefined)
})

test('429 without Retry-After waits until X-RateLimit-Reset', async (t) => {
  const reset = String(NOW / 1000 + 4)
  t.same(decideRetry(status(429, { 'x-ratelimit-reset': reset }), ctx({ random: () => 0 }), limits), { retry: true, reason: 'status_429', delayMs: 4_000 })
})

test('429 with neither header backs off', async (t) => {
  t.same(decideRetry(status(429), ctx({ attempt: 2, random: () => 0.5 }), limits), { retry: true, reason: 'status_429', delayMs: 100 })
})

test('no connection, or closed before the request was written: every method, backoff', async (t) => {
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
    t.same(decideRetry(error(code, false), ctx({ method: 'POST' }), limits), { retry: true, reason: 'not_connected', delayMs: 50 }, code)
  }
  t.same(decideRetry(error('UND_ERR_SOCKET', false), ctx({ method: 'POST' }), limits), { retry: true, reason: 'closed_before_sent', delayMs: 50 })
})

test('5xx: idempotent methods only', async (t) => {
  for (const s of [500, 502, 503, 504]) {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) t.match(decideRetry(status(s), ctx({ method }), limits), { retry: true, reason: 'status_5xx' }, `${method} ${s}`)
    for (const method of ['POST', 'PATCH']) t.same(decideRetry(status(s), ctx({ method }), limits), { retry: false, reason: 'status_5xx_not_idempotent' }, `${method} ${s}`)
  }
  t.same(decideRetry(status(503, { 'retry-after': '1' }), ctx({ random: () => 0 }), limits), { retry: true, reason: 'status_5xx', delayMs: 1_000 }, '503 honours Retry-After')
})

test('timeouts and resets after sending: idempotent methods only', async (t) => {
  t.match(decideRetry(error('UND_ERR_HEADERS_TIMEOUT', true), ctx({ method: 'GET' }), limits), { retry: true, reason: 'timeout' })
  t.match(decideRetry(error('UND_ERR_HEADERS_TIMEOUT', true), ctx({ method: 'POST' }), limits), { retry: false, reason: 'timeout_not_idempotent' })
  t.match(decideRetry(error('ECONNRESET', true), ctx({ method: 'DELETE' }), limits), { retry: true, reason: 'reset' })
  t.match(decideRetry(error('UND_ERR_SOCKET', true), ctx({ method: 'POST' }), limits), { retry: false, reason: 'reset_not_idempotent' })
})

test('other answers and errors are never retried', async (t) => {
  for (const s of [200, 400, 401, 403, 404, 409, 422, 501]) t.match(decideRetry(status(s), ctx(), limits), { retry: false, reason: 'not_retryable' }, String(s))
  t.match(decideRetry(error('UND_ERR_ABORTED', true), ctx(), limits), { retry: false })
})

test('a body that cannot be replayed is never retried', async (t) => {
  t.match(decideRetry(status(429), ctx({ replayable: false }), limits), { retry: false, reason: 'status_429_body_not_replayable' })
})

test('attempts, single wait and total wait are bounded', async (t) => {
  t.match(decideRetry(status(500), ctx({ attempt: 4 }), limits), { retry: false, reason: 'status_5xx_max_attempts' })
  t.match(decideRetry(status(500), ctx({ attempt: 3 }), limits), { retry: true })
  t.match(decideRetry(status(429, { 'retry-after': '6' }), ctx(), limits), { retry: false, reason: 'status_429_wait_too_long' })
  t.match(decideRetry(status(429, { 'retry-after': '3' }), ctx({ totalDelayMs: 6_000 }), limits), { retry: false, reason: 'status_429_max_total_delay' })
})

test('backoff is exponential with full jitter, capped', async (t) => {
  t.same([1, 2, 3, 4].map((n) => backoffMs(n, limits, () => 0.999999)), [99, 199, 399, 799])
  t.equal(backoffMs(20, limits, () => 0.999999), 4_999, 'capped at maxDelayMs')
  t.equal(backoffMs(3, limits, () => 0), 0, 'full jitter reaches 0')
})
