/**
 * upstream: decorates `fastify.intercom` (the shared, pooled `IntercomClient`, with the rate budget
 * of src/upstream/budget/ and the retry policy of src/upstream/retry/) and
 * `fastify.defaultAdminId(request)` (asked once, under its own deadline), and closes the pool when
 * Fastify closes. (A caller's `Intercom-Version` is checked by src/plugins/intercom-version.ts.)
 */
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { AppConfig } from '../config.js'
import { IntercomClient } from '../upstream/client.js'
import { NoDefaultAdminError } from '../errors.js'
import { DeadlineExceededError, UpstreamHttpError } from '../upstream/errors.js'
import { RateBudget } from '../upstream/budget/queue.js'
import { createBudgetStore } from '../upstream/budget/store.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared Intercom client (src/upstream/client.ts). */
    intercom: IntercomClient
    /**
     * The admin that authors replies and parts when the caller names none:
     * INTERCOM_DEFAULT_ADMIN_ID, else the token's own admin from `identifyAdmin` (GET /me), asked once.
     * @throws NoDefaultAdminError (422) when neither is available
     */
    defaultAdminId: (request: FastifyRequest) => Promise<string>
  }
}

/**
 * Wait for `work` (shared with other callers) until `deadlineAt` (ms since the epoch) at most.
 * @throws DeadlineExceededError when the deadline comes first (the work goes on for the others)
 */
async function waitUnder<T> (work: Promise<T>, deadlineAt: number | undefined): Promise<T> {
  if (deadlineAt === undefined) return await work
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new DeadlineExceededError(false)) }, Math.max(0, deadlineAt - Date.now()))
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

export default fp<{ config: AppConfig }>(async function upstream (fastify, { config }) {
  if (!config.intercom.token) throw new Error('upstream plugin needs config.intercom.token (sandbox mode sets the emulator token)')
  const client = new IntercomClient({
    baseUrl: config.intercom.baseUrl,
    token: config.intercom.token,
    version: config.intercom.version,
    ...config.upstream,
    policy: { budget: new RateBudget(await createBudgetStore(config.policy.redis, fastify.log), config.policy.queue), retry: config.policy.retry }
  })
  fastify.decorate('intercom', client)

  // The default admin is work shared between requests: asked once, under its own deadline
  // (REQUEST_DEADLINE_MS), the configured Intercom-Version and no caller's connection, so no one
  // caller's deadline, header or disconnect decides it for the others. Each caller waits for it under
  // its own deadline.
  let known: string | undefined
  let me: Promise<string> | undefined
  const lookUpDefaultAdmin = async (): Promise<string> => {
    const shared = { id: 'default-admin-lookup', headers: {}, log: fastify.log, deadlineAt: Date.now() + config.policy.requestDeadlineMs }
    try {
      const r = await client.call<{ id?: string | number }>(shared, { operationId: 'identifyAdmin', method: 'GET', path: '/me' })
      if (r.data?.id === undefined || r.data.id === null) throw new NoDefaultAdminError()
      known = String(r.data.id)
      return known
    } catch (err) {
      me = undefined // the next caller asks again
      if (err instanceof UpstreamHttpError && err.status === 404) throw new NoDefaultAdminError()
      throw err
    }
  }
  fastify.decorate('defaultAdminId', async function (request: FastifyRequest): Promise<string> {
    if (config.intercom.defaultAdminId) return config.intercom.defaultAdminId
    if (known !== undefined) return known
    me ??= lookUpDefaultAdmin()
    return await waitUnder(me, request.deadlineAt)
  })

  fastify.addHook('onClose', async function () {
    await client.close()
  })
}, { name: 'upstream' })
