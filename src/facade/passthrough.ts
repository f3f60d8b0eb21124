/**
 * The raw passthrough (`/intercom/*`) in one module, shaped like @fastify/reply-from's
 * `reply.from()`: `forward(request, reply)` sends the caller's method, path, query and body to
 * Intercom through the shared client (our token, Intercom-Version, rate budget, retry policy and
 * deadline), and sends Intercom's status, headers and body back. What it does, in order:
 *
 * 0. **Methods** (`PASSTHROUGH_METHODS`): only those Intercom's API uses are routed to `forward`;
 *    any other is answered 405 with `Allow` by `refuseMethod`, before anything is sent.
 * 1. **Path check** (`upstreamTarget`): the part of the raw request target after the route's prefix
 *    goes upstream as sent (never decoded or re-encoded), once it is known to name exactly one
 *    Intercom endpoint: origin-form only (no `http://host/...`), no empty segment, no `.`/`..`
 *    segment (raw, percent-encoded, or `..;`), no encoded slash or backslash, no control
 *    character, no malformed percent-encoding. Else `BadPathError` (400).
 * 2. **Request headers** (`upstreamRequestHeaders`): only the caller's headers that describe the
 *    body or a conditional request, and an `Accept` naming a media type, cross; the caller's
 *    credentials, cookies and hop-by-hop headers never do (the client adds our own `Authorization`,
 *    `Accept: application/json` unless the caller named one, `Intercom-Version`, `X-Request-Id`).
 * 3. **Body buffering** (`bufferSmallBody`, the content-type parser of the passthrough routes): a
 *    body with a `Content-Length` up to `BUFFERED_BODY_MAX_BYTES` is read into one Buffer, so it
 *    goes upstream in one write and can be sent again (a 429 is retried like any facade call); a
 *    larger or unsized body is streamed and sent once (src/upstream/retry/table.ts).
 * 4. **Abort wiring**: when the caller goes away before its answer is written, the upstream
 *    request is cancelled (`ForwardHandler.abort`), whether it is queued, in flight or streaming.
 * 5. **Answer headers** (`callerAnswerHeaders`): hop-by-hop headers (RFC 9110 §7.6.1) and those the
 *    `Connection` header names are dropped; so is `Set-Cookie`, by its own rule (a cookie Intercom
 *    sets belongs to our token's session, not to the caller); Intercom's `X-Request-Id` comes back
 *    as `Intercom-Request-Id`, since the caller's own X-Request-Id is echoed.
 *
 * This is the bench's hot path: no per-request work beyond these steps (the common path is one
 * regex, a five-name header copy and one loop over Intercom's answer headers).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { BadPathError, MethodNotAllowedError } from '../errors.js'
import { ForwardHandler } from '../upstream/forward-handler.js'

/** Bodies up to this size (bytes, from `Content-Length`) are buffered; larger or unsized ones are streamed. */
export const BUFFERED_BODY_MAX_BYTES = 64 * 1024

/**
 * The methods the passthrough forwards: those Intercom's API uses (its 2.14..2.16 descriptions
 * declare GET, POST, PUT, DELETE and, from 2.16, PATCH). Every other method is refused with 405
 * before anything is sent: `TRACE` (an upstream or intermediary that reflects it would hand our
 * `Authorization` back to the caller), `HEAD` and `OPTIONS` (Intercom declares neither; a HEAD
 * would spend a rate-budget slot to learn what a GET tells, and this service serves no CORS, so an
 * OPTIONS preflight has nothing to ask Intercom), `QUERY`. `CONNECT` never reaches a route (Node's
 * server has no `connect` listener here, so the socket is closed).
 */
export const PASSTHROUGH_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** The `Allow` header of a 405. */
const ALLOW = PASSTHROUGH_METHODS.join(', ')

/** Segments of unreserved characters (RFC 3986) not starting with `.`: nothing to decode or refuse. */
const PLAIN_PATH_RE = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/

/** `.` or `..`, alone or with `;` path parameters (`..;x`, which some servers read as `..`). */
const DOT_SEGMENT_RE = /^\.\.?(?:;|$)/

const SLASH = 0x2f

/**
 * Check a raw passthrough request target (`url`, as the request line had it) and return the part
 * after the route's `prefix`, query string included, as it goes upstream, unchanged (never decoded
 * or re-encoded): once it is known to name exactly one Intercom endpoint.
 * @throws BadPathError (400) for an absolute-form target (`http://host/...`: this service is not a
 *   proxy), a missing path, an empty segment (`//`, or a trailing `/`), a `.`/`..` segment (raw,
 *   percent-encoded, or with `;` parameters as in `..;`), an encoded slash or backslash, a control
 *   character, malformed percent-encoding
 */
export function upstreamTarget (url: string, prefix: string): string {
  if (url.charCodeAt(0) !== SLASH) throw new BadPathError(JSON.stringify(url.split('?')[0]), 'absolute-form request targets are refused; send the path only')
  const raw = url.slice(prefix.length)
  const q = raw.indexOf('?')
  const path = q === -1 ? raw : raw.slice(0, q)
  // The common case, decided by one regex: no `%`, `;`, `\\` or control character anywhere, no
  // empty segment, and no segment that starts with a dot (so none is `.` or `..`).
  if (PLAIN_PATH_RE.test(path)) return raw
  if (!path.startsWith('/') || path.length < 2) throw new BadPathError(JSON.stringify(path), `an Intercom path is required after ${prefix}`)
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') throw new BadPathError(JSON.stringify(path), 'empty segments are refused')
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      throw new BadPathError(JSON.stringify(path), 'malformed percent-encoding')
    }
    if (DOT_SEGMENT_RE.test(decoded)) throw new BadPathError(JSON.stringify(path), 'dot segments are refused')
    if (decoded.includes('/') || decoded.includes('\\')) throw new BadPathError(JSON.stringify(path), 'encoded slashes are refused')
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new BadPathError(JSON.stringify(path), 'control characters are refused')
  }
  return raw
}

/**
 * The caller's request headers that go upstream: the body's, a conditional request's, and `accept`
 * (Intercom's download endpoints require `Accept: application/octet-stream`); an `Accept: *\/*`
 * (what most clients send by default) is dropped, so the client's `application/json` goes.
 * Everything else is dropped.
 */
const CALLER_HEADERS_SENT_UPSTREAM = ['content-type', 'content-length', 'accept', 'accept-language', 'if-none-match', 'if-modified-since']

/** The caller's headers that go upstream (see `CALLER_HEADERS_SENT_UPSTREAM`). */
export function upstreamRequestHeaders (headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of CALLER_HEADERS_SENT_UPSTREAM) {
    const v = headers[name]
    if (typeof v === 'string' && !(v === '*/*' && name === 'accept')) out[name] = v
  }
  return out
}

/** Hop-by-hop headers (RFC 9110 §7.6.1, plus the legacy `proxy-connection`, `keep-alive` and RFC 2616's proxy auth pair): they describe one connection, never the answer. */
const HOP_BY_HOP_HEADERS = ['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']

/** End-to-end headers that still stay here: a cookie Intercom sets belongs to our token's session, not the caller. */
const SERVICE_SESSION_HEADERS = ['set-cookie']

/** Every answer header name that never reaches the caller (one lookup per header). */
const DROPPED_ANSWER_HEADERS: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, ...SERVICE_SESSION_HEADERS])

/**
 * Intercom's answer headers as they go back to the caller: `DROPPED_ANSWER_HEADERS` and the headers
 * Intercom's `Connection` names are dropped; `x-request-id` is renamed `intercom-request-id`.
 */
export function callerAnswerHeaders (headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const connection = headers.connection
  // `Connection: keep-alive` (or close), the usual value, names no other header.
  const named = connection === undefined || connection === 'keep-alive' || connection === 'close'
    ? undefined
    : new Set(String(connection).toLowerCase().split(',').map((s) => s.trim()).filter(Boolean))
  const out: Record<string, string | string[]> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined || DROPPED_ANSWER_HEADERS.has(name) || named?.has(name) === true) continue
    if (name === 'x-request-id') out['intercom-request-id'] = value
    else out[name] = value
  }
  return out
}

/**
 * The passthrough routes' content-type parser (any content type): a body with a `Content-Length`
 * up to `BUFFERED_BODY_MAX_BYTES` becomes one Buffer, anything else stays the request stream.
 * Bodies are never parsed. BODY_LIMIT_BYTES applies (src/plugins/json-body.ts, preParsing).
 */
export function bufferSmallBody (request: FastifyRequest, payload: Readable, done: (err: Error | null, body?: Buffer | Readable) => void): void {
  const length = Number(request.headers['content-length'])
  if (!(length <= BUFFERED_BODY_MAX_BYTES)) { done(null, payload); return }
  const chunks: Buffer[] = []
  payload.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  payload.once('end', () => { done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)) })
  payload.once('error', (err) => { done(err) })
}

/**
 * The passthrough route handler (`this` is the instance the route is registered on; its prefix is
 * cut from the raw target). Sends the request to Intercom with `client.forwardWith` and Intercom's
 * answer back: status as is, headers through `callerAnswerHeaders`, body as one Buffer or a stream.
 * @throws BadPathError (400) before anything is sent, for a path `upstreamTarget` refuses
 * @throws UpstreamNetworkError when no answer came back (mapped by src/plugins/problem-details.ts)
 */
export async function forward (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = upstreamTarget(request.raw.url!, this.prefix)
  const handler = new ForwardHandler()
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) handler.abort() })
  const answer = await this.intercom.forwardWith(request, {
    method: request.method,
    path,
    headers: upstreamRequestHeaders(request.headers),
    body: request.body as Buffer | Readable | undefined
  }, handler)
  return reply.code(answer.statusCode).headers(callerAnswerHeaders(answer.headers)).send(answer.body)
}

/**
 * The answer to every method not in `PASSTHROUGH_METHODS` (an `onRequest` hook, so no body is
 * read; also usable as the handler): 405 with `Allow`, nothing sent.
 * @throws MethodNotAllowedError (405)
 */
export async function refuseMethod (request: FastifyRequest, reply: FastifyReply): Promise<never> {
  reply.header('allow', ALLOW)
  throw new MethodNotAllowedError(request.method, ALLOW)
}
