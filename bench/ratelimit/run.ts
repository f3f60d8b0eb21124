/**
 * `npm run bench:ratelimit`: 1,000 mixed calls (70% reads `GET /contacts/{id}`, 30% writes
 * `POST /contacts` with a fresh external_id), 20 concurrent callers, against the Intercom emulator
 * limited to 100 requests/s (fixed 1 s windows, Intercom's X-RateLimit-* headers and 429 bodies).
 * Side by side, each on a fresh emulator:
 *   (a) sdk: Intercom's official Node SDK (`intercom-client`, pointed at the emulator with `baseUrl`),
 *       default settings: it retries 408/429/5xx up to 2 times, waiting Retry-After / X-RateLimit-Reset;
 *   (b) service: this service, one replica (a child process), in-process budget;
 *   (c) service-x3: three replicas (processes) sharing one Redis, called round-robin.
 * For each: total time vs the ideal (calls ÷ limit), upstream 429s, quota use (calls Intercom
 * accepted ÷ (limit × the 1 s windows the run touched); also ÷ elapsed seconds), failed calls, duplicated writes (the emulator counts each
 * write that reached its handler). Results: bench/results/ratelimit.json and a table on stdout.
 *
 * Then the Idempotency-Key and known-contact-id scenarios (bench/ratelimit/idempotency.ts): `sync`
 * (1,000 upserts over 500 contacts, Intercom calls per upsert with and without the known ids) and
 * `retry` (300 creates with every 10th answer lost, the SDK's own retries vs the caller retrying
 * once with its Idempotency-Key); results in bench/results/ratelimit-idempotency.json.
 *
 * Env: BENCH_CALLS (1000), BENCH_CONCURRENCY (20), BENCH_LIMIT (100), BENCH_VARIANTS (a,b,c,sync,retry), REDIS_URL (else a throwaway
 * redis-server is started; variant (c) is skipped with a note when there is none).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { Pool } from 'undici'
import { IntercomClient } from 'intercom-client'
import { duplicatedWrites, startEmulator, type Emulator } from '../../src/emulator/index.js'
import { startReplica, stopReplicas, throwawayRedis, type Replica } from './replica.js'
import { idempotencyTable, retryScenario, syncScenario, type IdempotencyResult, type ScenarioFigures } from './idempotency.js'

const CALLS = Number(process.env.BENCH_CALLS ?? 1000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20)
const LIMIT = Number(process.env.BENCH_LIMIT ?? 100)
const READ_SHARE = 0.7
const SEEDED = 50
/** Reads sent before measuring, spread over the replicas; not counted. */
const WARM_UP_CALLS = 30

interface Result extends ScenarioFigures {
  /** Calls Intercom accepted ÷ (limit × the 1 s windows the run touched). */
  quota_use_pct: number
  /** Calls Intercom accepted ÷ (limit × elapsed seconds); can pass 100% as the first window may be partial. */
  quota_use_elapsed_pct: number
  /** Calls Intercom accepted in each 1 s window of the run (a dip shows where time went). */
  accepted_per_window: number[]
}

/** One caller operation: read or write number i. */
type Op = (i: number, kind: 'read' | 'write', contactId: string) => Promise<boolean>

function plan (): Array<'read' | 'write'> {
  // A fixed, interleaved mix: 7 reads then 3 writes, repeated.
  return Array.from({ length: CALLS }, (_, i) => (i % 10 < READ_SHARE * 10 ? 'read' : 'write'))
}

async function freshEmulator (): Promise<{ emulator: Emulator, ids: string[] }> {
  const emulator = await startEmulator({ rateLimit: { limit: LIMIT, windowMs: 1000 }, maxRecords: 100, validate: false })
  const ids: string[] = []
  for (let i = 0; i < SEEDED; i++) ids.push(emulator.store.createContact({ external_id: `seed-${i}`, email: `seed-${i}@example.com`, role: 'user' }).id)
  emulator.resetRecords()
  return { emulator, ids }
}

/** Warm every path (JIT, sockets) with a few reads, then start on a fresh rate-limit window with zeroed counters. */
async function warmUp (emulator: Emulator, ids: string[], op: Op): Promise<void> {
  await Promise.all(Array.from({ length: WARM_UP_CALLS }, (_, i) => op(i, 'read', ids[i % ids.length]).catch(() => false)))
  await new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1000)))
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1000)))
  emulator.resetRecords()
}

async function drive (variant: string, description: string, emulator: Emulator, ids: string[], op: Op): Promise<Result> {
  await warmUp(emulator, ids, op)
  const kinds = plan()
  let next = 0
  let failed = 0
  const perWindow = new Map<number, number>()
  const sampler = setInterval(() => { perWindow.set(Math.floor(Date.now() / 1000), emulator.stats.accepted) }, 50)
  const started = performance.now()
  const startedAt = Date.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < kinds.length) {
      const i = next++
      try {
        if (!(await op(i, kinds[i], ids[i % ids.length]))) failed++
      } catch {
        failed++
      }
    }
  }))
  const totalMs = performance.now() - started
  clearInterval(sampler)
  perWindow.set(Math.floor(Date.now() / 1000), emulator.stats.accepted)
  const cumulative = [...perWindow.values()]
  const acceptedPerWindow = cumulative.map((n, i) => n - (i === 0 ? 0 : cumulative[i - 1]))
  const windows = Math.floor(Date.now() / 1000) - Math.floor(startedAt / 1000) + 1
  const idealMs = (CALLS / LIMIT) * 1000
  const accepted = emulator.stats.accepted
  return {
    variant,
    description,
    calls: CALLS,
    concurrency: CONCURRENCY,
    limit_per_s: LIMIT,
    total_ms: Math.round(totalMs),
    ideal_ms: idealMs,
    time_vs_ideal: Number((totalMs / idealMs).toFixed(3)),
    upstream_calls: accepted + emulator.stats.refused429,
    upstream_429s: emulator.stats.refused429,
    quota_use_pct: Number((100 * accepted / (LIMIT * windows)).toFixed(1)),
    quota_use_elapsed_pct: Number((100 * accepted / (LIMIT * totalMs / 1000)).toFixed(1)),
    failed_calls: failed,
    duplicated_writes: duplicatedWrites(emulator.stats).reduce((n, d) => n + d.count - 1, 0),
    accepted_per_window: acceptedPerWindow,
    load_average_1m: Number(loadavg()[0].toFixed(2))
  }
}

async function sdkVariant (run: string): Promise<Result> {
  const { emulator, ids } = await freshEmulator()
  try {
    const client = new IntercomClient({ token: emulator.token, baseUrl: emulator.url })
    return await drive('a-sdk', 'intercom-client (official SDK), default retries', emulator, ids, async (i, kind, id) => {
      if (kind === 'read') await client.contacts.find({ contact_id: id })
      else await client.contacts.create({ external_id: `${run}-sdk-${i}` })
      return true
    })
  } finally {
    await emulator.close()
  }
}

async function serviceVariant (variant: string, description: string, replicas: number, run: string, extraEnv: Record<string, string>): Promise<Result> {
  const { emulator, ids } = await freshEmulator()
  const started: Replica[] = []
  try {
    for (let r = 0; r < replicas; r++) {
      started.push(await startReplica({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url, ...extraEnv }))
    }
    const pools = started.map((s) => new Pool(s.url, { connections: CONCURRENCY }))
    try {
      return await drive(variant, description, emulator, ids, async (i, kind, id) => {
        const pool = pools[i % pools.length]
        const res = kind === 'read'
          ? await pool.request({ method: 'GET', path: `/contacts/${id}` })
          : await pool.request({ method: 'POST', path: '/contacts', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ external_id: `${run}-${variant}-${i}` }) })
        await res.body.dump()
        return res.statusCode === 200
      })
    } finally {
      await Promise.all(pools.map((p) => p.close()))
    }
  } finally {
    await stopReplicas(started)
    await emulator.close()
  }
}

function table (results: Result[]): string {
  const head = '| variant | total time | ideal | time ÷ ideal | upstream 429s | quota use (windows) | quota use (elapsed) | failed calls | duplicated writes | load avg |'
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  const rows = results.map((r) => `| ${r.variant} (${r.description}) | ${(r.total_ms / 1000).toFixed(2)} s | ${(r.ideal_ms / 1000).toFixed(2)} s | ${r.time_vs_ideal} | ${r.upstream_429s} | ${r.quota_use_pct}% | ${r.quota_use_elapsed_pct}% | ${r.failed_calls} | ${r.duplicated_writes} | ${r.load_average_1m} |`)
  return [head, sep, ...rows].join('\n')
}

const run = Date.now().toString(36)
const results: Result[] = []
process.stdout.write(`rate-limit benchmark: ${CALLS} calls (${READ_SHARE * 100}% reads), ${CONCURRENCY} concurrent callers, emulator limit ${LIMIT}/s\n`)
const only = (process.env.BENCH_VARIANTS ?? 'a,b,c,sync,retry').split(',')
if (only.includes('a')) results.push(await sdkVariant(run))
if (only.includes('b')) results.push(await serviceVariant('b-service', 'this service, 1 replica', 1, run, {}))
const redis = only.includes('c') ? await throwawayRedis() : undefined
if (redis !== undefined) {
  try {
    results.push(await serviceVariant('c-service-x3', 'this service, 3 replicas sharing Redis, round-robin', 3, run, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `bench-${run}:`, REDIS_FALLBACK_SHARE: '0.33' }))
  } finally {
    redis.stop()
  }
} else if (only.includes('c')) {
  process.stdout.write('variant (c) skipped: no REDIS_URL and no redis-server on PATH (apt-get install redis-server)\n')
}
await mkdir(new URL('../results/', import.meta.url), { recursive: true })
if (results.length > 0) {
  await writeFile(new URL('../results/ratelimit.json', import.meta.url), JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(`${table(results)}\n\nwritten to bench/results/ratelimit.json\n`)
}

// Idempotency-Key and known contact ids (bench/ratelimit/idempotency.ts).
const scenario = { concurrency: CONCURRENCY, limit: LIMIT, run }
const more: IdempotencyResult[] = []
if (only.includes('sync')) {
  more.push(await syncScenario(scenario, false))
  more.push(await syncScenario(scenario, true))
}
if (only.includes('retry')) {
  more.push(await retryScenario(scenario, true))
  more.push(await retryScenario(scenario, false))
}
if (more.length > 0) {
  await writeFile(new URL('../results/ratelimit-idempotency.json', import.meta.url), JSON.stringify(more, null, 2) + '\n')
  process.stdout.write(`\n${idempotencyTable(more)}\n\nwritten to bench/results/ratelimit-idempotency.json\n`)
}
