/**
 * Graceful shutdown under load, on the real entry (src/server.ts) in a child process, over an
 * emulator that answers slowly: SIGTERM while N requests are in flight → /readyz 503 during the
 * drain, new connections refused once the listener closes, all N answered 200, exit code 0 (a drain
 * past SHUTDOWN_TIMEOUT_MS would exit 1).
 */
import { t as tap, test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, Pool } from 'undici'
import { startEmulator } from '../src/emulator/index.js'
import { seedContact } from './helper.js'
import { cleanup, uniquePrefix } from './upstream/redis-helper.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

const IN_FLIGHT = 20
// Long enough that, on a loaded machine, the probes meet the closed listener before the first of
// the in-flight requests (their arrivals can spread over seconds) is answered.
const UPSTREAM_DELAY_MS = 15_000

test('SIGTERM under load: readiness 503 first, new connections refused, every in-flight request answered 200, exit 0', async (t) => {
  const emulator = await startEmulator()
  t.teardown(() => emulator.close())
  const contact = await seedContact(emulator, { external_id: 'shutdown-1', email: 'drain@example.com' })

  const server = fileURLToPath(new URL('../src/server.ts', import.meta.url))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    INTERCOM_ACCESS_TOKEN: emulator.token,
    INTERCOM_BASE_URL: emulator.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '30000',
    SHUTDOWN_DRAIN_DELAY_MS: '300',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10',
    // A REDIS_URL the run has is inherited: its keys go under a prefix of this run's, deleted after.
    REDIS_KEY_PREFIX: uniquePrefix()
  }
  t.teardown(async () => { if (env.REDIS_URL) await cleanup(env.REDIS_URL, env.REDIS_KEY_PREFIX!) })
  const child = spawn(process.execPath, ['--import', 'tsx', server], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const exited = once(child, 'exit')
  const lines: Array<Record<string, any>> = []
  const waiters: Array<{ re: RegExp, resolve: (line: Record<string, any>) => void }> = []
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const entry = JSON.parse(text)
    lines.push(entry)
    for (const w of waiters) if (w.re.test(entry.msg ?? '')) w.resolve(entry)
  })
  const logged = (re: RegExp) => new Promise<Record<string, any>>((resolve) => {
    const seen = lines.find((l) => re.test(l.msg ?? ''))
    if (seen) resolve(seen)
    else waiters.push({ re, resolve })
  })

  const base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec((await logged(/Server listening at/)).msg)![1]
  t.equal((await fetch(`${base}/readyz`)).status, 200, 'ready before the signal')

  // N slow requests in flight, each on its own connection.
  emulator.fault({ method: 'GET', path: `/contacts/${contact.id}`, delayMs: UPSTREAM_DELAY_MS, times: IN_FLIGHT })
  const pool = new Pool(base, { connections: IN_FLIGHT, pipelining: 1 })
  t.teardown(() => pool.destroy())
  let settled = 0
  const inFlight = Array.from({ length: IN_FLIGHT }, async () => {
    try {
      const res = await pool.request({ method: 'GET', path: `/contacts/${contact.id}` })
      const body = await res.body.json() as { id?: string }
      return { status: res.statusCode, id: body.id }
    } finally {
      settled++
    }
  })
  while (emulator.requests.filter((r) => r.path === `/contacts/${contact.id}`).length < IN_FLIGHT) await sleep(10)

  child.kill('SIGTERM')
  await logged(/^draining/)
  const ready = await fetch(`${base}/readyz`, { headers: { connection: 'close' } })
  t.equal(ready.status, 503, '/readyz answers 503 during the drain')
  t.match(await ready.json(), { status: 'not_ready', checks: { shutting_down: true } })

  await logged(/^closing/)
  let refused: string | undefined
  while (refused === undefined && settled === 0) {
    const probe = new Client(base)
    try {
      const res = await probe.request({ method: 'GET', path: '/healthz' })
      await res.body.dump()
      await sleep(10)
    } catch (err) {
      // A probe that raced the close (accepted, then closed as idle) is retried; only a refused
      // connection ends the loop.
      if ((err as { code?: string }).code === 'ECONNREFUSED') refused = 'ECONNREFUSED'
    } finally {
      await probe.destroy()
    }
  }
  t.equal(refused, 'ECONNREFUSED', 'a new connection is refused once the listener closed, while the in-flight requests still run')
  t.equal(settled, 0, 'that was before any in-flight request finished')

  const results = await Promise.all(inFlight)
  const ok = results.filter((r) => r.status === 200 && r.id === contact.id).length
  t.equal(ok, IN_FLIGHT, `in-flight requests completed: ${ok} of ${IN_FLIGHT}`)

  const [code] = await exited
  if (code !== 0) t.comment(lines.map((l) => JSON.stringify(l)).join('\n'))
  t.equal(code, 0, 'exit code 0 within SHUTDOWN_TIMEOUT_MS')
  t.ok(lines.some((l) => /^closed: in-flight requests done, upstream pool closed/.test(l.msg ?? '')), 'the drain finished before exit')
  t.comment(`shutdown under load: in-flight requests completed: ${ok} of ${IN_FLIGHT}; /readyz 503 during the drain; exit ${code}`)
})
