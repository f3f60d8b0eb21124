/**
 * Response serializers: Fastify's own (fast-json-stringify over the shared `$id` schemas), compiled
 * once per distinct response schema and only when a reply first needs it.
 *
 * Every route declares the same ten problem answers (`upstreamErrorResponses`), which are sent as
 * strings by the problem-details plugin and so rarely need a serializer at all; Fastify's default
 * compiles each of them eagerly for every route, which dominated start-up (and every test's
 * `build`) once all routes were in. Memoising by schema content shares one serializer between
 * routes; compiling lazily skips the ones never used. The output is Fastify's.
 *
 * A 2xx answer that lacks a field its response schema requires comes from Intercom (the routes
 * answer Intercom's objects): fast-json-stringify's `"id" is required!` is thrown on as
 * `UpstreamAnswerError`, which the error mapper answers as 502 `UPSTREAM_BAD_ANSWER`.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'
import { UpstreamAnswerError } from './errors.js'
import { lazy } from './lazy.js'

type Factory = ReturnType<typeof SerializerSelector>
type Serialize = (doc: unknown) => string

const REQUIRED_MISSING = /^"?(.+?)"? is required!$/

/** `serialize`, with a missing required field thrown as `UpstreamAnswerError`. */
function guarded (serialize: () => Serialize): Serialize {
  return (doc) => {
    try {
      return serialize()(doc)
    } catch (err) {
      const missing = REQUIRED_MISSING.exec((err as Error)?.message ?? '')
      throw missing ? new UpstreamAnswerError(`its answer lacks the required field ${missing[1]}`, missing[1], err) : err
    }
  }
}

/** A `buildSerializer` factory: per schema context, one lazily compiled serializer per distinct schema. */
export const buildSharedLazySerializer: Factory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options)
  const cache = new Map<string, Serialize>()
  return (routeDef) => {
    const key = JSON.stringify(routeDef.schema)
    let serializer = cache.get(key)
    if (serializer === undefined) {
      serializer = guarded(lazy(() => compile(routeDef)))
      cache.set(key, serializer)
    }
    return serializer
  }
}

/** The `schemaController` server option that installs `buildSharedLazySerializer`. */
export const serializerController: FastifyServerOptions['schemaController'] = {
  compilersFactory: { buildSerializer: buildSharedLazySerializer }
}
