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
 *
 * Intercom's objects (schemas marked `x-pass-through`: Contact, Company, Conversation, Ticket, and
 * the upsert result holding a contact) document Intercom's fields and types, but are sent as
 * Intercom sent them: their required fields are checked (nested `$ref`s too), then the object is
 * `JSON.stringify`-ed, so a field Intercom types differently from its description (a null where a
 * string is documented) is never coerced (fast-json-stringify would write `""`).
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'
import { UpstreamAnswerError } from './errors.js'
import { lazy } from './lazy.js'

type Factory = ReturnType<typeof SerializerSelector>
type Serialize = (doc: unknown) => string
type Schema = { $ref?: string, $id?: string, required?: string[], properties?: Record<string, Schema>, 'x-pass-through'?: boolean }

/** The schema `schema` stands for (a `$ref` to a shared `$id` resolved). */
function resolve (schema: Schema, shared: Record<string, Schema>): Schema {
  return schema.$ref === undefined ? schema : shared[schema.$ref.replace(/#.*$/, '')] ?? schema
}

/** The first required field missing in `doc` (`contact.id`), walking `properties`; undefined when none. */
function missingField (schema: Schema, doc: unknown, shared: Record<string, Schema>, depth = 0): string | undefined {
  const s = resolve(schema, shared)
  if (typeof doc !== 'object' || doc === null || depth > 8) return undefined
  const obj = doc as Record<string, unknown>
  for (const key of s.required ?? []) if (obj[key] === undefined) return key
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    const missing = obj[key] === undefined ? undefined : missingField(sub, obj[key], shared, depth + 1)
    if (missing !== undefined) return `${key}.${missing}`
  }
  return undefined
}

/** For an `x-pass-through` schema: check the required fields, then `JSON.stringify`. */
function passThrough (schema: Schema, shared: Record<string, Schema>): Serialize {
  return (doc) => {
    const missing = missingField(schema, doc, shared)
    if (missing !== undefined) throw new UpstreamAnswerError(`its answer lacks the required field ${missing}`, missing)
    return JSON.stringify(doc)
  }
}

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
      const shared = (externalSchemas ?? {}) as Record<string, Schema>
      const schema = routeDef.schema as Schema
      serializer = resolve(schema, shared)['x-pass-through'] === true ? passThrough(schema, shared) : guarded(lazy(() => compile(routeDef)))
      cache.set(key, serializer)
    }
    return serializer
  }
}

/** The `schemaController` server option that installs `buildSharedLazySerializer`. */
export const serializerController: FastifyServerOptions['schemaController'] = {
  compilersFactory: { buildSerializer: buildSharedLazySerializer }
}
