/**
 * Intercom's notification signature: `X-Hub-Signature: sha1=<40 lowercase hex>`, an HMAC-SHA1
 * (RFC 2104) over the raw body bytes keyed with the app's client secret. Verified on the bytes as
 * received, before any JSON parsing, with a constant-time comparison.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** The `X-Hub-Signature` value Intercom sends for `raw` (also what the emulator sends). */
export function signIntercom (raw: Buffer | string, secret: string): string {
  return `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`
}

const SIGNATURE_RE = /^sha1=[0-9a-fA-F]{40}$/

/**
 * Check `header` against the HMAC of `raw`: 'missing' when there is no header, 'invalid' when it is
 * malformed or does not match. The digest comparison is constant-time (`crypto.timingSafeEqual`).
 */
export function verifyIntercomSignature (raw: Buffer, header: string | string[] | undefined, secret: string): 'ok' | 'missing' | 'invalid' {
  if (header === undefined || header === '') return 'missing'
  if (Array.isArray(header) || !SIGNATURE_RE.test(header)) return 'invalid'
  const expected = createHmac('sha1', secret).update(raw).digest()
  const given = Buffer.from(header.slice(5), 'hex')
  return timingSafeEqual(expected, given) ? 'ok' : 'invalid'
}
