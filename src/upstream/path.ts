/**
 * Upstream path building. Every value placed in an Intercom path is percent-encoded, and a segment
 * made only of dots is encoded too (`..` → `%2E%2E`), so a caller's id such as `../admins` or `..`
 * can never reach another Intercom endpoint.
 */

/** Percent-encode one path segment, dots-only segments included. */
export function encodeSegment (value: string | number): string {
  const s = String(value)
  if (/^\.+$/.test(s)) return s.replace(/\./g, '%2E')
  return encodeURIComponent(s)
}

/**
 * Tagged template for upstream paths: literal parts are kept, every interpolated value is one
 * encoded segment. `ipath\`/contacts/${id}/tags\`` → `/contacts/a%2Fb/tags` for id `a/b`.
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
