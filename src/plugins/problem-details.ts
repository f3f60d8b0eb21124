/**
 * problem-details: the one error mapper (`problemFor`) and the error and not-found handlers that
 * answer with it. Every error the service answers with becomes an RFC 9457
 * `application/problem+json` body:
 * `{ type, title, status, detail, instance, code, errors?: [{ field, message }], upstream?: { status, request_id, errors } }`,
 * `code` one of the fixed `PROBLEM_CODES` (schemas/common.ts; README "Problem codes").
 *
 * Mapping (facade-api.md): schema validation → 400 with one entry per failing field; Intercom
 * 401/403/404/409/422 (and other 4xx) keep their status under a fixed `UPSTREAM_*` code, Intercom's
 * own codes stay under `upstream.errors`; Intercom 429 → 429 with `Retry-After`; Intercom 5xx →
 * 502; a 2xx lacking a required field → 502; connect failure → 503; no answer in time → 504; reset
 * after sending → 502. A failed write (`isNonIdempotent`) whose request may have reached Intercom
 * says so in `detail`. Library messages of 5xx errors and stacks are never sent; the original
 * error is logged. The `?all=true` NDJSON error line (src/facade/listing.ts) uses the same mapper.
 */
import { STATUS_CODES } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { UpstreamHttpError, UpstreamNetworkError } from '../upstream/errors.js'
import { isNonIdempotent } from '../upstream/methods.js'
import { DeadlineExceededError, RateBudgetExhaustedError } from '../upstream/errors.js'
import { UpstreamAnswerError, InvalidInputError, RouteNotFoundError } from '../errors.js'
import { fieldErrors, type AjvError } from '../validation.js'
import { ListStoppedError } from '../facade/pagination.js'
import { PROBLEM_CODES, type Problem, type ProblemCode } from '../../schemas/common.js'
import { CLIENT_CLOSED_REQUEST, isClientAbort } from '../client-abort.js'

export type { Problem } from '../../schemas/common.js'

/** What `problemFor` answers: the body and the headers to send with it (`Retry-After`). */
export interface MappedProblem { problem: Problem, headers: Record<string, string> }

const WRITE_NOTE = ' The write may or may not have been applied by Intercom; check before sending it again.'

/** The "may have been applied" sentence for a write (`isNonIdempotent(method)`), else nothing. */
function writeNote (method: string, maybeSent = true): string {
  return maybeSent && isNonIdempotent(method) ? WRITE_NOTE : ''
}

function problemType (code: string): string {
  return `urn:intercom-facade:problem:${code.toLowerCase().replace(/_/g, '-')}`
}

/** A problem body for `request`: type derived from `code`, title from `status`, instance from the path. */
export function build (request: FastifyRequest, status: number, code: ProblemCode, detail: string, extra?: Partial<Problem>): Problem {
  return {
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0],
    code,
    ...extra
  }
}

/** The fixed code of an Intercom 4xx answer (its own code is kept under `upstream.errors`). */
const UPSTREAM_4XX: Record<number, ProblemCode> = {
  400: 'UPSTREAM_BAD_REQUEST',
  401: 'UPSTREAM_UNAUTHORIZED',
  403: 'UPSTREAM_FORBIDDEN',
  404: 'UPSTREAM_NOT_FOUND',
  409: 'UPSTREAM_CONFLICT',
  422: 'UPSTREAM_UNPROCESSABLE'
}

/** The code of a 4xx this service refuses without one of its own codes (Fastify's, a plugin's). */
const CLIENT_4XX: Record<number, ProblemCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'FACADE_ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE'
}

function isProblemCode (code: unknown): code is ProblemCode {
  return typeof code === 'string' && Object.hasOwn(PROBLEM_CODES, code)
}

function fromUpstream (request: FastifyRequest, err: UpstreamHttpError | UpstreamNetworkError): MappedProblem {
  const headers: Record<string, string> = {}
  const { operationId, method } = err.call
  if (err instanceof UpstreamHttpError) {
    const upstream = { status: err.status, request_id: err.requestId ?? null, errors: err.errors.map(({ code, message }) => ({ code, message })) }
    const first = err.errors[0]
    const said = first ? `${first.code}${first.message ? `: ${first.message}` : ''}` : `status ${err.status}`
    if (err.status === 429) {
      headers['retry-after'] = err.retryAfter ?? '1'
      return { problem: build(request, 429, 'UPSTREAM_RATE_LIMITED', `Intercom refused ${operationId} for its rate limit (${said}).`, { upstream }), headers }
    }
    if (err.status >= 500) {
      return { problem: build(request, 502, 'UPSTREAM_ERROR', `Intercom failed ${operationId} with ${err.status} (${said}).${writeNote(method)}`, { upstream }), headers }
    }
    return { problem: build(request, err.status, UPSTREAM_4XX[err.status] ?? 'UPSTREAM_REJECTED', `Intercom ${operationId}: ${said}`, { upstream }), headers }
  }
  const note = writeNote(method, err.maybeSent)
  switch (err.kind) {
    case 'connect':
      headers['retry-after'] = '1'
      return { problem: build(request, 503, 'UPSTREAM_UNAVAILABLE', `Intercom could not be reached for ${operationId}.`), headers }
    case 'timeout':
    case 'aborted':
      return { problem: build(request, 504, 'UPSTREAM_TIMEOUT', `Intercom did not answer ${operationId} in time.${note}`), headers }
    case 'protocol':
      return { problem: build(request, 502, 'UPSTREAM_BAD_ANSWER', `Intercom answered ${operationId} with an answer this service cannot use (a redirect, or a body that is not JSON or is cut short).${writeNote(method)}`), headers }
    case 'too_large':
      return { problem: build(request, 502, 'UPSTREAM_ANSWER_TOO_LARGE', `Intercom's answer to ${operationId} is larger than UPSTREAM_MAX_ANSWER_BYTES; it was not read.${writeNote(method)}`), headers }
    default:
      return { problem: build(request, 502, 'UPSTREAM_CONNECTION_RESET', `The connection to Intercom failed during ${operationId}.${note}`), headers }
  }
}

/**
 * The one error mapper: any error → its problem body and headers, logged as it deserves (the
 * original error and stack only in the log). Used by the error handler and by the `?all=true`
 * stream's error line.
 */
export function problemFor (request: FastifyRequest, error: unknown): MappedProblem {
  // A streamed (passthrough) body cut off at BODY_LIMIT_BYTES surfaces as the upstream call's failure.
  if (error instanceof UpstreamNetworkError && (error.cause as { code?: string } | undefined)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { problem: build(request, 413, 'BODY_TOO_LARGE', 'Request body is too large; nothing complete was sent to Intercom.'), headers: {} }
  }
  if (error instanceof RateBudgetExhaustedError) {
    request.log.info({ why: error.why, retryAfterMs: error.retryAfterMs }, 'rate budget exhausted')
    return {
      problem: build(request, 429, error.code, `The Intercom rate budget has no room for this call before its deadline (${error.why}); nothing was sent. Retry after the Retry-After seconds.`),
      headers: { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) }
    }
  }
  if (error instanceof DeadlineExceededError) {
    request.log.warn({ maybeSent: error.maybeSent }, 'request deadline exceeded')
    return { problem: build(request, 504, error.code, `The request deadline passed before Intercom answered.${writeNote(request.method, error.maybeSent)}`), headers: {} }
  }
  if (error instanceof UpstreamHttpError || error instanceof UpstreamNetworkError) {
    const mapped = fromUpstream(request, error)
    request.log[mapped.problem.status >= 500 ? 'warn' : 'info']({ err: { message: error.message, call: error.call }, status: mapped.problem.status }, 'upstream error')
    return mapped
  }
  if (error instanceof UpstreamAnswerError) {
    request.log.warn({ err: { message: error.message, cause: (error.cause as Error | undefined)?.message } }, 'unusable upstream answer')
    return { problem: build(request, 502, error.code, `${error.message}.${writeNote(request.method)}`), headers: {} }
  }
  if (error instanceof ListStoppedError) {
    request.log.warn({ why: error.why, pages: error.pages }, 'list stream stopped')
    return error.why === 'cursor_repeated'
      ? { problem: build(request, 502, 'UPSTREAM_BAD_ANSWER', `Intercom's list gave a cursor it had given before (after ${error.pages} pages): the list stopped there, as it would repeat.`), headers: {} }
      : { problem: build(request, 400, 'LIST_PAGE_LIMIT', `One request streams at most ${error.pages} pages; continue with starting_after=${error.cursor}.`), headers: {} }
  }
  const fe = error as FastifyError & { validationContext?: string }
  if (fe.validation) {
    const errors = fieldErrors(fe.validation as AjvError[], fe.validationContext)
    return { problem: build(request, 400, 'VALIDATION_ERROR', `Invalid request: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors }), headers: {} }
  }
  if (error instanceof InvalidInputError) {
    return { problem: build(request, 400, 'VALIDATION_ERROR', error.message, { errors: error.errors }), headers: {} }
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500
  if (status < 500) {
    const code = isProblemCode(fe.code) ? fe.code : CLIENT_4XX[status] ?? 'REQUEST_REFUSED'
    return { problem: build(request, status, code, (error as Error).message), headers: {} }
  }
  request.log.error({ err: error }, 'unhandled error')
  return { problem: build(request, status, 'INTERNAL_ERROR', 'An unexpected error occurred; the request id is in X-Request-Id.'), headers: {} }
}

/** Send a problem body with the right content type. */
export function sendProblem (reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(problem.status).headers(headers).type('application/problem+json').send(JSON.stringify(problem))
}

export default fp(async function problemDetails (fastify) {
  fastify.setErrorHandler(function (error: FastifyError | Error, request, reply) {
    // The caller went away (e.g. mid-body): not our error, nobody reads the answer (src/client-abort.ts).
    if (isClientAbort(request)) {
      request.log.info({ err: { message: error.message, code: (error as FastifyError).code } }, 'client aborted')
      return reply.code(CLIENT_CLOSED_REQUEST).send()
    }
    const { problem, headers } = problemFor(request, error)
    return sendProblem(reply, problem, headers)
  })

  fastify.setNotFoundHandler(function (request, reply) {
    const err = new RouteNotFoundError(request.method, request.url.split('?')[0])
    return sendProblem(reply, build(request, 404, 'FACADE_ROUTE_NOT_FOUND', err.message))
  })
}, { name: 'problem-details' })
