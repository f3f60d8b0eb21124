/**
 * Response serializers compiled on first use. Fastify compiles a fast-json-stringify serializer for
 * every status and content type of every route's `response` map at start-up (about ten problem
 * answers per route here, answered through `sendProblem` as strings, so most are never used).
 * Compiling each one when a reply first needs it gives the same output, halves the start-up time
 * and keeps ~15 MB of generated code out of the resident set.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type SerializerFactory = ReturnType<typeof SerializerSelector>

/** A serializer factory like Fastify's default, whose serializers compile themselves when first called. */
export const buildLazySerializer: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options)
  return (routeDef) => {
    let serialize: ((doc: unknown) => string) | undefined
    return (doc) => (serialize ??= compile(routeDef))(doc)
  }
}

/** The `schemaController` server option that installs `buildLazySerializer`. */
export const lazySerializerController: FastifyServerOptions['schemaController'] = {
  compilersFactory: { buildSerializer: buildLazySerializer }
}
