/**
 * Passthrough helpers: which path may go upstream, and which headers cross in each direction.
 */
import { BadPathError } from '../errors.js'

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
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean))
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue
    if (name === 'x-request-id') out['intercom-request-id'] = value
    else out[name] = value
  }
  return out
}
