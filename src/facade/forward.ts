/**
 * Passthrough helpers: which path may go upstream, and which headers cross in each direction.
 */
import { BadPathError } from '../errors.js'

/** Segments of unreserved characters (RFC 3986) not starting with `.`: nothing to decode or refuse. */
const PLAIN_PATH_RE = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/

/**
 * Check a raw passthrough path (what follows `/intercom`, query string included) and return it as
 * it goes upstream. Refuses `.`/`..` segments (raw or percent-encoded), encoded slashes and
 * backslashes, control characters and malformed percent-encoding, so a caller can only ever reach
 * the Intercom endpoint the path names.
 * @throws BadPathError (400)
 */
export function checkForwardPath (raw: string): string {
  const q = raw.indexOf('?')
  const path = q === -1 ? raw : raw.slice(0, q)
  // The common case, decided by one regex: no `%`, `\\` or control character anywhere, and no
  // segment that starts with a dot (so none is `.` or `..`).
  if (PLAIN_PATH_RE.test(path)) return raw
  if (!path.startsWith('/') || path.length < 2) throw new BadPathError(JSON.stringify(path), 'an Intercom path is required after /intercom')
  for (const segment of path.slice(1).split('/')) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      throw new BadPathError(JSON.stringify(path), 'malformed percent-encoding')
    }
    if (decoded === '.' || decoded === '..') throw new BadPathError(JSON.stringify(path), 'dot segments are refused')
    if (decoded.includes('/') || decoded.includes('\\')) throw new BadPathError(JSON.stringify(path), 'encoded slashes are refused')
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new BadPathError(JSON.stringify(path), 'control characters are refused')
  }
  return raw
}

/** Request headers a caller may send through (everything else, auth and hop-by-hop included, is dropped). */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'content-length', 'accept-language', 'if-none-match', 'if-modified-since']

/** The caller's headers that go upstream. */
export function forwardRequestHeaders (headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const v = headers[name]
    if (typeof v === 'string') out[name] = v
  }
  return out
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'set-cookie'])

/**
 * Intercom's answer headers that go back to the caller: hop-by-hop ones (and those named in
 * `Connection`) dropped; Intercom's `x-request-id` renamed `intercom-request-id`, since the
 * caller's own X-Request-Id is echoed.
 */
export function forwardResponseHeaders (headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const connection = headers.connection
  // `Connection: keep-alive` (or close), the usual value, names no other header.
  const named = connection === undefined || connection === 'keep-alive' || connection === 'close'
    ? undefined
    : new Set(String(connection).toLowerCase().split(',').map((s) => s.trim()).filter(Boolean))
  const out: Record<string, string | string[]> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name) === true) continue
    if (name === 'x-request-id') out['intercom-request-id'] = value
    else out[name] = value
  }
  return out
}
