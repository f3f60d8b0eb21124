/**
 * The response serializer compiler: Fastify's default (fast-json-stringify over the shared `$id`
 * schemas), except that each distinct response schema is compiled once for the whole app, and only
 * when a reply first needs it. Every route lists the same ten problem answers
 * (schemas/common.ts `upstreamErrorResponses`); compiled eagerly per route and status they tripled
 * app start-up (and each test's `build`) as routes were added.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifySerializerCompiler } from 'fastify/types/schema.js'

type Serializer = (data: unknown) => string

/** A serializer compiler over `shared` schemas: one lazily compiled serializer per distinct schema. */
export function cachingSerializerCompiler (shared: ReadonlyArray<{ $id?: string }>): FastifySerializerCompiler<unknown> {
  const external = Object.fromEntries(shared.filter((s) => s.$id !== undefined).map((s) => [s.$id as string, s]))
  const factory = SerializerSelector()
  const cache = new Map<string, Serializer>()
  return (routeSchema) => {
    const key = JSON.stringify(routeSchema.schema)
    let serializer = cache.get(key)
    if (serializer === undefined) {
      let compiled: Serializer | undefined
      // A fresh factory product per compile: the default one drops a schema's own $id from its
      // (shared) external set when a route answers that schema directly.
      const compile = (): Serializer => factory({ ...external }, {})({ method: routeSchema.method, url: routeSchema.url, httpStatus: routeSchema.httpStatus ?? '', schema: routeSchema.schema })
      serializer = (data) => (compiled ??= compile())(data)
      cache.set(key, serializer)
    }
    return serializer
  }
}
