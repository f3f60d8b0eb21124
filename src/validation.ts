/**
 * Validation: the route validator compiler, and the one mapper from Ajv errors to the field errors
 * of a problem body (`fieldErrors`, used by problem-details for route schemas and by the operation
 * catalog for Intercom's own schemas).
 *
 * Bodies are validated strictly (no type coercion: `"1"` is not a number); path, query and headers
 * are coerced as Fastify does by default (`?per_page=10` is 10). Numbers must be finite
 * (`strictNumbers`: `Infinity`/`NaN` are not numbers; the JSON body parser refuses `1e309` anywhere
 * in a body, typed or not). Unknown fields are rejected by the schemas (`additionalProperties:
 * false`), never silently removed, and every failing field is reported (`allErrors`).
 */
import { Ajv, type ErrorObject, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import type { FieldError } from './errors.js'

/** The part of an Ajv error object the mappers read (Ajv's own `ErrorObject`, the one definition). */
export type AjvError = Pick<ErrorObject, 'instancePath' | 'keyword' | 'message' | 'params'>

function makeAjv (coerceTypes: Options['coerceTypes'], shared: object[]): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes, strict: false, strictNumbers: true })
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

/** A JSON pointer (`/a/b~1c`) as path segments (`['a', 'b/c']`). */
function segments (pointer: string): string[] {
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function showValue (v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/**
 * Turn Ajv errors into one entry per field, e.g. `body.email`, `params.id`, `querystring.per_page`
 * (`context` is the request part, default `body`). Messages of one field are joined with " or ";
 * `const` and `enum` failures name the allowed values (`must be one of: in_app, email`), and then
 * the union branches' type messages of that field are left out.
 */
export function fieldErrors (validation: readonly AjvError[], context: string | undefined): FieldError[] {
  const part = context ?? 'body'
  const byField = new Map<string, string[]>()
  const allowed = new Map<string, unknown[]>()
  for (const e of validation) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue
    let path = segments(e.instancePath)
    if (e.keyword === 'required') path = [...path, String(e.params.missingProperty)]
    if (e.keyword === 'additionalProperties') path = [...path, String(e.params.additionalProperty)]
    const field = [part, ...path].join('.')
    if (e.keyword === 'const' || e.keyword === 'enum') {
      const values = allowed.get(field) ?? []
      for (const v of e.keyword === 'const' ? [e.params.allowedValue] : (e.params.allowedValues as unknown[])) if (!values.includes(v)) values.push(v)
      allowed.set(field, values)
      if (!byField.has(field)) byField.set(field, [])
      continue
    }
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'additionalProperties') message = 'is not an accepted field'
    if (e.keyword === 'required') message = 'is required'
    const list = byField.get(field) ?? []
    if (!list.includes(message)) list.push(message)
    byField.set(field, list)
  }
  for (const [field, values] of allowed) {
    const oneOf = `must be one of: ${values.map(showValue).join(', ')}`
    // A union of literals also fails each branch's type check: the allowed values say it all.
    const others = (byField.get(field) ?? []).filter((m) => !/^must be (string|number|integer|boolean)$/.test(m))
    byField.set(field, [oneOf, ...others])
  }
  // A field that failed only through anyOf/oneOf (no branch error kept) still gets an entry.
  for (const e of validation) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue
    const field = [part, ...segments(e.instancePath)].join('.')
    const explained = [...byField.keys()].some((f) => f === field || f.startsWith(`${field}.`))
    if (!explained) byField.set(field, [e.message ?? 'is invalid'])
  }
  return [...byField].map(([field, messages]) => ({ field, message: messages.join(' or ') }))
}
