/**
 * Response serializer factory that compiles each distinct response schema once per schema context.
 *
 * Every route declares the same ten problem answers (`upstreamErrorResponses`), so Fastify's
 * default factory compiles ten identical fast-json-stringify serializers per route; with ~50 routes
 * that was most of the start-up (and of every test's `build`). This factory wraps Fastify's own
 * (`@fastify/fast-json-stringify-compiler`) and reuses the serializer of a structurally equal schema.
 * Compilation stays eager (a bad response schema still fails at start-up), and each schema context
 * keeps its own external schemas, as with the default.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

type Factory = ReturnType<typeof SerializerSelector>

/** A `schemaController.compilersFactory.buildSerializer` that memoises by schema content. */
export const buildMemoizedSerializer: Factory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options)
  const cache = new Map<string, ReturnType<typeof compile>>()
  return (routeDef) => {
    const key = JSON.stringify(routeDef.schema)
    let serializer = cache.get(key)
    if (serializer === undefined) {
      serializer = compile(routeDef)
      cache.set(key, serializer)
    }
    return serializer
  }
}
