/**
 * Intercom error bodies. Every non-2xx answer of the emulator is Intercom's error list:
 * `{ "type": "error.list", "request_id": "<uuid>", "errors": [{ "code", "message", "field"? }] }`.
 * Handlers throw {@link EmulatorError}; the app turns it into that body with the request's id.
 */

/** One entry of an Intercom error list. */
export interface IntercomErrorItem { code: string; message: string | null; field?: string }

/** Intercom's error list body. `request_id` is the request's uuid (also sent as `x-request-id`). */
export interface IntercomErrorBody {
  type: 'error.list'
  request_id: string
  errors: IntercomErrorItem[]
}

/** Error code Intercom uses for a status when nothing more specific applies (500 → `server_error`). */
export function defaultCodeForStatus (status: number): string {
  switch (status) {
    case 400: return 'parameter_invalid'
    case 401: return 'unauthorized'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 409: return 'conflict'
    case 422: return 'parameter_invalid'
    case 429: return 'rate_limit_exceeded'
    case 503: return 'service_unavailable'
    default: return status >= 500 ? 'server_error' : 'client_error'
  }
}

/** Default human message for a status (used by faults that give none). */
export function defaultMessageForStatus (status: number): string {
  switch (status) {
    case 400: return 'Bad Request'
    case 401: return 'Access Token Invalid'
    case 403: return 'Forbidden'
    case 404: return 'Resource Not Found'
    case 409: return 'Conflict'
    case 422: return 'Unprocessable Entity'
    case 429: return 'You have exceeded the rate limit. Please try again later.'
    case 503: return 'Service Unavailable'
    default: return status >= 500 ? 'Server Error' : 'Client Error'
  }
}

/** Build an Intercom error body with one error. */
export function errorBody (requestId: string, code: string, message: string | null, field?: string): IntercomErrorBody {
  const item: IntercomErrorItem = { code, message }
  if (field !== undefined) item.field = field
  return { type: 'error.list', request_id: requestId, errors: [item] }
}

/**
 * An error a handler throws to answer with an Intercom error list.
 * `status` is the HTTP status; `code` defaults from it (see {@link defaultCodeForStatus}).
 */
export class EmulatorError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string
  /** Extra response headers (lower-case names). */
  readonly headers?: Record<string, string>

  constructor (status: number, message: string, code?: string, opts: { field?: string; headers?: Record<string, string> } = {}) {
    super(message)
    this.name = 'EmulatorError'
    this.status = status
    this.code = code ?? defaultCodeForStatus(status)
    this.field = opts.field
    this.headers = opts.headers
  }
}

/** 404 `not_found` for a missing contact (Intercom says "User Not Found" for contacts). */
export const contactNotFound = (): EmulatorError => new EmulatorError(404, 'User Not Found', 'not_found')

/** 404 `not_found` with Intercom's generic message. */
export const resourceNotFound = (): EmulatorError => new EmulatorError(404, 'Resource Not Found', 'not_found')

/** 400 `parameter_invalid` naming what is wrong. */
export const parameterInvalid = (message: string, field?: string): EmulatorError =>
  new EmulatorError(400, message, 'parameter_invalid', { field })

/** 409 `conflict` in the exact form Intercom uses; callers parse the existing id out of it. */
export const contactConflict = (existingId: string): EmulatorError =>
  new EmulatorError(409, `A contact matching those details already exists with id=${existingId}`, 'conflict')
