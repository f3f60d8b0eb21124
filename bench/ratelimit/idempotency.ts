/**
 * The Idempotency-Key and known-contact-id scenarios of `npm run bench:ratelimit`, each on a fresh
 * emulator limited to LIMIT requests/s (fixed 1 s windows), 20 concurrent callers:
 *
 * - sync: 1,000 `POST /contacts/upsert` over 500 distinct new contacts (each twice, in a seeded
 *   shuffle), against one replica: `sync-baseline` with the mapping off (CONTACT_ID_CACHE_TTL_MS=0,
 *   today's find-then-write flow, 2 calls per upsert) and `sync` with it on (an upsert of a contact
 *   seen before is one UpdateContact). Reports Intercom calls per upsert, total time vs the ideal
 *   (the calls made ÷ the limit), duplicate contacts and failed upserts.
 * - retry: 300 `POST /contacts` creates (each with its own external_id). Every 10th create that
 *   reaches the emulator is applied and then answered 500 (the answer says nothing of the write).
 *   `retry-sdk`: the official SDK (`intercom-client`) retrying on its own (408/429/5xx, twice);
 *   `retry-service`: this service, the caller sending an Idempotency-Key and retrying each failed
 *   call once with it. Reports duplicated writes (a write that reached the emulator's handler more
 *   than once), duplicate contacts and failed calls.
 *
 * The "every 10th" counter sits on the emulator's request record (`requests.push`), which the
 * emulator calls before it consults its faults, so the fault added there hits that very request.
 */
import { loadavg } from 'node:os'
import { Pool } from 'undici'
import { IntercomClient } from 'intercom-client'
import { duplicatedWrites, startEmulator, type Emulator, type RecordedRequest } from '../../src/emulator/index.js'
import { startReplica, stopReplicas } from './replica.js'

/** What every rate-limit bench scenario reports (this file's and run.ts's). */
export interface ScenarioFigures {
  variant: string
  description: string
  calls: number
  concurrency: number
  limit_per_s: number
  total_ms: number
  /** Intercom calls accepted ÷ the limit: the shortest time the rate limit allows for them. */
  ideal_ms: number
  time_vs_ideal: number
  /** Calls Intercom accepted (429s not included). */
  upstream_calls: number
  upstream_429s: number
  failed_calls: number
  /** Writes that reached the emulator's handler more than once (same method, path and body). */
  duplicated_writes: number
  /** The machine's 1-minute load average when the variant ran (the benchmark shares the CPU). */
  load_average_1m: number
}

/** One idempotency scenario's figures. */
export interface IdempotencyResult extends ScenarioFigures {
  upstream_calls_per_call: number
  /** Contacts beyond one per external_id. */
  duplicate_contacts: number
  /** Answers lost on purpose (retry scenario). */
  faults_injected: number
  /** Caller retries sent (retry-service). */
  caller_retries: number
}

/** Options shared with run.ts. */
export interface ScenarioOptions { concurrency: number, limit: number, run: string }

/** A deterministic shuffle (mulberry32), so every run sends the same order. */
function shuffled<T> (items: T[], seed: number): T[] {
  let a = seed >>> 0
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

async function freshEmulator (limit: number): Promise<{ emulator: Emulator, seeded: string }> {
  const emulator = await startEmulator({ rateLimit: { limit, windowMs: 1000 }, maxRecords: 100, validate: false })
  const seeded = emulator.store.createContact({ external_id: 'warm-up', role: 'user' }).id
  emulator.resetRecords()
  return { emulator, seeded }
}

/** Warm the path with a few reads, then start on a fresh rate-limit window with zeroed counters. */
async function warmUp (emulator: Emulator, read: () => Promise<unknown>): Promise<void> {
  await Promise.all(Array.from({ length: 30 }, async () => read().catch(() => undefined)))
  await new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1000)))
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1000)))
  emulator.resetRecords()
}

/** Run `count` operations over `concurrency` callers; answers the failures and the elapsed ms. */
async function drive (count: number, concurrency: number, op: (i: number) => Promise<boolean>): Promise<{ failed: number, totalMs: number }> {
  let next = 0
  let failed = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++
      try {
        if (!(await op(i))) failed++
      } catch {
        failed++
      }
    }
  }))
  return { failed, totalMs: performance.now() - started }
}

function duplicateContacts (emulator: Emulator): number {
  const perExternalId = new Map<string, number>()
  for (const c of emulator.store.contacts.values()) {
    if (c.external_id != null) perExternalId.set(c.external_id, (perExternalId.get(c.external_id) ?? 0) + 1)
  }
  return [...perExternalId.values()].reduce((n, k) => n + k - 1, 0)
}

function result (variant: string, description: string, calls: number, opts: ScenarioOptions, emulator: Emulator, failed: number, totalMs: number, extra: { faults: number, retries: number }): IdempotencyResult {
  const accepted = emulator.stats.accepted
  const idealMs = (accepted / opts.limit) * 1000
  return {
    variant,
    description,
    calls,
    concurrency: opts.concurrency,
    limit_per_s: opts.limit,
    total_ms: Math.round(totalMs),
    ideal_ms: Math.round(idealMs),
    time_vs_ideal: Number((totalMs / idealMs).toFixed(3)),
    upstream_calls: accepted,
    upstream_429s: emulator.stats.refused429,
    upstream_calls_per_call: Number((accepted / calls).toFixed(3)),
    failed_calls: failed,
    duplicated_writes: duplicatedWrites(emulator.stats).reduce((n, d) => n + d.count - 1, 0),
    duplicate_contacts: duplicateContacts(emulator),
    faults_injected: extra.faults,
    caller_retries: extra.retries,
    load_average_1m: Number(loadavg()[0].toFixed(2))
  }
}

/** The sync scenario on one replica; `mapping` false = CONTACT_ID_CACHE_TTL_MS=0 (today's flow). */
export async function syncScenario (opts: ScenarioOptions, mapping: boolean): Promise<IdempotencyResult> {
  const CONTACTS = 500
  const plan = shuffled([...Array.from({ length: CONTACTS }, (_, k) => k), ...Array.from({ length: CONTACTS }, (_, k) => k)], 14)
  const { emulator, seeded } = await freshEmulator(opts.limit)
  const replicas = [await startReplica({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url, ...(mapping ? {} : { CONTACT_ID_CACHE_TTL_MS: '0' }) })]
  const pool = new Pool(replicas[0].url, { connections: opts.concurrency })
  try {
    await warmUp(emulator, async () => (await pool.request({ method: 'GET', path: `/contacts/${seeded}` })).body.dump())
    const { failed, totalMs } = await drive(plan.length, opts.concurrency, async (i) => {
      const res = await pool.request({ method: 'POST', path: '/contacts/upsert', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ external_id: `${opts.run}-sync-${plan[i]}`, name: `upsert ${i}` }) })
      await res.body.dump()
      return res.statusCode === 200
    })
    const variant = mapping ? 'sync' : 'sync-baseline'
    const description = mapping ? '1,000 upserts of 500 contacts, known ids (1 call for a known contact)' : '1,000 upserts of 500 contacts, ids not kept (CONTACT_ID_CACHE_TTL_MS=0: find, then write)'
    return result(variant, description, plan.length, opts, emulator, failed, totalMs, { faults: 0, retries: 0 })
  } finally {
    await pool.close()
    await stopReplicas(replicas)
    await emulator.close()
  }
}

/** Answer every 10th POST /contacts reaching the emulator with 500 after applying it; answers the count so far. */
function faultEveryTenthCreate (emulator: Emulator): () => number {
  let creates = 0
  let faults = 0
  const requests = emulator.requests
  const push = requests.push.bind(requests)
  requests.push = (...items: RecordedRequest[]): number => {
    for (const r of items) {
      if (r.method === 'POST' && r.path === '/contacts' && ++creates % 10 === 0) {
        faults++
        emulator.fault({ method: 'POST', path: '/contacts', applied: true, status: 500 })
      }
    }
    return push(...items)
  }
  return () => faults
}

/** The caller-retry scenario: `sdk` = intercom-client retrying on its own, else the service with Idempotency-Key. */
export async function retryScenario (opts: ScenarioOptions, sdk: boolean): Promise<IdempotencyResult> {
  const CREATES = 300
  const { emulator, seeded } = await freshEmulator(opts.limit)
  const replicas = sdk ? [] : [await startReplica({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url })]
  const pool = sdk ? undefined : new Pool(replicas[0].url, { connections: opts.concurrency })
  const client = new IntercomClient({ token: emulator.token, baseUrl: emulator.url })
  let retries = 0
  try {
    const read = sdk
      ? async () => client.contacts.find({ contact_id: seeded })
      : async () => (await pool!.request({ method: 'GET', path: `/contacts/${seeded}` })).body.dump()
    await warmUp(emulator, read)
    const faults = faultEveryTenthCreate(emulator)
    const { failed, totalMs } = await drive(CREATES, opts.concurrency, async (i) => {
      const externalId = `${opts.run}-retry-${sdk ? 'sdk' : 'svc'}-${i}`
      if (sdk) {
        await client.contacts.create({ external_id: externalId })
        return true
      }
      const send = async (): Promise<number> => {
        const res = await pool!.request({ method: 'POST', path: '/contacts', headers: { 'content-type': 'application/json', 'idempotency-key': `create-${externalId}` }, body: JSON.stringify({ role: 'user', external_id: externalId }) })
        await res.body.dump()
        return res.statusCode
      }
      if ((await send()) === 200) return true
      retries++
      return (await send()) === 200
    })
    const variant = sdk ? 'retry-sdk' : 'retry-service'
    const description = sdk ? '300 creates, every 10th applied then answered 500; intercom-client retrying on its own' : '300 creates, every 10th applied then answered 500; the caller retries once with its Idempotency-Key'
    return result(variant, description, CREATES, opts, emulator, failed, totalMs, { faults: faults(), retries })
  } finally {
    await pool?.close()
    await stopReplicas(replicas)
    await emulator.close()
  }
}

/** The markdown table of these results. */
export function idempotencyTable (results: IdempotencyResult[]): string {
  const head = '| variant | total time | ideal | time ÷ ideal | Intercom calls per call | upstream 429s | faults | caller retries | failed calls | duplicated writes | duplicate contacts | load avg |'
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  const rows = results.map((r) => `| ${r.variant} (${r.description}) | ${(r.total_ms / 1000).toFixed(2)} s | ${(r.ideal_ms / 1000).toFixed(2)} s | ${r.time_vs_ideal} | ${r.upstream_calls_per_call} | ${r.upstream_429s} | ${r.faults_injected} | ${r.caller_retries} | ${r.failed_calls} | ${r.duplicated_writes} | ${r.duplicate_contacts} | ${r.load_average_1m} |`)
  return [head, sep, ...rows].join('\n')
}
