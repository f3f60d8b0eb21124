/**
 * under-pressure: load shedding with @fastify/under-pressure. When the event loop is slower than
 * PRESSURE_MAX_EVENT_LOOP_DELAY_MS, busier than PRESSURE_MAX_EVENT_LOOP_UTILIZATION, or the heap /
 * RSS is past PRESSURE_MAX_HEAP_USED_BYTES / PRESSURE_MAX_RSS_BYTES (each sampled every
 * PRESSURE_SAMPLE_INTERVAL_MS; a 0 limit disables that check), new requests are answered at once
 * with a 503 problem (`code: OVERLOADED`) and `Retry-After` (PRESSURE_RETRY_AFTER_MS, in whole
 * seconds), before their body is read and without calling Intercom, instead of queueing until
 * everyone times out. `/healthz` and `/metrics` keep answering (a slow process is still alive, and
 * an operator wants figures most when it is overloaded); `/readyz` sheds like the rest, so a load
 * balancer routes around the replica. Shed requests are counted by the metrics plugin (status 503).
 *
 * Start-up work (loading the OpenAPI descriptions, compiling schemas) blocks the event loop once;
 * that is not overload, so nothing is shed until two sample intervals after the app is ready.
 */
import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { build, sendProblem } from './problem-details.js'

/** Limits; 0 disables a check. Durations in milliseconds, sizes in bytes. */
export interface PressureOptions {
  maxEventLoopDelayMs: number
  maxEventLoopUtilization: number
  maxHeapUsedBytes: number
  maxRssBytes: number
  sampleIntervalMs: number
  retryAfterMs: number
}

/** Routes that answer even under pressure. */
export const NOT_SHED = new Set(['/healthz', '/metrics'])

export default fp<PressureOptions>(async function pressure (fastify, opts) {
  const retryAfterS = Math.ceil(opts.retryAfterMs / 1000)
  let warm = false
  fastify.addHook('onReady', async function () {
    setTimeout(() => { warm = true }, 2 * opts.sampleIntervalMs).unref()
  })
  await fastify.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs,
    maxEventLoopUtilization: opts.maxEventLoopUtilization,
    maxHeapUsedBytes: opts.maxHeapUsedBytes,
    maxRssBytes: opts.maxRssBytes,
    sampleInterval: opts.sampleIntervalMs,
    retryAfter: retryAfterS,
    pressureHandler (request, reply, type, value) {
      if (!warm || (request.routeOptions.url !== undefined && NOT_SHED.has(request.routeOptions.url))) return undefined
      request.log.warn({ pressure: type, value }, 'overloaded: request shed with 503')
      sendProblem(reply, build(request, 503, 'OVERLOADED', `The service is overloaded (${type}); retry after ${retryAfterS} s.`), { 'retry-after': String(retryAfterS) })
      // Fastify stops the request here: the reply is already sent.
      return undefined
    }
  })
}, { name: 'under-pressure' })
