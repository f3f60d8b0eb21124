/**
 * The route validator compiler. Bodies are validated strictly (no type coercion: `"1"` is not a
 * number); path, query and headers are coerced as Fastify does by default (`?per_page=10` is 10).
 * Unknown fields are rejected by the schemas (`additionalProperties: false`), never silently
 * removed, and every failing field is reported (`allErrors`).
 */
import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

function makeAjv (coerceTypes: Options['coerceTypes'], shared: object[]): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes, strict: false })
  addFormats.default(ajv)
  for (const s of shared) ajv.addSchema(s)
  return ajv
}

/** Build Fastify's validator compiler over the given shared (`$id`) schemas. */
export function validatorCompiler (shared: object[]): FastifySchemaCompiler<unknown> {
  const strict = makeAjv(false, shared)
  const coercing = makeAjv('array', shared)
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object)
}
