/**
 * The response serializer compiler: Fastify's default (fast-json-stringify over the shared `$id`
 * schemas), with compiled serializers reused across routes for identical schemas. Every route lists
 * the same ten problem answers (schemas/common.ts `upstreamErrorResponses`); compiling them once
 * instead of once per route and status keeps app start-up (and each test's `build`) fast as routes
 * are added.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifySerializerCompiler } from 'fastify/types/schema.js'

/** A serializer compiler over `shared` schemas that compiles each distinct response schema once. */
export function cachingSerializerCompiler (shared: ReadonlyArray<{ $id?: string }>): FastifySerializerCompiler<unknown> {
  const external = Object.fromEntries(shared.filter((s) => s.$id !== undefined).map((s) => [s.$id as string, s]))
  const factory = SerializerSelector()
  const cache = new Map<string, (data: unknown) => string>()
  return (routeSchema) => {
    const key = JSON.stringify(routeSchema.schema)
    let serializer = cache.get(key)
    if (serializer === undefined) {
      // A fresh factory product per compile: the default one drops a schema's own $id from its
      // (shared) external set when a route answers that schema directly.
      serializer = factory({ ...external }, {})({ method: routeSchema.method, url: routeSchema.url, httpStatus: routeSchema.httpStatus ?? '', schema: routeSchema.schema })
      cache.set(key, serializer)
    }
    return serializer
  }
}
