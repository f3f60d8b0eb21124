/**
 * What the request log may say about a request (pino serializers for `fastifyOptions`, src/app.ts).
 *
 * A request is logged by its route pattern and a redacted query, never its raw URL: a caller's
 * `?api_key=` (refused, but sent) or `?email=`, or an email used as an id in a path, must not land
 * in the log in clear. Query keys are kept (when they look like keys); values are kept only for
 * parameters that carry page sizes, flags or enumerations (`LOGGED_QUERY_VALUES`), and only when
 * short and plain; every other value is `[redacted]`. A logged error's upstream `call.path` is
 * redacted the same way (a passthrough path carries the caller's query), and a path segment that
 * holds an email (an external_id) too.
 */
import { stdSerializers } from 'pino'

const REDACTED = '[redacted]'

/** Query parameters whose (short, plain) values are logged: they never carry a credential or personal data. */
const LOGGED_QUERY_VALUES: ReadonlySet<string> = new Set(['per_page', 'page', 'summary', 'all', 'display_as', 'order', 'sort', 'include_count', 'type'])

const PLAIN_KEY_RE = /^[A-Za-z0-9_.[\]-]{1,64}$/
const PLAIN_VALUE_RE = /^[A-Za-z0-9_.-]{1,32}$/

/**
 * A query string (without `?`) with every value not in `LOGGED_QUERY_VALUES` replaced by
 * `[redacted]`, and keys that do not look like keys too. `''` stays `''`.
 */
export function redactQuery (query: string): string {
  if (query === '') return ''
  const parts = query.split('&')
  for (let i = 0; i < parts.length; i++) {
    const eq = parts[i].indexOf('=')
    const key = eq === -1 ? parts[i] : parts[i].slice(0, eq)
    if (!PLAIN_KEY_RE.test(key)) { parts[i] = REDACTED; continue }
    if (eq === -1) continue
    const value = parts[i].slice(eq + 1)
    parts[i] = `${key}=${LOGGED_QUERY_VALUES.has(key) && PLAIN_VALUE_RE.test(value) ? value : REDACTED}`
  }
  return parts.join('&')
}

const EMAIL_IN_SEGMENT_RE = /@|%40/i

/**
 * An upstream path as it may be logged: a segment that holds an email (`@`, raw or encoded, as an
 * external_id may) is `[redacted]`, and the query is redacted (`redactQuery`):
 * `/contacts/find_by_external_id/ada%40x.co?email=a@b.co` → `/contacts/find_by_external_id/[redacted]?email=[redacted]`.
 */
export function redactPath (path: string): string {
  const q = path.indexOf('?')
  const bare = q === -1 ? path : path.slice(0, q)
  const segments = EMAIL_IN_SEGMENT_RE.test(bare) ? bare.split('/').map((s) => (EMAIL_IN_SEGMENT_RE.test(s) ? REDACTED : s)).join('/') : bare
  return q === -1 ? segments : `${segments}?${redactQuery(path.slice(q + 1))}`
}

/** What Fastify hands the `req` serializer (a FastifyRequest). */
interface LoggedRequest {
  method: string
  url: string
  host?: string
  ip?: string
  socket?: { remotePort?: number }
  routeOptions?: { url?: string }
}

/**
 * pino serializers: `req` logs `{ method, route, query, host, remoteAddress, remotePort }`
 * (`route` is the route pattern such as `/contacts/:id`, or `unmatched`, as in the metrics);
 * `err` is pino's, with an upstream `call.path` through `redactPath`.
 */
export const logSerializers = {
  req (request: LoggedRequest) {
    const q = request.url.indexOf('?')
    return {
      method: request.method,
      route: request.routeOptions?.url ?? 'unmatched',
      query: q === -1 ? undefined : redactQuery(request.url.slice(q + 1)),
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort
    }
  },
  err (err: Error) {
    const out = stdSerializers.err(err)
    const call = out?.call as { path?: unknown } | undefined
    if (typeof call?.path !== 'string') return out
    return { ...out, call: { ...call, path: redactPath(call.path) } }
  }
}
