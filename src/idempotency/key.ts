/**
 * The Idempotency-Key header, the caller's scope and the request fingerprint.
 *
 * - Key: an opaque string of 1..255 printable ASCII characters (0x20..0x7E). The IETF draft's
 *   structured-field form (`"abc"`, quoted) is accepted and means the same key as `abc`.
 * - Scope: who the caller is. With inbound auth on, a hash of the API key it presented
 *   (src/plugins/auth.ts `presentedKey`); with auth off, one fixed scope. The store key is
 *   `sha256(scope, key)`, so one API key can never reach another's record.
 * - Fingerprint: `sha256(method, path with query, canonical body)`; the canonical body is JSON
 *   with object keys sorted (so key order does not matter), or the raw bytes for a body that is
 *   not JSON (the passthrough's).
 */
import { createHash } from 'node:crypto'

/** Largest accepted key length. */
export const MAX_KEY_LENGTH = 255

const KEY_RE = /^[\x20-\x7e]{1,255}$/

/** The key a header value names, or undefined when it is not 1..255 printable ASCII characters. */
export function parseIdempotencyKey (value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined
  const key = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
  return KEY_RE.test(key) ? key : undefined
}

/** The scope of a caller: a hash of its API key, or `open` with inbound auth off. */
export function callerScope (apiKey: string | undefined, authEnabled: boolean): string {
  if (!authEnabled || apiKey === undefined) return 'open'
  return createHash('sha256').update(apiKey, 'utf8').digest('base64url').slice(0, 22)
}

/** The store key of `key` for a caller `scope`. */
export function storeKey (scope: string, key: string): string {
  return createHash('sha256').update(scope).update('\n').update(key).digest('base64url')
}

/** JSON with object keys in sorted order at every level; `undefined` for an absent body. */
export function canonicalJson (value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v) ?? 'null').join(',')}]`
  const obj = value as Record<string, unknown>
  const parts: string[] = []
  for (const k of Object.keys(obj).sort()) {
    const v = canonicalJson(obj[k])
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`)
  }
  return `{${parts.join(',')}}`
}

/**
 * The fingerprint of a request: method, path with query string, and the body (parsed JSON in
 * canonical form; a Buffer as JSON when it parses, else its bytes).
 */
export function fingerprint (method: string, url: string, body: unknown): string {
  const h = createHash('sha256').update(method.toUpperCase()).update('\n').update(url).update('\n')
  if (Buffer.isBuffer(body)) {
    let parsed: unknown
    try { parsed = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined } catch { parsed = body }
    if (parsed === body) h.update('raw\n').update(body)
    else h.update('json\n').update(canonicalJson(parsed) ?? '')
  } else {
    h.update('json\n').update(canonicalJson(body) ?? '')
  }
  return h.digest('base64url')
}
