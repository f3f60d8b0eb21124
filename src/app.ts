/**
 * The app factory: an async Fastify plugin that registers the cross-cutting plugins, the shared
 * schemas, then the routes, then (through problem-details) the error and not-found handlers.
 * It never listens and never reads `process.env`: it receives the typed `AppConfig`
 * (`config.intercom.token` must be set; in sandbox mode the entry sets the emulator's).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { AppConfig } from './config.js'
import type { Tracing } from './tracing.js'
import { validatorCompiler } from './validation.js'
import { logSerializers } from './logging.js'
import { requestLoggerFactory } from './request-logger.js'
import { serializerController } from './serializer.js'
import { trustFunction } from './proxy-trust.js'
import problemDetails from './plugins/problem-details.js'
import swaggerPlugin from './plugins/swagger.js'
import upstream from './plugins/upstream.js'
import intercomVersion from './plugins/intercom-version.js'
import authPlugin from './plugins/auth.js'
import jsonBody from './plugins/json-body.js'
import metricsPlugin from './plugins/metrics.js'
import pressurePlugin from './plugins/under-pressure.js'
import gracefulShutdown from './plugins/graceful-shutdown.js'
import deadline from './plugins/deadline.js'
import idempotency from './plugins/idempotency.js'
import contactIds from './facade/contact-ids.js'
import { ProblemSchema } from '../schemas/common.js'
import { ContactListSchema, ContactSchema, UpsertResultSchema } from '../schemas/contacts.js'
import { ConversationListSchema, ConversationSchema, MessageSchema } from '../schemas/conversations.js'
import { AdminListSchema, AdminSchema, TeamListSchema, TeamSchema } from '../schemas/admins.js'
import { TicketListSchema, TicketSchema } from '../schemas/tickets.js'
import { ArticleListSchema, ArticleSchema } from '../schemas/articles.js'
import contactsRoutes from '../routes/contacts/index.js'
import conversationsRoutes from '../routes/conversations/index.js'
import adminsRoutes from '../routes/admins/index.js'
import meRoutes from '../routes/me/index.js'
import teamsRoutes from '../routes/teams/index.js'
import messagesRoutes from '../routes/messages/index.js'
import ticketsRoutes from '../routes/tickets/index.js'
import articlesRoutes from '../routes/articles/index.js'
import passthroughRoutes from '../routes/intercom/index.js'
import { CompanyListSchema, CompanySchema } from '../schemas/companies.js'
import { TagListSchema, TagSchema } from '../schemas/tags.js'
import { NoteListSchema, NoteSchema } from '../schemas/contact-relations.js'
import contactRelationsRoutes from '../routes/contacts/relations.js'
import companiesRoutes from '../routes/companies/index.js'
import tagsRoutes from '../routes/tags/index.js'
import eventsRoutes from '../routes/events/index.js'
import operationsRoutes from '../routes/intercom-operations/index.js'
import { OperationListSchema, OperationSchema } from '../schemas/operations.js'
import healthRoutes from '../routes/health/index.js'
import webhooks from './webhooks/plugin.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set `shuttingDown` first on SIGTERM so /readyz answers 503 before the server closes. */
    lifecycle: { shuttingDown: boolean }
  }
}

/** Shapes with an `$id`, registered once; routes reference them with `Type.Ref('<$id>')`. */
export const SHARED_SCHEMAS = [
  ProblemSchema,
  ContactSchema, ContactListSchema, UpsertResultSchema,
  CompanySchema, CompanyListSchema, TagSchema, TagListSchema, NoteSchema, NoteListSchema,
  ConversationSchema, ConversationListSchema, MessageSchema,
  AdminSchema, AdminListSchema, TeamSchema, TeamListSchema,
  TicketSchema, TicketListSchema, ArticleSchema, ArticleListSchema,
  OperationSchema, OperationListSchema
]

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * Fastify server options for this service (logger, request ids, limits). The entry and the tests
 * both build Fastify with these. `logger` may be false (tests) or pino options.
 */
export function fastifyOptions (config: AppConfig, logger: FastifyServerOptions['logger'] = { level: config.logLevel }, tracing?: Tracing): FastifyServerOptions {
  const trust = trustFunction(config.http.trustProxy)
  return {
    logger: logger === false || logger === undefined
      ? false
      // Requests are logged by route and a redacted query, never the raw URL (src/logging.ts).
      : { ...(logger as object), ...(tracing ? { mixin: tracing.logMixin } : {}), serializers: logSerializers, redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'config.intercom.token', 'token'], censor: '[redacted]' } },
    // request.log becomes a pino child only when the request logs a line (src/request-logger.ts).
    ...(logger === false || logger === undefined ? {} : { childLoggerFactory: requestLoggerFactory }),
    // Tracing on: Fastify's own request lines are written inside the request's span (src/tracing.ts).
    ...(tracing ? { logController: tracing.logController } : {}),
    bodyLimit: config.http.bodyLimitBytes,
    // TRUST_PROXY: request.ip/protocol/host believe X-Forwarded-* only from these hops.
    ...(trust === undefined ? {} : { trustProxy: trust }),
    requestIdHeader: false,
    // A caller's X-Request-Id is kept when it is a safe token, else a fresh UUID is used.
    genReqId (req: IncomingMessage) {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    // A collection is published as `/contacts` (a prefixed '/' route adds no `/contacts/` twin);
    // `/contacts/` is still served, by the router.
    routerOptions: { maxParamLength: 512, ignoreTrailingSlash: true },
    // One serializer per distinct response schema, compiled on first use (src/serializer.ts).
    schemaController: serializerController
  }
}

/** The app plugin. Options: `{ config, tracing? }` (tracing: src/tracing.ts, when started). */
export default fp<{ config: AppConfig, tracing?: Tracing }>(async function app (fastify: FastifyInstance, { config, tracing }) {
  // Route spans first, so that every later hook and route runs inside the request's span.
  if (tracing) await fastify.register(tracing.plugin)
  fastify.setValidatorCompiler(validatorCompiler(SHARED_SCHEMAS))
  for (const schema of SHARED_SCHEMAS) fastify.addSchema(schema)
  fastify.decorate('lifecycle', { shuttingDown: false })

  // Hot-path hooks are callback-style (no promise per request). Headers set in onRequest stay on
  // every answer, errors included, with no onSend hook to run per answer.
  fastify.addHook('onRequest', function (request, reply, done) {
    reply.header('x-request-id', request.id)
    done()
  })

  // Production readiness: shed load first, then check the API key, both before any body is read.
  await fastify.register(gracefulShutdown)
  await fastify.register(pressurePlugin, config.pressure)
  await fastify.register(authPlugin, config.auth)
  await fastify.register(jsonBody, { maxDepth: config.jsonMaxDepth, bodyLimitBytes: config.http.bodyLimitBytes })
  await fastify.register(problemDetails)
  await fastify.register(swaggerPlugin, { publicBaseUrl: config.http.publicBaseUrl, trust: trustFunction(config.http.trustProxy) })
  await fastify.register(upstream, { config })
  await fastify.register(intercomVersion, { version: config.intercom.version })
  if (tracing) fastify.intercom.tracer = tracing.calls
  await fastify.register(metricsPlugin)
  await fastify.register(deadline, { defaultMs: config.policy.requestDeadlineMs })
  await fastify.register(idempotency, { config })
  await fastify.register(contactIds, { config })

  await fastify.register(healthRoutes, { readinessCacheMs: config.readinessCacheMs, sandbox: config.intercom.sandbox, probeDeadlineMs: config.policy.requestDeadlineMs })
  await fastify.register(contactsRoutes, { prefix: '/contacts' })
  await fastify.register(conversationsRoutes, { prefix: '/conversations' })
  await fastify.register(adminsRoutes, { prefix: '/admins' })
  await fastify.register(meRoutes, { prefix: '/me' })
  await fastify.register(teamsRoutes, { prefix: '/teams' })
  await fastify.register(messagesRoutes, { prefix: '/messages' })
  await fastify.register(ticketsRoutes, { prefix: '/tickets' })
  await fastify.register(articlesRoutes, { prefix: '/articles' })
  await fastify.register(passthroughRoutes, { prefix: '/intercom' })
  await fastify.register(contactRelationsRoutes, { prefix: '/contacts' })
  await fastify.register(companiesRoutes, { prefix: '/companies' })
  await fastify.register(tagsRoutes, { prefix: '/tags' })
  await fastify.register(eventsRoutes, { prefix: '/events' })
  await fastify.register(operationsRoutes, { prefix: '/intercom/operations' })
  await fastify.register(webhooks, { config, tracer: tracing?.webhooks })
}, { name: 'intercom-facade' })
