/**
 * problem-details: the one error handler and not-found handler. Every error the service answers
 * with becomes an RFC 9457 `application/problem+json` body:
 * `{ type, title, status, detail, instance, code, errors?: [{ field, message }], upstream?: { status, request_id, errors } }`.
 *
 * Mapping (facade-api.md): schema validation → 400 with one entry per failing field; Intercom
 * 401/403/404/409/422 (and other 4xx) keep their status; Intercom 429 → 429 with `Retry-After`;
 * Intercom 5xx → 502; connect failure → 503; no answer in time → 504; reset after sending → 502.
 * A failed POST whose request may have reached Intercom says so in `detail`. Library messages of
 * 5xx errors and stacks are never sent; the original error is logged.
 */
import { STATUS_CODES } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { UpstreamHttpError, UpstreamNetworkError } from '../upstream/errors.js'
import { InvalidInputError, RouteNotFoundError, type FieldError } from '../errors.js'
import { DeadlineExceededError, RateBudgetExhaustedError } from '../upstream/errors.js'
import { CLIENT_CLOSED_REQUEST, isClientAbort } from '../client-abort.js'

/** The problem body (schemas/common.ts `ProblemSchema` documents it). */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  code: string
  errors?: FieldError[]
  upstream?: { status: number | null; request_id: string | null; errors: Array<{ code: string; message?: string }> }
}

interface AjvError { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }

/** Turn Ajv errors into one entry per field, e.g. `body.email`, `params.id`, `querystring.per_page`. */
export function fieldErrors (validation: AjvError[], context: string | undefined): FieldError[] {
  const byField = new Map<string, string[]>()
  for (const e of validation) {
    let path = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    if (e.keyword === 'required') path = [...path, String(e.params.missingProperty)]
    if (e.keyword === 'additionalProperties') path = [...path, String(e.params.additionalProperty)]
    const field = [context ?? 'body', ...path].join('.')
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'additionalProperties') message = 'is not an accepted field'
    if (e.keyword === 'required') message = 'is required'
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue
    const list = byField.get(field) ?? []
    if (!list.includes(message)) list.push(message)
    byField.set(field, list)
  }
  // A field that failed only through anyOf/oneOf (no branch error kept) still gets an entry.
  for (const e of validation) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue
    const field = [context ?? 'body', ...e.instancePath.split('/').slice(1)].join('.')
    const explained = [...byField.keys()].some((f) => f === field || f.startsWith(`${field}.`))
    if (!explained) byField.set(field, [e.message ?? 'is invalid'])
  }
  return [...byField].map(([field, messages]) => ({ field, message: messages.join(' or ') }))
}

function problemType (code: string): string {
  return `urn:intercom-facade:problem:${code.toLowerCase().replace(/_/g, '-')}`
}

/** A problem body for `request`: type derived from `code`, title from `status`, instance from the path. */
export function build (request: FastifyRequest, status: number, code: string, detail: string, extra?: Partial<Problem>): Problem {
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

const WRITE_METHODS = new Set(['POST', 'PATCH'])

function fromUpstream (request: FastifyRequest, err: UpstreamHttpError | UpstreamNetworkError): { problem: Problem; headers: Record<string, string> } {
  const headers: Record<string, string> = {}
  const mayHaveApplied = WRITE_METHODS.has(err.call.method)
  const writeNote = mayHaveApplied ? ' The write may or may not have been applied by Intercom; check before sending it again.' : ''
  if (err instanceof UpstreamHttpError) {
    const upstream = { status: err.status, request_id: err.requestId ?? null, errors: err.errors.map(({ code, message }) => ({ code, message })) }
    const first = err.errors[0]
    const said = first ? `${first.code}${first.message ? `: ${first.message}` : ''}` : `status ${err.status}`
    if (err.status === 429) {
      headers['retry-after'] = err.retryAfter ?? '1'
      return { problem: build(request, 429, 'UPSTREAM_RATE_LIMITED', `Intercom refused ${err.call.operationId} for its rate limit (${said}).`, { upstream }), headers }
    }
    if (err.status >= 500) {
      return { problem: build(request, 502, 'UPSTREAM_ERROR', `Intercom failed ${err.call.operationId} with ${err.status} (${said}).${err.call.method === 'POST' ? writeNote : ''}`, { upstream }), headers }
    }
    return { problem: build(request, err.status, `UPSTREAM_${(first?.code ?? `status_${err.status}`).toUpperCase()}`, `Intercom ${err.call.operationId}: ${said}`, { upstream }), headers }
  }
  const note = err.maybeSent && mayHaveApplied ? writeNote : ''
  switch (err.kind) {
    case 'connect':
      headers['retry-after'] = '1'
      return { problem: build(request, 503, 'UPSTREAM_UNAVAILABLE', `Intercom could not be reached for ${err.call.operationId}.`), headers }
    case 'timeout':
    case 'aborted':
      return { problem: build(request, 504, 'UPSTREAM_TIMEOUT', `Intercom did not answer ${err.call.operationId} in time.${note}`), headers }
    case 'protocol':
      return { problem: build(request, 502, 'UPSTREAM_BAD_ANSWER', `Intercom answered ${err.call.operationId} with a body that is not JSON.`), headers }
    default:
      return { problem: build(request, 502, 'UPSTREAM_CONNECTION_RESET', `The connection to Intercom failed during ${err.call.operationId}.${note}`), headers }
  }
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
    // A streamed (passthrough) body cut off at BODY_LIMIT_BYTES surfaces as the upstream call's failure.
    if (error instanceof UpstreamNetworkError && (error.cause as { code?: string } | undefined)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendProblem(reply, build(request, 413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large; nothing complete was sent to Intercom.'))
    }
    if (error instanceof RateBudgetExhaustedError) {
      request.log.info({ why: error.why, retryAfterMs: error.retryAfterMs }, 'rate budget exhausted')
      return sendProblem(reply, build(request, 429, error.code, `The Intercom rate budget has no room for this call before its deadline (${error.why}); nothing was sent. Retry after the Retry-After seconds.`), { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) })
    }
    if (error instanceof DeadlineExceededError) {
      const note = error.maybeSent && WRITE_METHODS.has(request.method) ? ' The write may or may not have been applied by Intercom; check before sending it again.' : ''
      request.log.warn({ maybeSent: error.maybeSent }, 'request deadline exceeded')
      return sendProblem(reply, build(request, 504, error.code, `The request deadline passed before Intercom answered.${note}`))
    }
    if (error instanceof UpstreamHttpError || error instanceof UpstreamNetworkError) {
      const { problem, headers } = fromUpstream(request, error)
      request.log[problem.status >= 500 ? 'warn' : 'info']({ err: { message: error.message, call: error.call }, status: problem.status }, 'upstream error')
      return sendProblem(reply, problem, headers)
    }
    const fe = error as FastifyError & { validationContext?: string }
    if (fe.validation) {
      const errors = fieldErrors(fe.validation as unknown as AjvError[], fe.validationContext)
      return sendProblem(reply, build(request, 400, 'VALIDATION_ERROR', `Invalid request: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors }))
    }
    if (error instanceof InvalidInputError) {
      return sendProblem(reply, build(request, 400, 'VALIDATION_ERROR', error.message, { errors: error.errors }))
    }
    const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500
    if (status < 500) {
      return sendProblem(reply, build(request, status, fe.code ?? 'BAD_REQUEST', error.message))
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(reply, build(request, status, 'INTERNAL_ERROR', 'An unexpected error occurred; the request id is in X-Request-Id.'))
  })

  fastify.setNotFoundHandler(function (request, reply) {
    const err = new RouteNotFoundError(request.method, request.url.split('?')[0])
    return sendProblem(reply, build(request, 404, err.code, err.message))
  })
}, { name: 'problem-details' })
