/**
 * deadline: every request gets `request.deadlineAt` (ms since the epoch): now plus the caller's
 * `X-Request-Deadline-Ms` (1..600000 ms of budget for the whole call: queueing, attempts and backoff),
 * else plus REQUEST_DEADLINE_MS. A malformed header is a 400 before anything is sent upstream.
 * The Intercom client reads `deadlineAt` from the request it is given.
 */
import fp from 'fastify-plugin'
import createError from '@fastify/error'

declare module 'fastify' {
  interface FastifyRequest {
    /** When the call must end, ms since the epoch (see src/plugins/deadline.ts). */
    deadlineAt: number | undefined
  }
}

/** Largest X-Request-Deadline-Ms accepted (10 minutes). */
export const MAX_DEADLINE_MS = 600_000

/** An X-Request-Deadline-Ms that is not an integer of milliseconds in 1..600000. 400. */
export const BadDeadlineError = createError('FACADE_BAD_DEADLINE', 'X-Request-Deadline-Ms %s is not a number of milliseconds between 1 and 600000', 400)

export default fp<{ defaultMs: number }>(async function deadline (fastify, opts) {
  fastify.decorateRequest('deadlineAt', undefined)
  fastify.addHook('onRequest', function (request, _reply, done) {
    const raw = request.headers['x-request-deadline-ms']
    let ms = opts.defaultMs
    if (raw !== undefined) {
      if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_DEADLINE_MS) {
        done(new BadDeadlineError(JSON.stringify(raw)))
        return
      }
      ms = Number(raw)
    }
    request.deadlineAt = Date.now() + ms
    done()
  })
}, { name: 'deadline' })
