/**
 * The retry handler with an injected clock: `Retry-After` waits are asserted in virtual time
 * (`now` and `timers` injected), so no test sleeps for real seconds. The client runs over the
 * emulator on loopback; only the waits are virtual.
 */
import { test, type Test } from 'tap'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { clientOptions } from './client-options.js'
import { IntercomClient } from '../../src/upstream/client.js'
import { RateBudget } from '../../src/upstream/budget/queue.js'
import { LocalBudgetStore } from '../../src/upstream/budget/local-store.js'
import { requestSentInterceptor, wasWritten } from '../../src/upstream/retry/request-sent.js'
import type { Timers } from '../../src/upstream/retry/handler.js'

const T0 = Date.parse('2026-06-01T12:00:00Z')

/** A virtual clock: a timer fires on the next turn of the event loop, and moves `now` by its delay. */
function virtualClock (): { now: () => number, timers: Timers, waits: number[] } {
  let now = T0
  const waits: number[] = []
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      waits.push(ms)
      return setImmediate(() => { now += ms; fn() })
    },
    clearTimeout: (handle) => { clearImmediate(handle as NodeJS.Immediate) }
  }
  return { now: () => now, timers, waits }
}

async function client (t: Test): Promise<{ emulator: Emulator, intercom: IntercomClient, waits: number[], now: () => number, retries: string[] }> {
  const emulator = await startEmulator({ searchLagMs: 0 })
  const clock = virtualClock()
  const intercom = new IntercomClient(clientOptions(emulator.url, emulator.token, {
    policy: {
      budget: new RateBudget(new LocalBudgetStore(), { maxQueueLength: 100, maxWaitMs: 10_000 }),
      retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 60_000, maxTotalDelayMs: 120_000 },
      now: clock.now,
      random: () => 0,
      timers: clock.timers
    }
  }))
  const retries: string[] = []
  intercom.addObserver({ onRetry: (e) => { retries.push(`${e.reason} ${e.delayMs}`) } })
  t.teardown(async () => {
    await intercom.close()
    await emulator.close()
  })
  return { emulator, intercom, waits: clock.waits, now: clock.now, retries }
}

const ctx = { id: 'req-1', headers: {} }
const me = { operationId: 'identifyAdmin', method: 'GET' as const, path: '/me' }

test('a GET refused with 429 and Retry-After: 30 is sent again after 30 s (virtual)', async (t) => {
  const { emulator, intercom, waits, retries } = await client(t)
  emulator.fault({ method: 'GET', path: '/me', status: 429, headers: { 'Retry-After': '30' } })
  const res = await intercom.call(ctx, me)
  t.equal(res.status, 200)
  t.equal(emulator.requests.length, 2, 'two attempts')
  t.same(waits, [30_000], 'waited Retry-After (jitter 0)')
  t.same(retries, ['status_429 30000'])
})

test('Retry-After as an HTTP-date is waited for until that date', async (t) => {
  const { emulator, intercom, waits, now } = await client(t)
  const at = new Date(now() + 45_000)
  emulator.fault({ method: 'GET', path: '/me', status: 429, headers: { 'Retry-After': at.toUTCString() } })
  const res = await intercom.call(ctx, me)
  t.equal(res.status, 200)
  t.same(waits, [45_000])
})

test('a Retry-After beyond RETRY_MAX_DELAY_MS is not waited for: Intercom\'s 429 is the answer', async (t) => {
  const { emulator, intercom, waits } = await client(t)
  emulator.fault({ method: 'GET', path: '/me', status: 429, headers: { 'Retry-After': '120' } })
  const err = await intercom.call(ctx, me).catch((e: unknown) => e)
  t.match(err, { name: 'UpstreamHttpError', status: 429 })
  t.same(waits, [])
  t.equal(emulator.requests.length, 1)
})

test('a GET met by 503 is retried after its Retry-After (virtual); a POST met by 500 is sent once', async (t) => {
  const { emulator, intercom, waits, retries } = await client(t)
  emulator.fault({ method: 'GET', path: '/me', status: 503, times: 2, headers: { 'Retry-After': '5' } })
  t.equal((await intercom.call(ctx, me)).status, 200)
  t.same(waits, [5_000, 5_000])
  t.same(retries, ['status_5xx 5000', 'status_5xx 5000'])
  emulator.fault({ method: 'POST', path: '/contacts', status: 500 })
  const err = await intercom.call(ctx, { operationId: 'CreateContact', method: 'POST', path: '/contacts', body: { email: 'x@example.com' } }).catch((e: unknown) => e)
  t.match(err, { name: 'UpstreamHttpError', status: 500 })
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 1)
})

/** A new-style handler that records how the dispatch ended. */
function recorder (): Dispatcher.DispatchHandler & { done: Promise<Error | number> } {
  let settle!: (v: Error | number) => void
  const done = new Promise<Error | number>((resolve) => { settle = resolve })
  return {
    done,
    onRequestStart () {},
    onResponseStart (_c, status) { settle(status) },
    onResponseData () {},
    onResponseEnd () {},
    onResponseError (_c, err) { settle(err) }
  }
}

test('the request-sent interceptor tells a request cut off while being written from one written whole', async (t) => {
  const s = createServer((req, res) => {
    if (req.url === '/cut') {
      req.once('data', () => { req.socket.destroy() }) // the first chunk of a streamed body, then close
      return
    }
    req.resume()
    req.on('end', () => { req.socket.destroy() }) // the whole request read, then close without answering
  })
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const pool = new Pool(`http://127.0.0.1:${(s.address() as { port: number }).port}`)
  t.teardown(async () => { await pool.close(); s.close() })
  const dispatcher = pool.compose(requestSentInterceptor())

  const body = new Readable({ read () {} }) // a body that never ends: the request is never fully written
  body.push(Buffer.alloc(1024))
  const cut = recorder()
  dispatcher.dispatch({ method: 'POST', path: '/cut', body }, cut)
  const cutErr = await cut.done
  t.ok(cutErr instanceof Error)
  t.equal(wasWritten(cutErr), false, 'not written whole: "closed before sent"')

  const whole = recorder()
  dispatcher.dispatch({ method: 'POST', path: '/whole', body: '{"a":1}', headers: { 'content-type': 'application/json' } }, whole)
  const wholeErr = await whole.done
  t.ok(wholeErr instanceof Error)
  t.equal(wasWritten(wholeErr), true, 'written whole: a reset after sending')
})
