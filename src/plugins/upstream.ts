/**
 * upstream: decorates `fastify.intercom` (the shared, pooled `IntercomClient`) and
 * `fastify.defaultAdminId(request)`, and closes the pool when Fastify closes. (A caller's
 * `Intercom-Version` is checked by src/plugins/intercom-version.ts.)
 */
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { AppConfig } from '../config.js'
import { IntercomClient } from '../upstream/client.js'
import { NoDefaultAdminError } from '../errors.js'
import { UpstreamHttpError } from '../upstream/errors.js'
import { createUpstreamPolicy } from '../upstream/policy.js'

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

export default fp<{ config: AppConfig }>(async function upstream (fastify, { config }) {
  if (!config.intercom.token) throw new Error('upstream plugin needs config.intercom.token (sandbox mode sets the emulator token)')
  const client = new IntercomClient({
    baseUrl: config.intercom.baseUrl,
    token: config.intercom.token,
    version: config.intercom.version,
    ...config.upstream,
    policy: await createUpstreamPolicy(config.policy, fastify.log)
  })
  fastify.decorate('intercom', client)

  let me: Promise<string> | undefined
  fastify.decorate('defaultAdminId', async function (request: FastifyRequest): Promise<string> {
    if (config.intercom.defaultAdminId) return config.intercom.defaultAdminId
    me ??= client.call<{ id?: string | number }>(request, { operationId: 'identifyAdmin', method: 'GET', path: '/me' })
      .then((r) => {
        if (r.data?.id === undefined || r.data.id === null) throw new NoDefaultAdminError()
        return String(r.data.id)
      })
    try {
      return await me
    } catch (err) {
      me = undefined
      if (err instanceof UpstreamHttpError && err.status === 404) throw new NoDefaultAdminError()
      throw err
    }
  })

  fastify.addHook('onClose', async function () {
    await client.close()
  })
}, { name: 'upstream' })
