/**
 * Upstream path building, and the one rule for every value placed in an Intercom path.
 *
 * The rule (`PATH_VALUE_RULE` for schemas, `pathValueProblem` for code): 1..255 characters
 * (code points, as JSON Schema counts), not `.` or `..`, no control character (U+0000..U+001F,
 * U+007F), no unpaired UTF-16 surrogate (which cannot be percent-encoded: `encodeURIComponent`
 * throws). The id schemas (schemas/common.ts `OpaqueIdSchema`, the contacts' external_id) and the
 * catalog's path parameters (src/facade/operations.ts) all use it, so a value is refused the same
 * way, with a 400 naming its field, wherever it would go upstream.
 *
 * Every value placed in a path is then percent-encoded as one segment, and a segment made only of
 * dots is encoded too (`..` → `%2E%2E`), so a caller's id such as `../admins` or `..` can never
 * reach another Intercom endpoint.
 */
import createError from '@fastify/error'

/** Longest path value, in code points. */
export const PATH_VALUE_MAX_LENGTH = 255

/**
 * The rule as a JSON Schema `pattern` (Ajv compiles patterns with the `u` flag, so a surrogate
 * pair is one code point, allowed, and a lone surrogate is refused).
 */
export const PATH_VALUE_PATTERN = '^(?!\\.{1,2}$)[^\\u0000-\\u001F\\u007F\\uD800-\\uDFFF]+$'

const PATH_VALUE_RE = new RegExp(PATH_VALUE_PATTERN, 'u')

/** The rule as JSON Schema keywords, for `Type.String({ ...PATH_VALUE_RULE, description })`. */
export const PATH_VALUE_RULE = { minLength: 1, maxLength: PATH_VALUE_MAX_LENGTH, pattern: PATH_VALUE_PATTERN } as const

/** What a value breaking the rule is told (field errors read `<field> <message>`). */
export const PATH_VALUE_MESSAGE = 'must not be . or .., nor contain control characters or unpaired UTF-16 surrogates'

/**
 * Why `value` may not go into an Intercom path, as a field-error message, or undefined when it may.
 * The same rule as `PATH_VALUE_RULE`.
 */
export function pathValueProblem (value: string): string | undefined {
  if (value.length === 0) return 'must not be empty'
  if (value.length > PATH_VALUE_MAX_LENGTH && [...value].length > PATH_VALUE_MAX_LENGTH) return `must be at most ${PATH_VALUE_MAX_LENGTH} characters`
  return PATH_VALUE_RE.test(value) ? undefined : PATH_VALUE_MESSAGE
}

/**
 * A value that reached path building although it cannot be percent-encoded (an unpaired surrogate
 * in a value no schema checked). 400, never a 500; the schemas name the field before this happens.
 */
export const BadPathValueError = createError('FACADE_BAD_PATH_VALUE', 'A path value %s', 400)

/**
 * Percent-encode one path segment, dots-only segments included. The rule is checked where the
 * value comes in (schemas, the catalog), not again here: this stays one `encodeURIComponent`.
 * @throws BadPathValueError (400) for a value that cannot be encoded (an unpaired surrogate)
 */
export function encodeSegment (value: string | number): string {
  const s = String(value)
  if (s.charCodeAt(0) === 0x2e && /^\.+$/.test(s)) return s.replace(/\./g, '%2E')
  try {
    return encodeURIComponent(s)
  } catch {
    throw new BadPathValueError(PATH_VALUE_MESSAGE)
  }
}

/**
 * Tagged template for upstream paths: literal parts are kept, every interpolated value is one
 * encoded segment. `ipath\`/contacts/${id}/tags\`` → `/contacts/a%2Fb/tags` for id `a/b`.
 * @throws BadPathValueError (400) for a value that cannot be encoded
 */
export function ipath (strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0]
  for (let i = 0; i < values.length; i++) out += encodeSegment(values[i]) + strings[i + 1]
  return out
}

/** Serialise a query object (`undefined` values skipped, arrays repeated) to `?a=1&b=2`, or ''. */
export function toQueryString (query: Record<string, unknown> | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v))
    else params.append(key, String(value))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}
