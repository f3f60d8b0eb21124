/**
 * intercom-version: which Intercom API version one request speaks upstream.
 *
 * Decorates `request.intercomVersion` (a string): the caller's `Intercom-Version` header when given,
 * else the configured INTERCOM_VERSION (default `2.16`). Before any route runs (onRequest):
 * - on every route (facade routes, the operation catalog) the caller's value must be one of
 *   SUPPORTED_VERSIONS (src/intercom-spec/versions.ts), else a 400 problem
 *   (`FACADE_BAD_INTERCOM_VERSION`) naming the header and listing them; nothing goes upstream. There
 *   `request.intercomVersion` is always an `IntercomVersion`.
 * - a route with `config: { intercomVersion: 'any' }` (the raw passthrough /intercom/*) takes any
 *   version Intercom accepts (`PASSTHROUGH_VERSION_RE`: `N.N` or `Unstable`), as Intercom decides.
 * - a route with `config: { intercomVersion: 'ignore' }` (the probes) never reads the caller's value:
 *   its work must not depend on anything a caller sends; it speaks the configured version.
 *
 * The version used is echoed in the `Intercom-Version` answer header and bound to the request's
 * logger as `intercom_version` (so "request completed" and every later line carry it); the client
 * sends it (`CallContext.intercomVersion`) and reports it to observers (the metrics' `version` label).
 */
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { BadVersionError } from '../errors.js'
import { bindRequestLog } from '../request-logger.js'
import { PASSTHROUGH_VERSION_RE, SUPPORTED_VERSIONS, isSupportedVersion, type IntercomVersion } from '../intercom-spec/versions.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The Intercom-Version sent upstream for this request: the caller's header, else INTERCOM_VERSION.
     * One of SUPPORTED_VERSIONS on every route except those with `config.intercomVersion: 'any'`
     * (the passthrough), where it may be any `N.N` or `Unstable`. Use `versionOf(request)` for the typed value.
     */
    intercomVersion: string
  }
  interface FastifyContextConfig {
    /** 'any': accept every version Intercom accepts (PASSTHROUGH_VERSION_RE), not only SUPPORTED_VERSIONS; 'ignore': never read the caller's header. */
    intercomVersion?: 'any' | 'ignore'
  }
}

/** Options: the configured version (INTERCOM_VERSION, already checked to be supported). */
export interface IntercomVersionOptions { version: IntercomVersion }

/**
 * The request's version as an `IntercomVersion`, for the facade translations and the catalog.
 * @throws BadVersionError when it is not supported (only possible on a route flagged 'any')
 */
export function versionOf (request: Pick<FastifyRequest, 'intercomVersion'>): IntercomVersion {
  const v = request.intercomVersion
  if (!isSupportedVersion(v)) throw new BadVersionError(JSON.stringify(v), SUPPORTED_VERSIONS.join(', '))
  return v
}

export default fp<IntercomVersionOptions>(async function intercomVersion (fastify, { version }) {
  fastify.decorateRequest('intercomVersion', '')

  fastify.addHook('onRequest', function (request, reply, done) {
    const mode = request.routeOptions.config.intercomVersion
    const given = mode === 'ignore' ? undefined : request.headers['intercom-version']
    let v: string = version
    if (given !== undefined) {
      const any = mode === 'any'
      if (typeof given !== 'string' || !(any ? PASSTHROUGH_VERSION_RE.test(given) : isSupportedVersion(given))) {
        done(new BadVersionError(JSON.stringify(given), any ? `${SUPPORTED_VERSIONS.join(', ')} or any N.N or Unstable that Intercom accepts` : SUPPORTED_VERSIONS.join(', ')))
        return
      }
      v = given
    }
    request.intercomVersion = v
    // Set now, it stays on every answer, errors included (Fastify's error path keeps reply headers).
    reply.header('intercom-version', v)
    // request.log and reply.log (the logger of "request completed") are one per-request logger.
    bindRequestLog(request.log, { intercom_version: v })
    done()
  })
}, { name: 'intercom-version' })
