/**
 * `npm run bench`: the side-by-side benchmark (issue 6). In one process tree on loopback it starts
 * the fake Intercom (bench/upstream.ts), the service as production runs it (`node dist/src/server.js`,
 * built by `npm run build` first) pointed at it, a second service at `LOG_LEVEL=info`, the
 * @fastify/reply-from baseline (bench/baseline.ts), the plain undici pipe that is the floor of any hop (bench/pipe.ts, get-contact and search-10) and autocannon in its own process
 * (bench/load.ts). Each scenario runs its variants in rounds, the order alternating between rounds,
 * after one warm-up run per variant that is not recorded; medians are reported.
 *
 * Writes `bench/results/<scenario>.json` and `bench/RESULTS.md`, prints the table, and exits 1 if
 * any request errored (connection error, timeout or non-2xx answer) or any sanity check failed.
 *
 * Environment knobs (for iterating; the defaults are what RESULTS.md reports):
 * `BENCH_ROUNDS` (3), `BENCH_DURATION_S` (3), `BENCH_WARMUP_S` (1), `BENCH_SCENARIOS` (comma list,
 * default all), `BENCH_VARIANTS` (comma list of variant names, default all), `BENCH_PROFILE=1` (the service runs with `--cpu-prof` into bench/profiles/),
 * `BENCH_SERVICE_ENV` (extra `K=V,K=V` for the service, e.g. `UPSTREAM_CONNECTIONS=64`),
 * `BENCH_NO_WRITE=1` (print only; keep RESULTS.md and results/ as they are),
 * `BENCH_COMPARE=<dir>` (A/B a lever: also start `<dir>/src/server.js`, another build, and run a
 * `[B]` twin of every service variant against it, side by side in the same rounds; give the same
 * `dist` and `BENCH_COMPARE_ENV=K=V,...` to A/B a setting instead).
 */
import { fork, spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { once } from 'node:events'
import { freePort } from '../scripts/free-port.js'
import { createServer as createHttpServer } from 'node:http'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadJob, LoadRequest, LoadResult } from './load.js'

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
const ROOT = join(BENCH_DIR, '..')
const RESULTS_DIR = join(BENCH_DIR, 'results')
const PROFILE_DIR = join(BENCH_DIR, 'profiles')

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3)
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 1)
const ONLY = process.env.BENCH_SCENARIOS?.split(',').filter(Boolean)
const ONLY_VARIANTS = process.env.BENCH_VARIANTS?.split(',').filter(Boolean)
const PROFILE = process.env.BENCH_PROFILE === '1'
const NO_WRITE = process.env.BENCH_NO_WRITE === '1' || process.env.BENCH_COMPARE !== undefined
const COMPARE = process.env.BENCH_COMPARE
const TOKEN = 'bench-token'

/** Which process serves a variant. */
type Target = 'direct' | 'reply-from' | 'pipe' | 'service' | 'service-info' | 'service-traced' | 'service-b'

interface Variant {
  name: string
  target: Target
  requests: LoadRequest[]
  /** Calls per operation (2 for a caller doing search + update itself); throughput is in operations. */
  callsPerOp?: number
  /** Checks one answer (the last of the sequence) before the run; returns an error message or undefined. */
  check?: (body: any) => string | undefined
}

interface Scenario {
  name: string
  title: string
  connections: number
  variants: Variant[]
}

interface RoundResult extends LoadResult {
  opsPerS: number
  /** CPU time of the serving process per request, microseconds (null for direct). */
  cpuUsPerReq: number | null
}

const CONTACT_ID = '6762f0dd1bb69f9f2193bb01'
const UPSERT_ID = '6762f0dd1bb69f9f2193bb00'

const isContact = (b: any): string | undefined => (b?.type === 'contact' && typeof b.id === 'string' ? undefined : 'not a contact')
const hasContacts = (n: number, key = 'data') => (b: any): string | undefined =>
  (Array.isArray(b?.[key]) && b[key].length === n ? undefined : `expected ${n} contacts in ${key}`)

/** The plain undici pipe (bench/pipe.ts) sent what the passthrough variant is sent. */
const plainPipe = (request: LoadRequest, check: Variant['check']): Variant => ({ name: 'plain pipe', target: 'pipe', requests: [request], check })

function searchVariants (n: number): Variant[] {
  const intercom = JSON.stringify({ query: { field: 'role', operator: '=', value: 'user' }, pagination: { per_page: n } })
  const facade = JSON.stringify({ field: 'role', operator: '=', value: 'user', per_page: n })
  return [
    { name: 'direct', target: 'direct', requests: [{ method: 'POST', path: '/contacts/search', body: intercom }], check: hasContacts(n) },
    { name: 'reply-from', target: 'reply-from', requests: [{ method: 'POST', path: '/contacts/search', body: intercom }], check: hasContacts(n) },
    ...(n === 10 ? [plainPipe({ method: 'POST', path: '/intercom/contacts/search', body: intercom }, hasContacts(n))] : []),
    { name: 'passthrough', target: 'service', requests: [{ method: 'POST', path: '/intercom/contacts/search', body: intercom }], check: hasContacts(n) },
    {
      name: 'facade',
      target: 'service',
      requests: [{ method: 'POST', path: '/contacts/search', body: facade }],
      check: (b) => hasContacts(n)(b) ?? (typeof b.next_cursor === 'string' && b.total_count === 10_000 ? undefined : 'not a normalised page')
    }
  ]
}

function getVariants (withInfo: boolean): Variant[] {
  const out: Variant[] = [
    { name: 'direct', target: 'direct', requests: [{ method: 'GET', path: `/contacts/${CONTACT_ID}` }], check: isContact },
    { name: 'reply-from', target: 'reply-from', requests: [{ method: 'GET', path: `/contacts/${CONTACT_ID}` }], check: isContact },
    ...(withInfo ? [plainPipe({ method: 'GET', path: `/intercom/contacts/${CONTACT_ID}` }, isContact)] : []),
    { name: 'passthrough', target: 'service', requests: [{ method: 'GET', path: `/intercom/contacts/${CONTACT_ID}` }], check: isContact },
    { name: 'facade', target: 'service', requests: [{ method: 'GET', path: `/contacts/${CONTACT_ID}` }], check: isContact }
  ]
  if (withInfo) {
    out.push({ name: 'facade (LOG_LEVEL=info)', target: 'service-info', requests: [{ method: 'GET', path: `/contacts/${CONTACT_ID}` }], check: isContact })
    out.push({ name: 'facade (traced)', target: 'service-traced', requests: [{ method: 'GET', path: `/contacts/${CONTACT_ID}` }], check: isContact })
  }
  return out
}

function upsertVariants (): Variant[] {
  const email = 'user0@example.com'
  const update = JSON.stringify({ email, name: 'Bench Upsert' })
  const sequence: LoadRequest[] = [
    { method: 'POST', path: '/contacts/search', body: JSON.stringify({ query: { field: 'email', operator: '=', value: email }, pagination: { per_page: 5 } }) },
    { method: 'PUT', path: `/contacts/${UPSERT_ID}`, body: update }
  ]
  return [
    { name: 'direct (2 calls)', target: 'direct', requests: sequence, callsPerOp: 2, check: isContact },
    { name: 'reply-from (2 calls)', target: 'reply-from', requests: sequence, callsPerOp: 2, check: isContact },
    { name: 'facade', target: 'service', requests: [{ method: 'POST', path: '/contacts/upsert', body: update }], check: (b) => (b?.action === 'updated' && b.contact?.type === 'contact' ? undefined : 'not an update') },
    { name: 'facade (traced)', target: 'service-traced', requests: [{ method: 'POST', path: '/contacts/upsert', body: update }], check: (b) => (b?.action === 'updated' && b.contact?.type === 'contact' ? undefined : 'not an update') }
  ]
}

const SCENARIOS: Scenario[] = [
  { name: 'get-contact', title: 'GET /contacts/{id} (1.6 KB contact), 50 connections', connections: 50, variants: getVariants(true) },
  { name: 'search-10', title: 'POST /contacts/search, 10 contacts (16 KB), 50 connections', connections: 50, variants: searchVariants(10) },
  { name: 'search-150', title: 'POST /contacts/search, 150 contacts (244 KB), 50 connections', connections: 50, variants: searchVariants(150) },
  { name: 'upsert', title: 'POST /contacts/upsert (search + update), 50 connections; throughput in upserts/s', connections: 50, variants: upsertVariants() },
  { name: 'get-contact-c10', title: 'GET /contacts/{id}, 10 connections', connections: 10, variants: getVariants(false).filter((v) => v.name === 'reply-from' || v.name === 'facade') },
  { name: 'get-contact-c200', title: 'GET /contacts/{id}, 200 connections', connections: 200, variants: getVariants(false).filter((v) => v.name === 'reply-from' || v.name === 'facade') }
]

// ---------------------------------------------------------------------------------------------
// Processes

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100 } catch { return 100 }
})()

/** CPU time (user + system) a process has used so far, microseconds, from /proc/<pid>/stat. */
function cpuTimeUs (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1e6
}

/** Peak resident set size (VmHWM) of a process, MB. */
function peakRssMb (pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Reset a process's VmHWM to its current RSS (Linux clear_refs 5); false when not permitted. */
function resetPeakRss (pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

const children: ChildProcess[] = []

/** An OTLP/HTTP endpoint that answers every export with 200 and keeps nothing (the traced variant's collector). */
async function startOtlpSink (): Promise<string> {
  const sink = createHttpServer((req, res) => {
    req.resume()
    req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }).end('{}') })
  })
  sink.listen(0, '127.0.0.1')
  await once(sink, 'listening')
  sink.unref()
  return `http://127.0.0.1:${(sink.address() as { port: number }).port}`
}

/** Fork a TypeScript child (through tsx) that sends `{ ready: true, ... }` when it is up. */
async function forkTs (file: string, env: Record<string, string>): Promise<{ child: ChildProcess, ready: any }> {
  const child = fork(join(BENCH_DIR, file), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  children.push(child)
  const [ready] = await Promise.race([
    once(child, 'message') as Promise<[any]>,
    once(child, 'exit').then(([code]) => { throw new Error(`${file} exited with ${code} before it was ready`) })
  ])
  return { child, ready }
}

/**
 * How production starts the service (`npm start`, the Dockerfile, docker-compose.yml): V8's young
 * generation at 2 x 8 MB (NODE_OPTIONS), its old generation growing to at most twice the live size
 * (`--heap-growing-percent=100`, a command-line flag: V8 refuses it in NODE_OPTIONS) and glibc's mmap
 * threshold fixed at 128 KB (bench/README.md). BENCH_SERVICE_ENV may override the environment (e.g.
 * `MALLOC_MMAP_THRESHOLD_=` to A/B it).
 */
const SERVICE_NODE_FLAGS = ['--heap-growing-percent=100']
const SERVICE_ENV = { MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=8' }

/** Start the built service (`dist/src/server.js`) against the fake upstream and wait for /healthz. */
async function startService (upstreamOrigin: string, logLevel: string, label: string, entry = join(ROOT, 'dist/src/server.js'), envVar = 'BENCH_SERVICE_ENV', plain = false): Promise<{ child: ChildProcess, port: number }> {
  const port = await freePort()
  const extra = Object.fromEntries((process.env[envVar] ?? '').split(',').filter(Boolean).map((kv) => {
    // Split on the first '=' only, so a value may hold one (NODE_OPTIONS=--max-semi-space-size=8).
    const at = kv.indexOf('=')
    return [kv.slice(0, at), kv.slice(at + 1)] as [string, string]
  }))
  const execArgv = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`] : []
  const child = spawn(process.execPath, [...(plain ? [] : SERVICE_NODE_FLAGS), ...execArgv, entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...(plain ? {} : SERVICE_ENV), INTERCOM_BASE_URL: upstreamOrigin, INTERCOM_ACCESS_TOKEN: TOKEN, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: logLevel, ...extra },
    // Logs go to a pipe, as under Docker, drained and dropped here: written (so their cost is paid) but not kept.
    stdio: ['ignore', 'pipe', 'inherit']
  })
  child.stdout?.resume()
  children.push(child)
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} during start-up`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`)
      await res.arrayBuffer()
      if (res.ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error('the service did not answer /healthz within 20 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { child, port }
}

// ---------------------------------------------------------------------------------------------
// Measuring

let loadChild: ChildProcess
let jobId = 0
function runLoad (origin: string, requests: LoadRequest[], connections: number, durationS: number): Promise<LoadResult> {
  const job: LoadJob = { id: ++jobId, origin, requests, connections, durationS }
  return new Promise((resolve, reject) => {
    const onMessage = (m: LoadResult & { error?: string }) => {
      if (m.id !== job.id) return
      loadChild.off('message', onMessage)
      if (m.error) reject(new Error(m.error))
      else resolve(m)
    }
    loadChild.on('message', onMessage)
    loadChild.send(job)
  })
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** One request (or sequence) per variant, answers checked, before anything is measured. */
async function sanityCheck (origin: string, v: Variant): Promise<string | undefined> {
  let body: unknown
  for (const r of v.requests) {
    const res = await fetch(origin + r.path, { method: r.method, body: r.body, headers: r.body === undefined ? {} : { 'content-type': 'application/json' } })
    const text = await res.text()
    if (res.status !== 200) return `${r.method} ${r.path} answered ${res.status}: ${text.slice(0, 200)}`
    body = JSON.parse(text)
  }
  return v.check?.(body)
}

interface VariantSummary {
  name: string
  target: Target
  rounds: RoundResult[]
  opsPerS: number
  p50Ms: number
  p99Ms: number
  cpuUsPerReq: number | null
  /** Median over rounds of this variant's throughput ÷ the baseline's in the same round. */
  ratioToReplyFrom: number | null
  ratioToDirect: number | null
  /** reply-from's CPU per request ÷ this variant's (above 1: this hop costs less CPU), from the medians. */
  cpuAdvantageToReplyFrom: number | null
  peakRssMb: number | null
  errors: number
}

async function runScenario (s: Scenario, origins: Record<Target, string>, pids: Partial<Record<Target, number>>): Promise<{ variants: VariantSummary[], failures: string[] }> {
  const failures: string[] = []
  for (const v of s.variants) {
    const problem = await sanityCheck(origins[v.target], v)
    if (problem !== undefined) failures.push(`${s.name} / ${v.name}: ${problem}`)
  }
  for (const pid of Object.values(pids)) if (pid !== undefined) resetPeakRss(pid)
  for (const v of s.variants) await runLoad(origins[v.target], v.requests, s.connections, WARMUP_S)

  const byVariant = new Map<string, RoundResult[]>(s.variants.map((v) => [v.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? s.variants : [...s.variants].reverse()
    for (const v of order) {
      const pid = v.target === 'direct' ? undefined : pids[v.target]
      const cpuBefore = pid !== undefined ? cpuTimeUs(pid) : 0
      const r = await runLoad(origins[v.target], v.requests, s.connections, DURATION_S)
      const cpuAfter = pid !== undefined ? cpuTimeUs(pid) : 0
      byVariant.get(v.name)!.push({
        ...r,
        opsPerS: r.completed / (v.callsPerOp ?? 1) / r.durationS,
        cpuUsPerReq: pid !== undefined && r.completed > 0 ? (cpuAfter - cpuBefore) / (r.completed / (v.callsPerOp ?? 1)) : null
      })
      process.stderr.write(`  ${s.name} round ${round + 1}/${ROUNDS} ${v.name}: ${Math.round(r.completed / (v.callsPerOp ?? 1) / r.durationS)} op/s, p99 ${r.p99Ms} ms${r.errors + r.non2xx > 0 ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : ''}\n`)
    }
  }

  const ratio = (name: string, base: string): number | null => {
    const mine = byVariant.get(name)!
    const theirs = byVariant.get(base)
    if (theirs === undefined || name === base) return null
    return median(mine.map((r, i) => r.opsPerS / theirs[i].opsPerS))
  }
  const baseOf = (prefix: string) => s.variants.find((v) => v.name.startsWith(prefix))?.name
  const replyFrom = baseOf('reply-from')
  const direct = baseOf('direct')
  const cpuOf = (name: string | undefined): number => (name === undefined ? NaN : median(byVariant.get(name)!.map((r) => r.cpuUsPerReq ?? NaN)))
  const variants = s.variants.map((v): VariantSummary => {
    const rounds = byVariant.get(v.name)!
    const errors = rounds.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0)
    if (errors > 0) failures.push(`${s.name} / ${v.name}: ${errors} failed requests (${JSON.stringify(rounds.map((r) => r.statusCodes))})`)
    const pid = v.target === 'direct' ? undefined : pids[v.target]
    return {
      name: v.name,
      target: v.target,
      rounds,
      opsPerS: median(rounds.map((r) => r.opsPerS)),
      p50Ms: median(rounds.map((r) => r.p50Ms)),
      p99Ms: median(rounds.map((r) => r.p99Ms)),
      cpuUsPerReq: pid !== undefined ? median(rounds.map((r) => r.cpuUsPerReq ?? NaN)) : null,
      ratioToReplyFrom: replyFrom !== undefined ? ratio(v.name, replyFrom) : null,
      ratioToDirect: direct !== undefined ? ratio(v.name, direct) : null,
      cpuAdvantageToReplyFrom: pid !== undefined && replyFrom !== undefined && v.name !== replyFrom ? cpuOf(replyFrom) / cpuOf(v.name) : null,
      peakRssMb: pid !== undefined ? peakRssMb(pid) : null,
      errors
    }
  })
  return { variants, failures }
}

// ---------------------------------------------------------------------------------------------
// Reporting

const f0 = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : Math.round(x).toLocaleString('en-US'))
const f1 = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(1))
const f2 = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}×`)

function table (results: Array<{ scenario: Scenario, variants: VariantSummary[] }>): string {
  const lines = [
    '| scenario | variant | req/s | × reply-from | × direct | p50 ms | p99 ms | proxy CPU µs/req | CPU: reply-from ÷ this | peak RSS MB | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const { scenario, variants } of results) {
    for (const v of variants) {
      lines.push(`| ${scenario.name} | ${v.name} | ${f0(v.opsPerS)} | ${f2(v.ratioToReplyFrom)} | ${f2(v.ratioToDirect)} | ${f1(v.p50Ms)} | ${f1(v.p99Ms)} | ${f0(v.cpuUsPerReq)} | ${f2(v.cpuAdvantageToReplyFrom)} | ${f0(v.peakRssMb)} | ${v.errors} |`)
    }
  }
  return lines.join('\n')
}

/** The issue's targets, checked against this run's figures (reported, never asserted). */
function targets (results: Array<{ scenario: Scenario, variants: VariantSummary[] }>): string {
  const find = (s: string, v: string) => results.find((r) => r.scenario.name === s)?.variants.find((x) => x.name === v)
  const lines = ['| target | measured | met |', '|---|---|---|']
  const add = (what: string, value: number | null | undefined, ok: (x: number) => boolean, fmt: (x: number) => string) => {
    if (value === undefined || value === null || !Number.isFinite(value)) return
    lines.push(`| ${what} | ${fmt(value)} | ${ok(value) ? 'yes' : '**no**'} |`)
  }
  add('passthrough GET ≥ 1.25× reply-from', find('get-contact', 'passthrough')?.ratioToReplyFrom, (x) => x >= 1.25, (x) => `${x.toFixed(2)}×`)
  add('facade GET /contacts/{id} ≥ 1.0× reply-from', find('get-contact', 'facade')?.ratioToReplyFrom, (x) => x >= 1.0, (x) => `${x.toFixed(2)}×`)
  add('facade search (16 KB) ≥ 0.9× reply-from', find('search-10', 'facade')?.ratioToReplyFrom, (x) => x >= 0.9, (x) => `${x.toFixed(2)}×`)
  add('(steadier) passthrough GET CPU/req: reply-from ÷ passthrough ≥ 1.25', find('get-contact', 'passthrough')?.cpuAdvantageToReplyFrom, (x) => x >= 1.25, (x) => `${x.toFixed(2)}×`)
  add('(steadier) facade GET CPU/req: reply-from ÷ facade ≥ 1.0', find('get-contact', 'facade')?.cpuAdvantageToReplyFrom, (x) => x >= 1.0, (x) => `${x.toFixed(2)}×`)
  add('(steadier) facade search (16 KB) CPU/req: reply-from ÷ facade ≥ 0.9', find('search-10', 'facade')?.cpuAdvantageToReplyFrom, (x) => x >= 0.9, (x) => `${x.toFixed(2)}×`)
  // What the service's features cost over the plain undici pipe (bench/pipe.ts), the floor of any hop under Fastify.
  for (const sc of ['get-contact', 'search-10']) {
    const pipe = find(sc, 'plain pipe')
    const mine = find(sc, 'passthrough')
    if (pipe?.cpuUsPerReq != null && mine?.cpuUsPerReq != null && pipe.ratioToReplyFrom != null) {
      lines.push(`| ${sc}: plain undici pipe, no features (reported, no target) | ${pipe.ratioToReplyFrom.toFixed(2)}× reply-from, ${pipe.cpuUsPerReq.toFixed(0)} µs/req; passthrough ${(mine.cpuUsPerReq - pipe.cpuUsPerReq).toFixed(0)} µs/req more | — |`)
    }
  }
  for (const sc of ['get-contact', 'upsert']) {
    const on = find(sc, 'facade (traced)')
    const off = find(sc, 'facade')
    if (on?.ratioToReplyFrom != null && off?.ratioToReplyFrom != null) {
      lines.push(`| ${sc}: tracing on ÷ off, throughput (reported, no target) | ${(on.ratioToReplyFrom / off.ratioToReplyFrom).toFixed(2)}× | — |`)
    }
  }
  const service = results.flatMap((r) => r.variants.filter((v) => v.target === 'service' || v.target === 'service-info'))
  add('peak RSS ≤ 150 MB (largest service figure)', Math.max(...service.map((v) => v.peakRssMb ?? 0)), (x) => x <= 150, (x) => `${x.toFixed(0)} MB`)
  add('zero errors', results.reduce((n, r) => n + r.variants.reduce((m, v) => m + v.errors, 0), 0), (x) => x === 0, (x) => String(x))
  for (const r of results.filter((r) => r.scenario.connections === 50 && r.scenario.name !== 'upsert')) {
    const base = r.variants.find((v) => v.name === 'reply-from')
    for (const v of r.variants.filter((x) => x.target === 'service')) {
      if (base) add(`${r.scenario.name} ${v.name}: p99 ≤ 2× reply-from's p99 (${base.p99Ms} ms)`, v.p99Ms / base.p99Ms, (x) => x <= 2, (x) => `${v.p99Ms} ms = ${x.toFixed(2)}×`)
    }
  }
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------

async function main (): Promise<number> {
  if (!existsSync(join(ROOT, 'dist/src/server.js'))) throw new Error('dist/src/server.js is missing: run `npm run build` first (npm run bench does)')
  const scenarios = SCENARIOS.filter((s) => ONLY === undefined || ONLY.includes(s.name))
    .map((s) => ({ ...s, variants: s.variants.filter((v) => ONLY_VARIANTS === undefined || ONLY_VARIANTS.includes(v.name)) }))
    .map((s) => COMPARE === undefined ? s : { ...s, variants: s.variants.flatMap((v) => v.target === 'service' ? [v, { ...v, name: `${v.name} [B]`, target: 'service-b' as const }] : [v]) })
  if (scenarios.length === 0) throw new Error(`BENCH_SCENARIOS matched nothing; known: ${SCENARIOS.map((s) => s.name).join(', ')}`)
  if (PROFILE) mkdirSync(PROFILE_DIR, { recursive: true })
  const startedAt = new Date()
  const load0 = loadavg()

  const upstream = await forkTs('upstream.ts', { PORT: '0' })
  const upstreamOrigin = `http://127.0.0.1:${upstream.ready.port}`
  const baseline = await forkTs('baseline.ts', { PORT: '0', UPSTREAM: upstreamOrigin })
  const needsPipe = scenarios.some((s) => s.variants.some((v) => v.target === 'pipe'))
  const pipe = needsPipe ? await forkTs('pipe.ts', { PORT: '0', UPSTREAM: upstreamOrigin }) : undefined
  const service = await startService(upstreamOrigin, process.env.BENCH_LOG_LEVEL ?? 'warn', 'service')
  const needsInfo = scenarios.some((s) => s.variants.some((v) => v.target === 'service-info'))
  const serviceInfo = needsInfo ? await startService(upstreamOrigin, 'info', 'service-info') : undefined
  // Tracing on (every request sampled), exporting by OTLP/HTTP to a sink in this process that answers 200 and drops the spans.
  const needsTraced = scenarios.some((s) => s.variants.some((v) => v.target === 'service-traced'))
  const otlpSink = needsTraced ? await startOtlpSink() : undefined
  if (otlpSink) process.env.BENCH_TRACED_ENV = `OTEL_EXPORTER_OTLP_ENDPOINT=${otlpSink},OTEL_TRACES_SAMPLER=always_on`
  const serviceTraced = needsTraced ? await startService(upstreamOrigin, process.env.BENCH_LOG_LEVEL ?? 'warn', 'service-traced', undefined, 'BENCH_TRACED_ENV') : undefined
  const serviceB = COMPARE !== undefined ? await startService(upstreamOrigin, process.env.BENCH_LOG_LEVEL ?? 'warn', 'service-b', join(COMPARE, 'src/server.js'), 'BENCH_COMPARE_ENV', process.env.BENCH_COMPARE_PLAIN === '1') : undefined
  loadChild = (await forkTs('load.ts', {})).child

  const origins: Record<Target, string> = {
    direct: upstreamOrigin,
    'reply-from': `http://127.0.0.1:${baseline.ready.port}`,
    pipe: pipe ? `http://127.0.0.1:${pipe.ready.port}` : '',
    service: `http://127.0.0.1:${service.port}`,
    'service-info': serviceInfo ? `http://127.0.0.1:${serviceInfo.port}` : '',
    'service-traced': serviceTraced ? `http://127.0.0.1:${serviceTraced.port}` : '',
    'service-b': serviceB ? `http://127.0.0.1:${serviceB.port}` : ''
  }
  const pids: Partial<Record<Target, number>> = { 'reply-from': baseline.child.pid, pipe: pipe?.child.pid, service: service.child.pid, 'service-info': serviceInfo?.child.pid, 'service-traced': serviceTraced?.child.pid, 'service-b': serviceB?.child.pid }

  const results: Array<{ scenario: Scenario, variants: VariantSummary[] }> = []
  const failures: string[] = []
  for (const s of scenarios) {
    process.stderr.write(`${s.name}: ${s.title}\n`)
    const r = await runScenario(s, origins, pids)
    results.push({ scenario: s, variants: r.variants })
    failures.push(...r.failures)
    if (!NO_WRITE && ONLY_VARIANTS === undefined) {
      mkdirSync(RESULTS_DIR, { recursive: true })
      writeFileSync(join(RESULTS_DIR, `${s.name}.json`), JSON.stringify({
        scenario: s.name,
        title: s.title,
        connections: s.connections,
        rounds: ROUNDS,
        durationS: DURATION_S,
        warmupS: WARMUP_S,
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        variants: r.variants
      }, null, 2) + '\n')
    }
  }

  const command = `npm run bench${ONLY ? ` (BENCH_SCENARIOS=${ONLY.join(',')})` : ''}${ONLY_VARIANTS ? ` (BENCH_VARIANTS=${ONLY_VARIANTS.join(',')})` : ''}`
  const md = [
    '# Benchmark results',
    '',
    `Command: \`${command}\` — ${ROUNDS} rounds × ${DURATION_S} s per variant (order alternating, one ${WARMUP_S} s warm-up each, not counted), medians.`,
    `Run ${startedAt.toISOString()}, Node ${process.version}, ${cpus().length} CPUs, load average at start ${load0.map((x) => x.toFixed(2)).join(' ')}` +
      ' (the machine is shared: absolute figures are noisy, compare the ratios). How to read this: bench/README.md.',
    '',
    table(results),
    '',
    '## Targets (issue 12)',
    '',
    targets(results),
    ''
  ].join('\n')
  process.stdout.write(`\n${md}\n`)
  if (!NO_WRITE && ONLY === undefined && ONLY_VARIANTS === undefined) writeFileSync(join(BENCH_DIR, 'RESULTS.md'), md)
  if (failures.length > 0) {
    process.stderr.write(`\nFAILED:\n${failures.map((f) => `  ${f}`).join('\n')}\n`)
    return 1
  }
  return 0
}

async function stopAll (): Promise<void> {
  await Promise.all(children.map(async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }))
}

let code = 1
try {
  code = await main()
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`)
} finally {
  await stopAll()
}
process.exit(code)
