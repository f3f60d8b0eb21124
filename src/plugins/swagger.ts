/**
 * swagger: the OpenAPI 3.1 document generated from the route schemas (@fastify/swagger), Swagger UI
 * at /docs (@fastify/swagger-ui), and the document itself at /openapi.json and /openapi.yaml.
 * Shared schemas registered with an `$id` appear once under `components.schemas` by that name.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import YAML from 'yaml'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { SECURITY_SCHEMES } from './auth.js'

/** The `info` and tags of the document (also used by scripts/openapi.ts). */
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

export default fp(async function swaggerPlugin (fastify) {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      // Inbound API keys (src/plugins/auth.ts); open routes override this with `security: []`.
      components: { securitySchemes: SECURITY_SCHEMES },
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      tags: [
        { name: 'contacts', description: 'Intercom contacts (users and leads)' },
        { name: 'conversations', description: 'Intercom conversations' },
        { name: 'passthrough', description: 'Raw access to every other Intercom operation' },
        { name: 'operations', description: 'Probes and the OpenAPI document' }
      ]
    },
    refResolver: {
      buildLocalReference (json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`
      }
    }
  })
  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: false }
  })

  fastify.get('/openapi.json', { schema: { hide: true } }, async function () {
    return fastify.swagger()
  })
  fastify.get('/openapi.yaml', { schema: { hide: true } }, async function (_request, reply) {
    return reply.type('application/yaml').send(openApiYaml(fastify))
  })
}, { name: 'swagger' })
