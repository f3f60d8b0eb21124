import { test } from 'tap'
import { readRateLimit, windowMath, PROBE_POLL_MS } from '../../src/upstream/budget/window.js'
import { LocalBudgetStore } from '../../src/upstream/budget/local-store.js'
import { RateBudget } from '../../src/upstream/budget/queue.js'
import { RateBudgetExhaustedError } from '../../src/upstream/errors.js'

const T0 = 1_800_000_000_000 // a whole second, in ms

test('readRateLimit reads the three headers, in seconds', async (t) => {
  t.same(readRateLimit({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '1800000001' }), { limit: 100, remaining: 7, resetAtMs: 1_800_000_001_000 })
  t.equal(readRateLimit({ 'x-ratelimit-limit': '100' }), undefined)
})

test('the local store: a probe first, then the learned window, then a wait until the reset', async (t) => {
  const s = new LocalBudgetStore()
  t.equal(s.takeSync('w', T0), 0, 'the first call goes out to learn the window')
  t.equal(s.takeSync('w', T0), PROBE_POLL_MS, 'others wait for the probe\'s answer')
  s.learnSync('w', { limit: 3, remaining: 2, resetAtMs: T0 + 1000 })
  t.equal(s.takeSync('w', T0 + 10), 0)
  t.equal(s.takeSync('w', T0 + 10), 0)
  t.equal(s.takeSync('w', T0 + 10), 990, 'none left: wait until the reset')
  s.learnSync('w', { limit: 3, remaining: 2, resetAtMs: T0 + 1000 })
  t.equal(s.peek('w')?.remaining, 0, 'an answer of the same window never raises remaining')
  s.learnSync('w', { limit: 3, remaining: 2, resetAtMs: T0 + 2000 })
  t.same(s.peek('w'), { limit: 3, remaining: 2, resetAtMs: T0 + 2000, periodMs: 1000 }, 'a newer window teaches the period')
  t.equal(s.takeSync('w', T0 + 2500), 0, 'the store rolls to the next window itself')
  t.same(s.peek('w'), { limit: 3, remaining: 2, resetAtMs: T0 + 3000, periodMs: 1000 })
  s.learnSync('w', { limit: 3, remaining: 3, resetAtMs: T0 + 1000 }, T0 + 2500)
  t.equal(s.peek('w')?.resetAtMs, T0 + 3000, 'a past window is stale news')
})

test('a period learned across skipped windows is corrected by the next answer, and no window is lost', async (t) => {
  const s = new LocalBudgetStore()
  s.learnSync('w', { limit: 3, remaining: 2, resetAtMs: T0 + 1000 }, T0 + 500)
  s.learnSync('w', { limit: 3, remaining: 2, resetAtMs: T0 + 3000 }, T0 + 2500) // nothing answered in the window ending T0 + 2000
  t.equal(s.peek('w')?.periodMs, 2000, 'the gap looks like the period')
  for (let i = 0; i < 2; i++) t.equal(s.takeSync('w', T0 + 2600, `a${i}`), 0)
  s.releaseSync('w', 'a0'); s.releaseSync('w', 'a1') // answered
  t.equal(s.takeSync('w', T0 + 3000, 'b0'), 0, 'at the reset the store rolls by itself')
  t.equal(s.peek('w')?.resetAtMs, T0 + 5000, 'into a window too long')
  s.releaseSync('w', 'b0')
  s.learnSync('w', { limit: 3, remaining: 2, resetAtMs: T0 + 4000 }, T0 + 3010)
  t.same(s.peek('w'), { limit: 3, remaining: 2, resetAtMs: T0 + 4000, periodMs: 1000 }, 'Intercom\'s earlier reset wins and shortens the period')
  t.equal(s.takeSync('w', T0 + 3020), 0)
  t.equal(s.takeSync('w', T0 + 3020), 0)
  t.equal(s.takeSync('w', T0 + 3020), 980, 'the window is spent: wait for its real reset')
  t.equal(s.takeSync('w', T0 + 4000), 0, 'and the next window is used, not skipped')
})

test('the period is the smallest gap seen between resets', async (t) => {
  const st = windowMath.learn(windowMath.learn(undefined, { limit: 5, remaining: 5, resetAtMs: T0 }), { limit: 5, remaining: 5, resetAtMs: T0 + 30_000 })
  t.equal(st.periodMs, 30_000)
  t.equal(windowMath.learn(st, { limit: 5, remaining: 5, resetAtMs: T0 + 40_000 }).periodMs, 10_000)
})

test('a fallback share caps the limit', async (t) => {
  const s = new LocalBudgetStore(0.25)
  s.learnSync('w', { limit: 100, remaining: 100, resetAtMs: T0 + 1000 })
  t.same(s.peek('w'), { limit: 25, remaining: 25, resetAtMs: T0 + 1000, periodMs: 0 })
})

test('the queue is FIFO and bounded in length', async (t) => {
  const now = Date.now()
  const store = new LocalBudgetStore()
  store.learnSync('w', { limit: 2, remaining: 0, resetAtMs: now - 850 })
  store.learnSync('w', { limit: 2, remaining: 0, resetAtMs: now + 150 }) // period 1000 ms, none left
  const budget = new RateBudget(store, { maxQueueLength: 3, maxWaitMs: 10_000 })
  const waited: number[] = []
  budget.attach({ onQueue: (e) => { waited.push(e.depth) } })
  const order: number[] = []
  const calls = [1, 2, 3].map((i) => budget.acquire('w', now + 5_000).then((ticket) => { order.push(i); budget.release('w', ticket) }))
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(budget.depth('w'), 3)
  await t.rejects(budget.acquire('w', now + 5_000), { name: 'RateBudgetExhaustedError', why: 'queue_full' })
  await Promise.all(calls)
  t.same(order, [1, 2, 3], 'first in, first out')
  t.same(waited, [2, 1, 0], 'observers hear each departure and the depth left')
  t.equal(store.peek('w')?.remaining, 1, 'two windows: 2 + 1 calls')
})

test('calls in flight at a reset are taken off the next window', async (t) => {
  const s = new LocalBudgetStore()
  s.learnSync('w', { limit: 5, remaining: 5, resetAtMs: T0 }, T0 - 2000)
  s.learnSync('w', { limit: 5, remaining: 2, resetAtMs: T0 + 1000 }, T0 - 1000) // period 1000
  t.equal(s.takeSync('w', T0 + 990, 'a'), 0)
  t.equal(s.takeSync('w', T0 + 995, 'b'), 0)
  t.equal(s.inflightCount('w', T0 + 995), 2)
  s.releaseSync('w', 'a')
  t.equal(s.takeSync('w', T0 + 1001, 'c'), 0, 'the window rolled')
  t.equal(s.peek('w')?.remaining, 3, '5, less b still in flight (it may land in this window), less c')
})

test('a call whose deadline comes before the reset is refused at once with the wait as Retry-After', async (t) => {
  const now = Date.now()
  const store = new LocalBudgetStore()
  store.learnSync('w', { limit: 2, remaining: 0, resetAtMs: now + 3_000 })
  const budget = new RateBudget(store, { maxQueueLength: 10, maxWaitMs: 10_000 })
  const err = await budget.acquire('w', now + 100).catch((e: unknown) => e) as RateBudgetExhaustedError
  t.ok(err instanceof RateBudgetExhaustedError)
  t.equal(err.why, 'deadline')
  t.ok(err.retryAfterMs > 2_500 && err.retryAfterMs <= 3_000, `retryAfterMs ${err.retryAfterMs}`)
  t.equal(budget.depth('w'), 0, 'it never joined the queue')
  const long = await budget.acquire('w', now + 60_000).then(() => 'ok', (e: unknown) => e)
  t.equal(long, 'ok', 'a call with time to wait waits for the reset')
})

test('RATE_QUEUE_MAX_WAIT_MS bounds the wait even with a later deadline', async (t) => {
  const now = Date.now()
  const store = new LocalBudgetStore()
  store.learnSync('w', { limit: 2, remaining: 0, resetAtMs: now + 3_000 })
  const budget = new RateBudget(store, { maxQueueLength: 10, maxWaitMs: 1_000 })
  const err = await budget.acquire('w', now + 60_000).catch((e: unknown) => e)
  t.match(err, { name: 'RateBudgetExhaustedError', why: 'max_wait' })
})

test('an aborted caller leaves the queue', async (t) => {
  const now = Date.now()
  const store = new LocalBudgetStore()
  store.learnSync('w', { limit: 2, remaining: 0, resetAtMs: now + 3_000 })
  const budget = new RateBudget(store, { maxQueueLength: 10, maxWaitMs: 10_000 })
  const ac = new AbortController()
  const p = budget.acquire('w', undefined, ac.signal)
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(budget.depth('w'), 1)
  ac.abort(new Error('caller left'))
  await t.rejects(p, { message: 'caller left' })
  t.equal(budget.depth('w'), 0)
})
