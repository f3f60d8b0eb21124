/**
 * auth: inbound API-key authentication.
 *
 * With keys configured (API_KEYS), every request needs `Authorization: Bearer <key>` or
 * `X-API-Key: <key>`, except routes under the open paths (AUTH_OPEN_PATHS, by default `/healthz`,
 * `/readyz`, `/metrics` and the OpenAPI document) and Swagger UI under `/docs`. Keys are compared
 * in constant time: the presented key and every configured key are hashed (SHA-256, so lengths are
 * equal) and compared with `crypto.timingSafeEqual`, all of them, with no early exit. Anything else
 * answers 401 `application/problem+json` with `WWW-Authenticate`, before the body is read and
 * without calling Intercom. The check runs on the matched route pattern, not the raw URL, so
 * `/metrics/../contacts` tricks have nothing to match.
 *
 * With no keys the service is open, and the start-up log says so (a warning).
 *
 * It also adds the security schemes to the OpenAPI document (`bearerAuth`, `apiKeyHeader`, required
 * by every operation but the open ones), so Swagger UI's "Authorize" button sends the key.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { build, sendProblem } from './problem-details.js'

/** Options: the configured keys (empty = open) and the open route paths. */
export interface AuthOptions {
  apiKeys: string[]
  openPaths: string[]
}

/** Paths that are always open, whatever AUTH_OPEN_PATHS says: Swagger UI and its assets, and Intercom's webhook intake (its auth is X-Hub-Signature). */
export const ALWAYS_OPEN = ['/docs', '/webhooks/intercom']

/** The OpenAPI security schemes this plugin enforces. */
export const SECURITY_SCHEMES = {
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'One of the service\'s API keys (API_KEYS) as a Bearer token' },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'One of the service\'s API keys (API_KEYS)' }
} as const

function sha256 (value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}

/** True when `pattern` (a route URL) is one of `open` or below one of them. */
export function isOpenRoute (pattern: string | undefined, open: string[]): boolean {
  if (pattern === undefined) return false
  return open.some((p) => pattern === p || pattern.startsWith(p.endsWith('/') ? p : `${p}/`))
}

/** The key a request presents, from `Authorization: Bearer` or `X-API-Key`; undefined if none. */
export function presentedKey (request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const auth = request.headers.authorization
  if (typeof auth === 'string') {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth)
    if (m) return m[1]
  }
  const header = request.headers['x-api-key']
  if (typeof header === 'string' && header.length > 0) return header.trim()
  return undefined
}

/**
 * A constant-time matcher over the configured keys: hashes them once, then compares a presented
 * key's hash against every one of them.
 */
export function keyMatcher (keys: string[]): (presented: string) => boolean {
  const hashes = keys.map(sha256)
  return function matches (presented: string): boolean {
    const h = sha256(presented)
    let ok = false
    for (const k of hashes) ok = timingSafeEqual(h, k) || ok
    return ok
  }
}

export default fp<AuthOptions>(async function auth (fastify, opts) {
  const open = [...ALWAYS_OPEN, ...opts.openPaths]
  const enabled = opts.apiKeys.length > 0

  // Mark open routes as needing no credentials in the OpenAPI document (the schemes and the
  // document-wide requirement are declared in src/plugins/swagger.ts).
  fastify.addHook('onRoute', function (route) {
    if (isOpenRoute(route.url, open) && route.schema) route.schema = { ...route.schema, security: [] }
  })

  if (!enabled) {
    fastify.log.warn({ auth: false }, 'AUTH DISABLED: API_KEYS is not set, so every route is open to anyone who can reach this port')
    return
  }
  fastify.log.info({ auth: true, keys: opts.apiKeys.length, open }, `inbound auth on: ${opts.apiKeys.length} API key(s); open paths: ${open.join(', ')}`)
  const matches = keyMatcher(opts.apiKeys)

  fastify.addHook('onRequest', async function (request, reply) {
    if (isOpenRoute(request.routeOptions.url, open)) return
    const key = presentedKey(request)
    if (key !== undefined && matches(key)) return
    request.log.info({ auth: key === undefined ? 'missing' : 'invalid' }, 'unauthenticated request refused')
    const detail = key === undefined
      ? 'An API key is required: send Authorization: Bearer <key> or X-API-Key: <key>.'
      : 'The API key is not valid.'
    return sendProblem(reply.header('www-authenticate', 'Bearer realm="intercom-facade"'), build(request, 401, 'UNAUTHORIZED', detail))
  })
}, { name: 'auth' })
