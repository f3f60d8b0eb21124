/**
 * swagger: the OpenAPI 3.1 document generated from the route schemas (@fastify/swagger), Swagger UI
 * at /docs (@fastify/swagger-ui, which fetches /docs/json), and the document at /openapi.json and
 * /openapi.yaml. Shared schemas registered with an `$id` appear once under `components.schemas` by
 * that name. The tags are declared once here (`OPENAPI_TAGS`).
 *
 * The document as served carries `servers` for the request that fetched it (`serversFor`): the
 * PUBLIC_BASE_URL when set, else the trusted hop's X-Forwarded-Proto/Host/Prefix (TRUST_PROXY,
 * src/proxy-trust.ts), so Swagger UI's "Try it out" behind a prefix-stripping gateway calls
 * `/<prefix>/contacts/upsert`; else none (relative to where the document was fetched). The
 * generated document (`fastify.swagger()`, the committed openapi.yaml) never has `servers`.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyRequest } from 'fastify'
import YAML from 'yaml'
import { SECURITY_SCHEMES } from './auth.js'
import type { TrustFunction } from '../proxy-trust.js'

/** The `info` of the document (also used by scripts/openapi.ts). */
export const OPENAPI_INFO = {
  title: 'Intercom facade',
  version: '1.0.0',
  description: 'A simple, validated REST facade over the Intercom REST API (Intercom-Version 2.14 by default). ' +
    'Errors are RFC 9457 problem details (application/problem+json). Send `X-Request-Id` to correlate logs; ' +
    'send `Intercom-Version` to override the configured version for one request. ' +
    'Every other Intercom operation is reachable through the raw passthrough `/intercom/*`.'
}

/**
 * The document as YAML, every shared object written out where it is used: no anchors or aliases
 * (`&a1`/`*a1`), which code generators and validating proxies read poorly. GET /openapi.yaml and
 * `npm run openapi` both use it.
 */
export function openApiYaml (fastify: FastifyInstance): string {
  return YAML.stringify(fastify.swagger(), { strict: false, aliasDuplicateObjects: false })
}

/**
 * Every tag a route may use, in the order Swagger UI shows them: Intercom's resources first, then
 * the raw passthrough, the operation catalog and the service's own operational routes.
 */
export const OPENAPI_TAGS = [
  { name: 'contacts', description: 'Intercom contacts (users and leads): create, upsert, search, merge, archive, and their companies, tags and notes' },
  { name: 'companies', description: 'Intercom companies' },
  { name: 'conversations', description: 'Intercom conversations: start, reply, assign, open, close, snooze, tag, search' },
  { name: 'tickets', description: 'Intercom tickets' },
  { name: 'messages', description: 'Outbound messages from an admin (in-app or email)' },
  { name: 'events', description: 'Data events recorded on a contact' },
  { name: 'tags', description: 'Intercom tags' },
  { name: 'articles', description: 'Help Center articles' },
  { name: 'admins', description: 'Admins of the workspace, and the admin the token belongs to (/me)' },
  { name: 'teams', description: 'Teams of the workspace' },
  { name: 'webhooks', description: "Intercom's webhook notifications in (signed intake), stored, and delivered to internal subscribers; operator routes" },
  { name: 'passthrough', description: 'Raw access to every other Intercom operation (/intercom/*), with the service\'s token' },
  { name: 'catalog', description: 'Intercom\'s operations by operationId, from its OpenAPI description, callable with validation' },
  { name: 'operations', description: 'Probes (/healthz, /readyz), Prometheus metrics and the OpenAPI document' }
]

export interface SwaggerOptions {
  /** PUBLIC_BASE_URL (no trailing slash): the `servers` of every served document. */
  publicBaseUrl?: string
  /** TRUST_PROXY's trust function: whose X-Forwarded-Proto/Host/Prefix are believed. */
  trust?: TrustFunction
}

const PROTO_RE = /^https?$/
const HOST_RE = /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/
const PREFIX_RE = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+\/?$/

/** The last value of a header a chain of proxies may have appended to ("a, b"). */
function lastValue (header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header.at(-1) : header
  if (v === undefined) return undefined
  const last = v.split(',').at(-1)!.trim()
  return last === '' ? undefined : last
}

/**
 * The `servers` of the document served to `request`: `[{ url: publicBaseUrl }]` when configured;
 * else, when the socket's peer is a trusted hop and sent X-Forwarded-Proto or -Host,
 * `<proto>://<host><prefix>` (Fastify's request.protocol/host, which believe the same hop), or the
 * X-Forwarded-Prefix alone as a path; else undefined (no `servers`: relative). Values that are not a
 * plain scheme, host or path are ignored.
 */
export function serversFor (request: FastifyRequest, opts: SwaggerOptions): Array<{ url: string }> | undefined {
  if (opts.publicBaseUrl !== undefined) return [{ url: opts.publicBaseUrl }]
  const peer = request.raw.socket?.remoteAddress
  if (opts.trust === undefined || peer === undefined || !opts.trust(peer, 0)) return undefined
  const h = request.headers
  const given = lastValue(h['x-forwarded-prefix'])
  const prefix = given !== undefined && PREFIX_RE.test(given) ? given.replace(/\/$/, '') : ''
  if (h['x-forwarded-proto'] !== undefined || h['x-forwarded-host'] !== undefined) {
    const proto = request.protocol
    const host = request.host
    if (PROTO_RE.test(proto) && HOST_RE.test(host)) return [{ url: `${proto}://${host}${prefix}` }]
  }
  return prefix === '' ? undefined : [{ url: prefix }]
}

export default fp<SwaggerOptions>(async function swaggerPlugin (fastify, opts) {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      // Inbound API keys (src/plugins/auth.ts); open routes override this with `security: []`.
      components: { securitySchemes: SECURITY_SCHEMES },
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      tags: OPENAPI_TAGS
    },
    refResolver: {
      buildLocalReference (json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`
      }
    }
  })

  /** The generated document with this request's `servers` (a shallow copy; the cached one is untouched). */
  const served = <T extends object>(doc: T, request: FastifyRequest): T => {
    const servers = serversFor(request, opts)
    return servers === undefined ? doc : { ...doc, servers }
  }

  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: false },
    transformSpecificationClone: false,
    transformSpecification: (doc, request) => served(doc, request)
  })

  fastify.get('/openapi.json', { schema: { hide: true } }, async function (request) {
    return served(fastify.swagger(), request)
  })
  fastify.get('/openapi.yaml', { schema: { hide: true } }, async function (request, reply) {
    reply.type('application/yaml')
    const servers = serversFor(request, opts)
    return YAML.stringify(servers === undefined ? fastify.swagger() : served(fastify.swagger(), request), { strict: false, aliasDuplicateObjects: false })
  })
}, { name: 'swagger' })
