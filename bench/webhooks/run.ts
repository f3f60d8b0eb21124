/**
 * `npm run bench:webhooks`: webhooks in, end to end, against one replica of the service (a child
 * process) storing in Redis (REDIS_URL with a throwaway key prefix, else a throwaway redis-server
 * with AOF and appendfsync always, the durable setting the README recommends).
 *
 * (1) intake: signed notifications (each a fresh id) posted as fast as BENCH_INTAKE_CONCURRENCY
 *     callers can for BENCH_INTAKE_SECONDS, no subscribers: throughput and ack latency p50/p99.
 * (2) delivery: after a one-second warm-up at the rate (delivered and counted in lost/twice, not
 *     in the latencies), BENCH_RATE notifications/s (open loop, default 200) for BENCH_SECONDS, three
 *     subscribers (loopback HTTP servers in this process, verifying Standard Webhooks signatures):
 *     `a` and `b` healthy, `flaky` answering 503 to 20% of attempts (seeded). Ack latency at that
 *     rate; delivery lag (intake POST sent → subscriber received it) p50/p99 per subscriber; lost
 *     (a notification acknowledged 200 that a subscriber never received) and delivered twice to a
 *     healthy subscriber. Retries: WEBHOOK_RETRY_BASE_DELAY_MS 10, max 200 (BENCH_RETRY_BASE_MS).
 * Beside each phase's numbers: the 1-minute load average, the service's event-loop delay (p99,
 * max) and GC time while sending (its /metrics), the load generator's own loop delay, and which
 * seconds of the run the acks over 20 ms fell in: a stall of the machine shows as a burst there.
 * Results: bench/results/webhooks.json and a table on stdout. Bounded: about a minute.
 * Profiling aids: BENCH_PHASES=intake or delivery runs one phase (printed, no result file);
 * BENCH_SERVICE_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to the service's node.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { join } from 'node:path'
import { Pool } from 'undici'
import { Webhook } from 'standardwebhooks'
import { signIntercom } from '../../src/webhooks/signature.js'
import { deleteKeys, startRedisServer } from '../../scripts/redis-server.js'
import { startReplica, stopReplicas, type Replica } from '../ratelimit/replica.js'

const ROOT = new URL('../../', import.meta.url).pathname
const SECRET = 'bench-client-secret-0123456789'
const SUB_SECRET = `whsec_${Buffer.from('bench-subscriber-secret!').toString('base64')}`
const INTAKE_SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 10)
const INTAKE_CONCURRENCY = Number(process.env.BENCH_INTAKE_CONCURRENCY ?? 16)
const RATE = Number(process.env.BENCH_RATE ?? 200)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const FLAKY_SHARE = 0.2
const DRAIN_TIMEOUT_MS = 45_000
/** Profiling aids: BENCH_PHASES=intake|delivery runs one phase and writes no result file. */
const PHASES = (process.env.BENCH_PHASES ?? 'intake,delivery').split(',')


/** CPU time (user + system, ms) a child process has used so far, from /proc (Linux). */
async function cpuMs (pid: number | undefined): Promise<number> {
  const { readFile } = await import('node:fs/promises')
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return NaN
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits

/** A tiny seeded PRNG (mulberry32), so the flaky subscriber fails the same attempts each run. */
function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function redis (): Promise<{ url: string, prefix: string, stop: () => Promise<void>, kind: string }> {
  const prefix = `bench-webhooks-${randomUUID().slice(0, 8)}:`
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL
    return {
      url,
      prefix,
      kind: `REDIS_URL (${url})`,
      stop: async () => { await deleteKeys(url, prefix) }
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-webhooks-redis-'))
  const server = await startRedisServer({ persistDir: dir })
  return { url: server.url, prefix, kind: 'throwaway redis-server, appendonly yes, appendfsync always', stop: async () => { await server.kill(); await rm(dir, { recursive: true, force: true }) } }
}

async function startService (env: Record<string, string>): Promise<Replica & { stop: () => Promise<void> }> {
  // A token (so no sandbox emulator runs beside it); Intercom is never called in this benchmark.
  const replica = await startReplica(
    { INTERCOM_ACCESS_TOKEN: 'bench-unused', INTERCOM_BASE_URL: 'http://127.0.0.1:9', INTERCOM_CLIENT_SECRET: SECRET, PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', ...env },
    process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  )
  return { ...replica, stop: async () => { await stopReplicas([replica]) } }
}

/** Per subscriber, the notification ids still waiting in its consumer group (read and unacknowledged, or not read yet). */
async function backlog (store: { url: string }, prefix: string, groups: string[]): Promise<Map<string, Set<string>>> {
  const { Redis } = await import('ioredis')
  const r = new Redis(store.url)
  const out = new Map<string, Set<string>>()
  try {
    const key = `${prefix}webhooks:events:bench01`
    const info = await r.xinfo('GROUPS', key) as unknown[][]
    for (const g of info) {
      const f: Record<string, unknown> = {}
      for (let i = 0; i + 1 < g.length; i += 2) f[String(g[i])] = g[i + 1]
      const name = String(f.name)
      if (!groups.includes(name)) continue
      const ids = new Set<string>()
      const idOf = (entry: [string, string[]]): string => entry[1][entry[1].indexOf('n') + 1]
      for (const e of await r.xrange(key, `(${String(f['last-delivered-id'])}`, '+') as Array<[string, string[]]>) ids.add(idOf(e))
      for (const [entryId] of await r.xpending(key, name, '-', '+', 100_000) as Array<[string]>) {
        for (const e of await r.xrange(key, entryId, entryId) as Array<[string, string[]]>) ids.add(idOf(e))
      }
      out.set(name, ids)
    }
  } finally {
    await r.quit()
  }
  return out
}

/**
 * The service's own view (prom-client's default metrics on /metrics): event-loop delay p99/max in
 * ms since the previous scrape (prom-client resets it on each), and seconds spent in GC so far.
 */
async function serviceLoop (url: string): Promise<{ loop_delay_p99_ms: number, loop_delay_max_ms: number, gc_seconds: number }> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const value = (name: string): number => Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN)
  let gc = 0
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)/gm)) gc += Number(m[1])
  return { loop_delay_p99_ms: round(value('nodejs_eventloop_lag_p99_seconds') * 1000, 1), loop_delay_max_ms: round(value('nodejs_eventloop_lag_max_seconds') * 1000, 1), gc_seconds: round(gc, 3) }
}

function envelope (i: number, run: string): { id: string, body: string } {
  const now = Math.floor(Date.now() / 1000)
  const id = `notif_${run}_${i}`
  const topic = ['contact.user.created', 'conversation.user.replied', 'conversation.admin.closed'][i % 3]
  const body = JSON.stringify({
    type: 'notification_event', app_id: 'bench01', id, topic, created_at: now, delivery_attempts: 1, first_sent_at: now,
    delivery_status: 'pending', delivered_at: 0, links: {}, self: null,
    data: { type: 'notification_event_data', item: { type: 'contact', id: `c${i}`, email: `bench${i}@example.com`, custom_attributes: { plan: 'pro', seats: i % 50 } } }
  })
  return { id, body }
}

async function post (pool: Pool, body: string): Promise<{ status: number, ms: number }> {
  const t0 = performance.now()
  const res = await pool.request({ method: 'POST', path: '/webhooks/intercom', headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, SECRET) }, body })
  await res.body.dump()
  return { status: res.statusCode, ms: performance.now() - t0 }
}

async function intakePhase (store: Awaited<ReturnType<typeof redis>>): Promise<Record<string, unknown>> {
  const service = await startService({ REDIS_URL: store.url, REDIS_KEY_PREFIX: `${store.prefix}intake:` })
  const pool = new Pool(service.url, { connections: INTAKE_CONCURRENCY })
  const run = randomUUID().slice(0, 8)
  try {
    // Warm up.
    for (let i = 0; i < 200; i++) await post(pool, envelope(i, `${run}w`).body)
    const latencies: number[] = []
    let failed = 0
    let next = 0
    const before = await serviceLoop(service.url)
    const cpu0 = await cpuMs(service.child.pid)
    const until = performance.now() + INTAKE_SECONDS * 1000
    const t0 = performance.now()
    await Promise.all(Array.from({ length: INTAKE_CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const r = await post(pool, envelope(next++, run).body)
        if (r.status === 200) latencies.push(r.ms)
        else failed++
      }
    }))
    const elapsed = (performance.now() - t0) / 1000
    const cpu = await cpuMs(service.child.pid) - cpu0
    const during = await serviceLoop(service.url)
    latencies.sort((a, b) => a - b)
    return {
      load_average_1m: round(loadavg()[0], 2),
      service_loop_delay_p99_ms: during.loop_delay_p99_ms,
      service_loop_delay_max_ms: during.loop_delay_max_ms,
      service_gc_ms: round((during.gc_seconds - before.gc_seconds) * 1000),
      service_cpu_us_per_notification: Math.round((cpu * 1000) / latencies.length),
      concurrency: INTAKE_CONCURRENCY,
      seconds: round(elapsed, 2),
      accepted: latencies.length,
      failed,
      throughput_per_s: Math.round(latencies.length / elapsed),
      ack_p50_ms: round(percentile(latencies, 0.5), 2),
      ack_p99_ms: round(percentile(latencies, 0.99), 2),
      ack_max_ms: round(latencies[latencies.length - 1], 2)
    }
  } finally {
    await pool.close()
    await service.stop()
  }
}

interface Sub { name: string, url: string, got: Map<string, number>, firstAt: Map<string, number>, attempts: number, refused: number, badSignatures: number, close: () => Promise<void> }

async function subscriber (name: string, failShare: number, seed: number): Promise<Sub> {
  const wh = new Webhook(SUB_SECRET)
  const random = prng(seed)
  const sub: Sub = { name, url: '', got: new Map(), firstAt: new Map(), attempts: 0, refused: 0, badSignatures: 0, close: async () => {} }
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      sub.attempts++
      if (failShare > 0 && random() < failShare) {
        sub.refused++
        res.writeHead(503).end()
        return
      }
      try {
        wh.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>)
      } catch {
        sub.badSignatures++
        res.writeHead(400).end()
        return
      }
      const id = String(req.headers['webhook-id'])
      sub.got.set(id, (sub.got.get(id) ?? 0) + 1)
      if (!sub.firstAt.has(id)) sub.firstAt.set(id, performance.now())
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  sub.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
  sub.close = async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)) }
  return sub
}

async function deliveryPhase (store: Awaited<ReturnType<typeof redis>>): Promise<Record<string, unknown>> {
  const subs = [await subscriber('a', 0, 1), await subscriber('b', 0, 2), await subscriber('flaky', FLAKY_SHARE, 3)]
  const service = await startService({
    REDIS_URL: store.url,
    REDIS_KEY_PREFIX: `${store.prefix}delivery:`,
    WEBHOOK_SUBSCRIPTIONS: JSON.stringify(subs.map((s) => ({ name: s.name, url: s.url, topics: ['*'], secret: SUB_SECRET }))),
    WEBHOOK_RETRY_BASE_DELAY_MS: process.env.BENCH_RETRY_BASE_MS ?? '10',
    WEBHOOK_RETRY_MAX_DELAY_MS: '200',
    WEBHOOK_MAX_ATTEMPTS: '50'
  })
  const pool = new Pool(service.url, { connections: 32 })
  const run = randomUUID().slice(0, 8)
  const sentAt = new Map<string, number>()
  const acked = new Set<string>()
  const ackMs: number[] = []
  let failed = 0
  const slow: Array<[number, number]> = []
  // The load generator's own event-loop delay: a stall here inflates the measured ack latencies.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  try {
    // Warm-up (as in phase 1): one second at the rate, creating the stream and its groups and
    // warming the JIT; delivered and counted in lost/twice, not in the latencies.
    for (let i = 0; i < RATE; i++) {
      const { id, body } = envelope(i, `${run}w`)
      const r = await post(pool, body)
      if (r.status === 200) acked.add(id)
      await sleep(1000 / RATE)
    }
    for (let i = 0; i < 50 && subs.some((s) => [...acked].some((id) => !s.got.has(id))); i++) await sleep(100)
    loopDelay.enable()
    const before = await serviceLoop(service.url)
    const total = RATE * SECONDS
    const cpu0 = await cpuMs(service.child.pid)
    const t0 = performance.now()
    const inflight: Array<Promise<void>> = []
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE
      const wait = due - performance.now()
      if (wait > 1) await sleep(wait)
      const { id, body } = envelope(i, run)
      sentAt.set(id, performance.now())
      inflight.push(post(pool, body).then((r) => {
        if (r.status === 200) { acked.add(id); ackMs.push(r.ms); if (r.ms > 20) slow.push([Math.round(performance.now() - t0), Math.round(r.ms)]) } else failed++
      }, () => { failed++ }))
    }
    await Promise.all(inflight)
    loopDelay.disable()
    const during = await serviceLoop(service.url)
    const loadAverage = round(loadavg()[0], 2)
    const sendSeconds = (performance.now() - t0) / 1000
    const drainStart = performance.now()
    while (performance.now() - drainStart < DRAIN_TIMEOUT_MS && subs.some((s) => [...acked].some((id) => !s.got.has(id)))) await sleep(200)
    await sleep(500)
    const cpu = await cpuMs(service.child.pid) - cpu0
    const queued = await backlog(store, `${store.prefix}delivery:`, subs.map((s) => s.name))
    ackMs.sort((a, b) => a - b)
    const perSub = Object.fromEntries(subs.map((s) => {
      const lags = [...acked].filter((id) => s.firstAt.has(id) && sentAt.has(id)).map((id) => (s.firstAt.get(id) as number) - (sentAt.get(id) as number)).sort((a, b) => a - b)
      return [s.name, {
        received: [...acked].filter((id) => s.got.has(id)).length,
        // Not received by the end of the drain window but still in the store, waiting for this subscriber.
        still_queued: [...acked].filter((id) => !s.got.has(id) && queued.get(s.name)?.has(id)).length,
        // Acknowledged by the intake, never received, and no longer queued for this subscriber.
        lost: [...acked].filter((id) => !s.got.has(id) && !queued.get(s.name)?.has(id)).length,
        delivered_twice: [...s.got.values()].filter((n) => n > 1).length,
        attempts: s.attempts,
        refused_503: s.refused,
        bad_signatures: s.badSignatures,
        lag_p50_ms: round(percentile(lags, 0.5)),
        lag_p99_ms: round(percentile(lags, 0.99)),
        lag_max_ms: round(lags[lags.length - 1])
      }]
    }))
    return {
      // Intake plus three deliveries (and the flaky one's retries), until the end of the drain window.
      service_cpu_us_per_notification: Math.round((cpu * 1000) / sentAt.size),
      load_average_1m: loadAverage,
      rate_per_s: RATE,
      seconds: SECONDS,
      sent: total,
      warm_up: RATE,
      send_seconds: round(sendSeconds, 2),
      acked: [...acked].filter((id) => sentAt.has(id)).length,
      failed,
      ack_p50_ms: round(percentile(ackMs, 0.5), 2),
      ack_p99_ms: round(percentile(ackMs, 0.99), 2),
      ack_max_ms: round(ackMs[ackMs.length - 1], 2),
      // While sending: the service's event-loop delay and GC time, and the load generator's loop delay.
      service_loop_delay_p99_ms: during.loop_delay_p99_ms,
      service_loop_delay_max_ms: during.loop_delay_max_ms,
      service_gc_ms: round((during.gc_seconds - before.gc_seconds) * 1000),
      bench_loop_delay_p99_ms: round(loopDelay.percentile(99) / 1e6, 1),
      bench_loop_delay_max_ms: round(loopDelay.max / 1e6, 1),
      // Where the slow acks (over 20 ms) fell: second of the run → count, to tell a start-up burst from steady state.
      acks_over_20ms_by_second: slow.reduce<Record<string, number>>((o, [at]) => { const k = String(Math.floor(at / 1000)); o[k] = (o[k] ?? 0) + 1; return o }, {}),
      subscribers: perSub,
      lost_total: Object.values(perSub).reduce((n, s) => n + s.lost, 0),
      still_queued_total: Object.values(perSub).reduce((n, s) => n + s.still_queued, 0),
      delivered_twice_to_healthy: perSub.a.delivered_twice + perSub.b.delivered_twice
    }
  } finally {
    await pool.close()
    await service.stop()
    await Promise.all(subs.map((s) => s.close()))
  }
}

/** The table on stdout. */
function printResult (result: { store: string, load_average_1m: number, intake: Record<string, any>, delivery: Record<string, any> }): void {
  const { intake, delivery } = result
  console.log(`store: ${result.store}; load average ${result.load_average_1m}`)
  console.log(`(1) intake, ${intake.concurrency} callers, ${intake.seconds} s (load average ${intake.load_average_1m}): ${intake.throughput_per_s} notifications/s, ack p50 ${intake.ack_p50_ms} ms, p99 ${intake.ack_p99_ms} ms, failed ${intake.failed}; service CPU ${intake.service_cpu_us_per_notification} us per notification; service event-loop delay p99 ${intake.service_loop_delay_p99_ms} ms, max ${intake.service_loop_delay_max_ms} ms`)
  console.log(`(2) ${RATE}/s for ${SECONDS} s after a ${delivery.warm_up}-notification warm-up (load average ${delivery.load_average_1m}): acked ${delivery.acked}/${delivery.sent}, ack p50 ${delivery.ack_p50_ms} ms, p99 ${delivery.ack_p99_ms} ms, max ${delivery.ack_max_ms} ms; service event-loop delay p99 ${delivery.service_loop_delay_p99_ms} ms, max ${delivery.service_loop_delay_max_ms} ms, GC ${delivery.service_gc_ms} ms; bench loop delay max ${delivery.bench_loop_delay_max_ms} ms`)
  console.log('    subscriber  received  queued  lost  twice  attempts  503s  lag p50 ms  lag p99 ms  lag max ms')
  for (const [name, s] of Object.entries(delivery.subscribers as Record<string, Record<string, number>>)) {
    console.log(`    ${name.padEnd(10)}  ${String(s.received).padStart(8)}  ${String(s.still_queued).padStart(6)}  ${String(s.lost).padStart(4)}  ${String(s.delivered_twice).padStart(5)}  ${String(s.attempts).padStart(8)}  ${String(s.refused_503).padStart(4)}  ${String(s.lag_p50_ms).padStart(10)}  ${String(s.lag_p99_ms).padStart(10)}  ${String(s.lag_max_ms).padStart(10)}`)
  }
  console.log(`    lost (all subscribers): ${delivery.lost_total}; still queued at the end of the ${DRAIN_TIMEOUT_MS / 1000} s drain window: ${delivery.still_queued_total}; delivered twice to a healthy subscriber: ${delivery.delivered_twice_to_healthy}`)
}

const store = await redis()
try {
  const started = Date.now()
  if (PHASES.length < 2) {
    // A profiling run: one phase, printed, no result file.
    const out = PHASES[0] === 'intake' ? await intakePhase(store) : await deliveryPhase(store)
    console.log(JSON.stringify({ load_average_1m: round(loadavg()[0], 2), ...out }, null, 2))
  } else {
    const intake = await intakePhase(store)
    const delivery = await deliveryPhase(store)
    const result = { when: new Date().toISOString(), store: store.kind, load_average_1m: round(loadavg()[0], 2), wall_seconds: round((Date.now() - started) / 1000), intake, delivery }
    await mkdir(join(ROOT, 'bench/results'), { recursive: true })
    await writeFile(join(ROOT, 'bench/results/webhooks.json'), `${JSON.stringify(result, null, 2)}\n`)
    printResult(result)
  }
} finally {
  await store.stop()
}
