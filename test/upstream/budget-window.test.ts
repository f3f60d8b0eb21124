/**
 * The window maths twice, once: the TypeScript (window.ts, through the local store) and the Lua
 * scripts (take.lua, learn.lua, through the Redis store at REDIS_URL) run the same generated
 * sequences of takes, releases and learns, and must give the same answers and the same window.
 *
 * The generated time span stays under PROBE_TTL_MS: the Redis probe key expires by Redis's own
 * clock, the local probe by the `now` it is given, so past that span the two differ by design.
 */
import { test } from 'tap'
import fc from 'fast-check'
import { LocalBudgetStore } from '../../src/upstream/budget/local-store.js'
import { RedisBudgetStore } from '../../src/upstream/budget/redis-store.js'
import { PROBE_TTL_MS, type WindowState } from '../../src/upstream/budget/window.js'
import { cleanup, redisUrl, uniquePrefix } from './redis-helper.js'

const T0 = 1_800_000_000_000 // a whole second, in ms

type Op =
  | { op: 'take', dt: number }
  | { op: 'release', which: number }
  | { op: 'learn', dt: number, limit: number, remaining: number, resetIn: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('take' as const), dt: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ op: fc.constant('release' as const), which: fc.nat({ max: 20 }) }),
  fc.record({
    op: fc.constant('learn' as const),
    dt: fc.integer({ min: 0, max: 120 }),
    limit: fc.integer({ min: 1, max: 6 }),
    remaining: fc.integer({ min: 0, max: 8 }),
    // A reset from a little in the past (a straggler) to a few windows ahead, in whole 50 ms steps
    // so that consecutive resets have gaps the window length can be learned from.
    resetIn: fc.integer({ min: -4, max: 16 }).map((n) => n * 50)
  })
)

test('window maths: TypeScript and Lua give the same answers on the same inputs', async (t) => {
  const url = await redisUrl(t)
  if (url === undefined) return
  const keyPrefix = uniquePrefix()
  t.teardown(() => cleanup(url, keyPrefix))
  const redis = new RedisBudgetStore({ url, keyPrefix, fallbackShare: 1 })
  t.teardown(async () => { await redis.close() })
  for (let i = 0; i < 50 && redis.redis.status !== 'ready'; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(redis.mode, 'redis')

  let run = 0
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
    const ws = `w${++run}`
    const local = new LocalBudgetStore()
    let now = T0
    const held: string[] = []
    let seq = 0
    for (const o of ops) {
      if (o.op === 'take') {
        now = Math.min(now + o.dt, T0 + PROBE_TTL_MS - 1)
        const ticket = `t${++seq}`
        const a = local.takeSync(ws, now, ticket)
        const b = await redis.take(ws, now, ticket)
        if (a !== b) throw new Error(`take at +${now - T0}: TypeScript ${a}, Lua ${b}`)
        if (a === 0) held.push(ticket)
      } else if (o.op === 'release') {
        if (held.length === 0) continue
        const [ticket] = held.splice(o.which % held.length, 1)
        local.releaseSync(ws, ticket)
        await redis.release(ws, ticket)
      } else {
        now = Math.min(now + o.dt, T0 + PROBE_TTL_MS - 1)
        const obs = { limit: o.limit, remaining: o.remaining, resetAtMs: now - (now % 50) + o.resetIn }
        local.learnSync(ws, obs, now)
        await redis.learn(ws, obs, now)
      }
      const a = local.peek(ws)
      const [limit, remaining, reset, period] = await redis.redis.hmget(`budget:${ws}`, 'limit', 'remaining', 'reset', 'period')
      const b: WindowState | undefined = limit === null ? undefined : { limit: Number(limit), remaining: Number(remaining), resetAtMs: Number(reset), periodMs: Number(period) }
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`after ${JSON.stringify(o)} at +${now - T0}: TypeScript ${JSON.stringify(a)}, Lua ${JSON.stringify(b)}`)
    }
  }), { numRuns: 150 })
  t.pass('150 generated sequences agree')
})
