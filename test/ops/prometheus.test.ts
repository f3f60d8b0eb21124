/**
 * deploy/prometheus/ checked by a real Prometheus (Debian's `prometheus` and `promtool`, installed
 * by `npm test` when missing): the service runs on a loopback port over the seeded emulator, a
 * Prometheus scrapes it every second and evaluates the shipped rules.yml every second.
 * - the target is up, and every metric the rules use is one the service exposes;
 * - `promtool check config`, `check rules` and `test rules` (rules.test.yml: every alert, past its
 *   `for:`) pass on the shipped files;
 * - Intercom answering 503 (emulator fault injection) and /readyz failing make IntercomErrorRateHigh
 *   and FacadeNotReady pending in /api/v1/alerts.
 */
import { t as tap, test, type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import YAML from 'yaml'
import { build } from '../helper.js'
import { SEED_IDS } from '../../src/emulator/seed.js'
import { freePort } from '../../scripts/free-port.js'
import { locate, TOOLS } from '../../scripts/system-deps.js'
import { startProcess, waitFor } from './processes.js'

tap.setTimeout(120_000)

const DEPLOY = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url))
const RULES = join(DEPLOY, 'rules.yml')
const PROMETHEUS = locate(TOOLS.prometheus)
const PROMTOOL = locate(TOOLS.promtool)

/**
 * Metrics the rules use that another part of the service defines once merged (the webhook
 * deliveries); listed so this test names them instead of failing on their absence here.
 */
const DEFINED_ELSEWHERE = new Set(['intercom_webhook_deliveries_total', 'intercom_webhook_delivery_lag_seconds'])

interface Rule { alert?: string, record?: string, expr: string, for?: string }
const groups = (YAML.parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups

/** The metric names a PromQL expression selects (label matchers, grouping clauses and functions removed). */
function metricNames (expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
  const names = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].filter((m) => m[2] === undefined).map((m) => m[1])
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'le', 'inf', 'nan'])
  return [...new Set(names.filter((n) => !keywords.has(n.toLowerCase()) && !n.includes(':') && !/^\d/.test(n)))]
    .map((n) => n.replace(/_(bucket|sum|count)$/, ''))
}

/** A Prometheus on a free loopback port scraping `target` and evaluating rules.yml, every second. */
async function prometheus (t: Test, target: string): Promise<(path: string) => Promise<any>> {
  const dir = mkdtempSync(join(tmpdir(), 'facade-prometheus-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [RULES],
    scrape_configs: [{ job_name: 'intercom-facade', metrics_path: '/metrics', static_configs: [{ targets: [target] }] }]
  }
  writeFileSync(join(dir, 'prometheus.yml'), YAML.stringify(config))
  const port = await freePort()
  const proc = startProcess(t, PROMETHEUS!, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn'
  ])
  const api = async (path: string): Promise<any> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`)
    const body = await res.json() as { status: string, data: unknown, error?: string }
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`)
    return body.data
  }
  await waitFor('Prometheus to be ready', async () => {
    if (proc.child.exitCode !== null) throw new Error(`prometheus exited with ${proc.child.exitCode}: ${proc.output()}`)
    const res = await fetch(`http://127.0.0.1:${port}/-/ready`)
    await res.arrayBuffer()
    return res.ok ? true : undefined
  })
  return api
}

/** The app over the seeded emulator on a loopback port: one attempt per call, readiness never cached. */
async function service (t: Test) {
  const built = await build(t, { emulator: { seed: true }, env: { RETRY_MAX_ATTEMPTS: '1', READINESS_CACHE_MS: '0' } })
  await built.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = built.app.server.address() as { port: number }
  return { ...built, origin: `http://127.0.0.1:${port}`, target: `127.0.0.1:${port}` }
}

function needs (t: Test): boolean {
  if (PROMETHEUS === undefined || PROMTOOL === undefined) {
    t.fail(`Prometheus is not installed: ${TOOLS.prometheus.install}`)
    return false
  }
  return true
}

test('promtool: the shipped prometheus.yml and rules.yml are valid, and every alert fires past its for: in rules.test.yml', async (t) => {
  if (!needs(t)) return
  for (const args of [['check', 'config', join(DEPLOY, 'prometheus.yml')], ['check', 'rules', RULES], ['test', 'rules', join(DEPLOY, 'rules.test.yml')]]) {
    const r = spawnSync(PROMTOOL!, args, { encoding: 'utf8' })
    t.equal(r.status, 0, `promtool ${args.slice(0, 2).join(' ')} passes${r.status === 0 ? '' : `:\n${r.stdout}${r.stderr}`}`)
  }
  const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined).map((r) => r.alert!)
  const tested = new Set([...readFileSync(join(DEPLOY, 'rules.test.yml'), 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]))
  t.same(alerts.filter((a) => !tested.has(a)), [], 'rules.test.yml tests every alert')
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  t.same(alerts.filter((a) => !readme.includes(`**${a}**`)), [], 'the README\'s Operations section has a runbook line for every alert')
})

test('Prometheus scrapes the service: the target is up and the metrics the rules use are there', async (t) => {
  if (!needs(t)) return
  const svc = await service(t)
  // Traffic, so the labelled series exist: a facade read, a readiness probe.
  t.equal((await fetch(`${svc.origin}/contacts/${SEED_IDS.ada}`)).status, 200)
  t.equal((await fetch(`${svc.origin}/readyz`)).status, 200)
  const api = await prometheus(t, svc.target)

  const target = await waitFor('the target to be scraped', async () => {
    const { activeTargets } = await api('/api/v1/targets?state=active') as { activeTargets: Array<{ health: string, labels: Record<string, string>, lastError: string }> }
    return activeTargets.find((x) => x.health === 'up')
  })
  t.match(target.labels, { job: 'intercom-facade', instance: svc.target }, 'the service is a target of job intercom-facade, and up')
  const up = await api(`/api/v1/query?query=${encodeURIComponent('up{job="intercom-facade"}')}`) as { result: Array<{ value: [number, string] }> }
  t.equal(up.result[0]?.value[1], '1', 'up == 1')

  const names = new Set(await api('/api/v1/label/__name__/values') as string[])
  for (const name of ['http_requests_total', 'http_request_duration_seconds_bucket', 'intercom_requests_total', 'intercom_request_duration_seconds_bucket', 'intercom_rate_limit_remaining', 'intercom_rate_limit_limit', 'intercom_rate_budget_fallback', 'intercom_facade_ready', 'process_resident_memory_bytes']) {
    t.ok(names.has(name), `${name} is scraped`)
  }
  // Metadata (# HELP / # TYPE) covers metrics with no sample yet (the queue, retries).
  const metadata = await api('/api/v1/metadata') as Record<string, unknown>
  const used = [...new Set(groups.flatMap((g) => g.rules).flatMap((r) => metricNames(r.expr)))].filter((n) => n !== 'up')
  t.ok(used.length >= 8, `the rules use ${used.join(', ')}`)
  const missing = used.filter((n) => metadata[n] === undefined && !DEFINED_ELSEWHERE.has(n))
  t.same(missing, [], 'every metric the rules use is exposed by the service')
  const ready = await api(`/api/v1/query?query=intercom_facade_ready`) as { result: Array<{ value: [number, string] }> }
  t.equal(ready.result[0]?.value[1], '1', 'intercom_facade_ready is 1 after a 200 from /readyz')
})

test('Intercom answering 503 and /readyz failing make IntercomErrorRateHigh and FacadeNotReady pending', async (t) => {
  if (!needs(t)) return
  const svc = await service(t)
  const api = await prometheus(t, svc.target)
  svc.emulator.fault({ method: 'GET', path: `/contacts/${SEED_IDS.ada}`, status: 503, times: Infinity })
  svc.emulator.fault({ method: 'GET', path: '/me', status: 500, times: Infinity })

  const pending = new Map<string, { state: string, annotations: Record<string, string> }>()
  const reads = new Set<number>()
  const probes = new Set<number>()
  await waitFor('both alerts to be pending', async () => {
    // A steady trickle of failing calls and probes while Prometheus scrapes: rate() needs the
    // counter to rise between two scrapes.
    reads.add((await fetch(`${svc.origin}/contacts/${SEED_IDS.ada}`)).status)
    probes.add((await fetch(`${svc.origin}/readyz`)).status)
    const { alerts } = await api('/api/v1/alerts') as { alerts: Array<{ labels: Record<string, string>, state: string, annotations: Record<string, string> }> }
    for (const a of alerts) pending.set(a.labels.alertname, a)
    return pending.has('IntercomErrorRateHigh') && pending.has('FacadeNotReady') ? true : undefined
  }, 60_000, 250)
  t.same([...reads], [502], 'every read answered 502 (Intercom\'s 503, upstream fault)')
  t.same([...probes], [503], 'every probe answered 503 while identifyAdmin failed')
  t.equal(pending.get('IntercomErrorRateHigh')?.state, 'pending', 'IntercomErrorRateHigh is pending (for: 5m not yet passed)')
  t.match(pending.get('IntercomErrorRateHigh')?.annotations, { summary: /% of Intercom calls end in a 5xx/, runbook: /README\.md#operations/ })
  t.equal(pending.get('FacadeNotReady')?.state, 'pending', 'FacadeNotReady is pending')
})
