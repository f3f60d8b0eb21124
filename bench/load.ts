/**
 * The benchmark's load generator: autocannon used as a library, in its own process so that its CPU
 * is not charged to any proxy. bench/run.ts forks it and sends one `LoadJob` per message; it
 * answers with a `LoadResult`. Latencies are milliseconds.
 */
import autocannon from 'autocannon'

/** One request of a job (a sequence of more than one is sent in turn on each connection). */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT'
  path: string
  body?: string
}

/** One load run. */
export interface LoadJob {
  id: number
  /** Origin, e.g. `http://127.0.0.1:3000`. */
  origin: string
  requests: LoadRequest[]
  connections: number
  durationS: number
}

/** What one run measured. */
export interface LoadResult {
  id: number
  /** Answers received (any status). */
  completed: number
  /** Seconds the run took. */
  durationS: number
  /** Median and 99th-percentile latency, milliseconds. */
  p50Ms: number
  p99Ms: number
  /** Connection errors and timeouts, and answers that were not 2xx. */
  errors: number
  timeouts: number
  non2xx: number
  statusCodes: Record<string, number>
}

/** Run one job with autocannon and summarise it. */
export async function runLoad (job: LoadJob): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json', accept: 'application/json' }
  const result = await autocannon({
    url: job.origin,
    connections: job.connections,
    duration: job.durationS,
    pipelining: 1,
    timeout: 10,
    requests: job.requests.map((r) => ({ method: r.method, path: r.path, body: r.body, headers: r.body === undefined ? { accept: 'application/json' } : headers }))
  })
  const statusCodes: Record<string, number> = {}
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0
  return {
    id: job.id,
    completed: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
    durationS: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes
  }
}

if (process.send !== undefined && process.argv[1]?.endsWith('load.ts')) {
  process.on('message', (job: LoadJob) => {
    runLoad(job).then((r) => process.send!(r), (err: Error) => process.send!({ id: job.id, error: err.message }))
  })
  process.send({ ready: true })
}
