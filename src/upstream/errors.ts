/**
 * Every error of the upstream layer, and the ONE table of undici / Node error codes. The client and
 * its interceptors throw these; the problem-details plugin maps them to RFC 9457 answers. They know
 * nothing of Fastify.
 *
 * - `UpstreamHttpError`: Intercom answered with a 4xx/5xx.
 * - `UpstreamNetworkError`: no usable answer (see `kind`).
 * - `RateBudgetExhaustedError`: the call could not start before its deadline (→ 429 + Retry-After).
 * - `DeadlineExceededError`: the deadline passed after the call had started (→ 504).
 * - `CallCancelledError`: the caller went away before the call was sent; nothing reached Intercom.
 */

/** One entry of Intercom's `error.list` body. */
export interface IntercomErrorItem { code: string; message?: string; field?: string }

/** Where a failed call stood, for the caller's problem body and for the retry policy. */
export interface CallInfo {
  /** Intercom operationId, or `passthrough`. */
  operationId: string
  method: string
  path: string
}

/**
 * What went wrong when no usable answer came back.
 * - `connect`: the connection was never made (refused, DNS, connect timeout): the request was not sent.
 * - `timeout`: no headers or body in time after sending.
 * - `reset`: the socket failed after the request may have been written.
 * - `aborted`: our caller went away or its deadline passed.
 * - `protocol`: Intercom answered with something that is not a usable answer: a 2xx whose body is
 *   not JSON or is cut short, or a 3xx (the API never redirects).
 * - `too_large`: the answer was larger than UPSTREAM_MAX_ANSWER_BYTES; the call was aborted.
 */
export type NetworkErrorKind = 'connect' | 'timeout' | 'reset' | 'aborted' | 'protocol' | 'too_large'

/**
 * The one table of undici / Node error codes, by what they say about the call. The retry table
 * (retry/table.ts) and `classifyNetworkError` both read it. A code not listed is a `reset` for the
 * caller and never retried.
 */
export const ERROR_CODES: ReadonlyMap<string, NetworkErrorKind> = new Map<string, NetworkErrorKind>([
  // No connection was made: nothing was sent.
  ['ECONNREFUSED', 'connect'], ['ENOTFOUND', 'connect'], ['EAI_AGAIN', 'connect'], ['EHOSTUNREACH', 'connect'],
  ['ENETUNREACH', 'connect'], ['ENETDOWN', 'connect'], ['EHOSTDOWN', 'connect'], ['UND_ERR_CONNECT_TIMEOUT', 'connect'],
  // Sent, then no headers or body in time.
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'], ['UND_ERR_BODY_TIMEOUT', 'timeout'], ['ETIMEDOUT', 'timeout'],
  // The socket failed; the request may have been written (the retry table asks whether it was).
  ['ECONNRESET', 'reset'], ['EPIPE', 'reset'], ['UND_ERR_SOCKET', 'reset'], ['UND_ERR_CLOSED', 'reset'],
  // We stopped it (the caller went away, or its deadline).
  ['UND_ERR_ABORTED', 'aborted'], ['UND_ERR_ABORT', 'aborted'], ['ABORT_ERR', 'aborted'],
  // The answer's body ended before its content-length: cut short.
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'protocol'],
  // The answer was larger than we read into memory (answer-handler.ts aborts with undici's error).
  ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'too_large']
])

/** The kind `err` is of, by its code (or an AbortError's name); undefined for a code not in `ERROR_CODES`. */
export function networkErrorKind (err: unknown): NetworkErrorKind | undefined {
  const code = (err as { code?: unknown } | null)?.code
  const kind = typeof code === 'string' ? ERROR_CODES.get(code) : undefined
  if (kind !== undefined) return kind
  return (err as Error | null)?.name === 'AbortError' ? 'aborted' : undefined
}

/** Intercom answered with a non-2xx status. `body` is the parsed `error.list` when there was one. */
export class UpstreamHttpError extends Error {
  override name = 'UpstreamHttpError'
  readonly status: number
  /** Intercom's `request_id` (body), else its `x-request-id` header. */
  readonly requestId: string | undefined
  readonly errors: IntercomErrorItem[]
  /** Raw `Retry-After` header value, if any (seconds or HTTP-date). */
  readonly retryAfter: string | undefined
  readonly call: CallInfo
  readonly body: unknown

  constructor (opts: { status: number, body: unknown, headers: Record<string, string | string[] | undefined>, call: CallInfo }) {
    const b = (opts.body ?? {}) as { request_id?: unknown, errors?: unknown }
    const errors = Array.isArray(b.errors)
      ? b.errors.filter((e): e is IntercomErrorItem => typeof e === 'object' && e !== null && typeof (e as IntercomErrorItem).code === 'string')
      : []
    super(`Intercom ${opts.call.operationId} answered ${opts.status}${errors[0] ? `: ${errors[0].code}${errors[0].message ? ` (${errors[0].message})` : ''}` : ''}`)
    this.status = opts.status
    this.body = opts.body
    this.errors = errors
    const headerId = opts.headers['x-request-id']
    this.requestId = typeof b.request_id === 'string' ? b.request_id : (typeof headerId === 'string' ? headerId : undefined)
    const ra = opts.headers['retry-after']
    this.retryAfter = typeof ra === 'string' ? ra : undefined
    this.call = opts.call
  }
}

/** No usable answer from Intercom; `kind` says why (see `NetworkErrorKind`). */
export class UpstreamNetworkError extends Error {
  override name = 'UpstreamNetworkError'
  readonly kind: NetworkErrorKind
  readonly call: CallInfo
  /** False only when we know the request never left this process. */
  readonly maybeSent: boolean

  constructor (kind: NetworkErrorKind, call: CallInfo, cause: unknown) {
    super(`Intercom ${call.operationId}: ${kind} (${(cause as { code?: string })?.code ?? (cause as Error)?.message ?? 'unknown'})`, { cause })
    this.kind = kind
    this.call = call
    this.maybeSent = kind !== 'connect'
  }
}

/**
 * The call could not start before its deadline (or within RATE_QUEUE_MAX_WAIT_MS, or the queue was
 * full): nothing was sent. `retryAfterMs` is when a slot is expected (milliseconds from now).
 */
export class RateBudgetExhaustedError extends Error {
  override name = 'RateBudgetExhaustedError'
  readonly code = 'RATE_BUDGET_EXHAUSTED'
  readonly retryAfterMs: number
  readonly why: 'deadline' | 'max_wait' | 'queue_full'
  constructor (why: RateBudgetExhaustedError['why'], retryAfterMs: number) {
    super(`Intercom rate budget exhausted (${why}); a slot is expected in ${Math.ceil(retryAfterMs)} ms`)
    this.why = why
    this.retryAfterMs = Math.max(0, retryAfterMs)
  }
}

/**
 * The caller's deadline (X-Request-Deadline-Ms or REQUEST_DEADLINE_MS) ran out after the call had
 * started. `maybeSent` is true when an attempt was in flight or had reached Intercom, so a write
 * may or may not have been applied.
 */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError'
  readonly code = 'DEADLINE_EXCEEDED'
  maybeSent: boolean
  constructor (maybeSent: boolean) {
    super('The request deadline passed before Intercom answered')
    this.maybeSent = maybeSent
  }
}

/**
 * The caller went away (its connection closed) while the call waited for rate budget or a retry
 * backoff: the call was dropped and nothing (more) was sent to Intercom. Nobody is left to answer;
 * it is logged and counted (`intercom_calls_cancelled_total`).
 */
export class CallCancelledError extends Error {
  override name = 'CallCancelledError'
  readonly code = 'CALL_CANCELLED'
  /** nginx's "client closed request": below 500, so the error handler does not log it as a fault. */
  readonly statusCode = 499
  constructor () {
    super('The caller went away before the call was sent to Intercom')
  }
}

/** Turn an undici / socket error into an `UpstreamNetworkError` (errors of this module pass through). */
export function classifyNetworkError (err: unknown, call: CallInfo): Error {
  if (err instanceof UpstreamHttpError || err instanceof UpstreamNetworkError) return err
  if (err instanceof RateBudgetExhaustedError || err instanceof DeadlineExceededError || err instanceof CallCancelledError) return err
  return new UpstreamNetworkError(networkErrorKind(err) ?? 'reset', call, err)
}
