/**
 * Upstream error types. The client throws these; the problem-details plugin maps them to RFC 9457
 * answers. They know nothing of Fastify.
 */
import { DeadlineExceededError, RateBudgetExhaustedError } from './policy-errors.js'

/** One entry of Intercom's `error.list` body. */
export interface IntercomErrorItem { code: string; message?: string; field?: string }

/** Where a failed call stood, for the caller's problem body and for the retry policy. */
export interface CallInfo {
  /** Intercom operationId, or `passthrough`. */
  operationId: string
  method: string
  path: string
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

/**
 * No usable answer from Intercom.
 * - `connect`: the connection was never made (refused, DNS, connect timeout): the request was not sent.
 * - `timeout`: no headers or body in time after sending.
 * - `reset`: the socket failed after the request may have been written.
 * - `aborted`: our caller went away or its deadline passed.
 * - `protocol`: Intercom answered 2xx with a body that is not JSON.
 */
export class UpstreamNetworkError extends Error {
  override name = 'UpstreamNetworkError'
  readonly kind: 'connect' | 'timeout' | 'reset' | 'aborted' | 'protocol'
  readonly call: CallInfo
  /** False only when we know the request never left this process. */
  readonly maybeSent: boolean

  constructor (kind: UpstreamNetworkError['kind'], call: CallInfo, cause: unknown) {
    super(`Intercom ${call.operationId}: ${kind} (${(cause as { code?: string })?.code ?? (cause as Error)?.message ?? 'unknown'})`, { cause })
    this.kind = kind
    this.call = call
    this.maybeSent = kind !== 'connect'
  }
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'UND_ERR_ABORT', 'ABORT_ERR'])

/** Turn an undici / socket error into an `UpstreamNetworkError` (already-typed errors pass through). */
export function classifyNetworkError (err: unknown, call: CallInfo): Error {
  if (err instanceof UpstreamHttpError || err instanceof UpstreamNetworkError) return err
  if (err instanceof RateBudgetExhaustedError || err instanceof DeadlineExceededError) return err
  const code = (err as { code?: string })?.code ?? ''
  const name = (err as Error)?.name
  if (CONNECT_CODES.has(code)) return new UpstreamNetworkError('connect', call, err)
  if (TIMEOUT_CODES.has(code)) return new UpstreamNetworkError('timeout', call, err)
  if (ABORT_CODES.has(code) || name === 'AbortError') return new UpstreamNetworkError('aborted', call, err)
  return new UpstreamNetworkError('reset', call, err)
}
