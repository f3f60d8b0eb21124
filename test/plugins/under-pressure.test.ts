import { t as tap, test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { build, json } from '../helper.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

/** Keep the event loop busy for `ms` (synchronously), as a CPU-bound overload would. */
function blockEventLoop (ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) { /* busy */ }
}

test('overload: past the event-loop delay limit requests are shed with a 503 problem and Retry-After, /healthz still answers, and service recovers', async (t) => {
  const { app, emulator } = await build(t, {
    env: { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '50', PRESSURE_SAMPLE_INTERVAL_MS: '100', PRESSURE_RETRY_AFTER_MS: '3000' }
  })

  // Block the loop until a request is shed (the sampler must see the delay first).
  let shed: Awaited<ReturnType<typeof app.inject>> | undefined
  let healthDuringPressure: number | undefined
  let attempts = 0
  while (shed === undefined && attempts < 40) {
    attempts++
    blockEventLoop(300)
    await sleep(0)
    const res = await app.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99' })
    if (res.statusCode === 503) {
      shed = res
      healthDuringPressure = (await app.inject({ method: 'GET', url: '/healthz' })).statusCode
    }
  }
  t.ok(shed, `a request was shed after ${attempts} overloaded interval(s)`)
  t.equal(shed!.headers['retry-after'], '3', 'Retry-After in seconds')
  t.match(shed!.headers['content-type'], /^application\/problem\+json/)
  t.match(json(shed!), { status: 503, code: 'OVERLOADED', title: 'Service Unavailable', detail: /overloaded \(eventLoopDelay\)/, instance: '/contacts/6762f0dd1bb69f9f2193bb99' })
  t.equal(healthDuringPressure, 200, '/healthz answers while shedding')
  const upstreamWhileShedding = emulator.requests.length

  // Stop the overload: the service recovers on its own and reaches Intercom again.
  let recovered: number | undefined
  let polls = 0
  while (recovered === undefined && polls < 200) {
    polls++
    await sleep(50)
    const res = await app.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99' })
    if (res.statusCode !== 503) recovered = res.statusCode
  }
  t.equal(recovered, 404, `recovered after ${polls} poll(s): the request reached Intercom (which has no such contact)`)
  t.equal(emulator.requests.length, upstreamWhileShedding + 1, 'the shed request never reached Intercom')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /http_requests_total\{method="GET",route="\/contacts\/:id",status_code="503"\} [1-9]/, 'shed requests are counted')
  t.comment(`overload: shed with 503 after ${attempts} blocked interval(s) of 300 ms; recovered after ${polls} poll(s)`)
})

test('with no limits configured, nothing is shed', async (t) => {
  const { app } = await build(t, { env: { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' } })
  blockEventLoop(300)
  await sleep(0)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/contacts/abc' })).statusCode, 404)
})
