/**
 * The facade's own typed errors (made with @fastify/error: stable `code`, fixed status). Upstream
 * errors live in src/upstream/errors.ts; the problem-details plugin turns both into RFC 9457 bodies.
 */
import createError from '@fastify/error'

/** One failing input field, as shown in a problem body's `errors`. */
export interface FieldError { field: string; message: string }

const InvalidInputBase = createError('FACADE_INVALID_INPUT', '%s', 400)

/** Input that passed the schema but is still unusable (e.g. two search forms at once). 400. */
export class InvalidInputError extends InvalidInputBase {
  readonly errors: FieldError[]
  constructor (errors: FieldError[], detail?: string) {
    super(detail ?? errors.map((e) => `${e.field} ${e.message}`).join('; '))
    this.errors = errors
  }
}

/** A passthrough target that does not name exactly one Intercom endpoint (see src/facade/passthrough.ts `upstreamTarget`). 400. */
export const BadPathError = createError('FACADE_BAD_PATH', 'Path %s is not allowed: %s', 400)

/** A passthrough method Intercom's API does not use (the answer carries `Allow`). 405. */
export const MethodNotAllowedError = createError('METHOD_NOT_ALLOWED', 'Intercom\'s API does not use %s; the passthrough forwards %s', 405)

/** A caller's `Intercom-Version` header this route does not take (src/plugins/intercom-version.ts). 400. Args: the value (JSON), what is accepted. */
export const BadVersionError = createError('FACADE_BAD_INTERCOM_VERSION', 'Intercom-Version header %s is not supported: use one of %s, or send none for INTERCOM_VERSION', 400)

/** No route matched. 404. */
export const RouteNotFoundError = createError('FACADE_ROUTE_NOT_FOUND', 'No route %s %s', 404)

/** No default admin could be found for an author-less reply. 422 */
export const NoDefaultAdminError = createError('FACADE_NO_DEFAULT_ADMIN', 'No admin_id given and no default admin could be resolved: set INTERCOM_DEFAULT_ADMIN_ID', 422)

/**
 * Intercom answered 2xx, but the answer is not usable: not JSON, not the list a list route expects,
 * or lacking a field this service's response schema requires (thrown by the response serializer,
 * src/serializer.ts). An upstream fault: 502 `UPSTREAM_BAD_ANSWER`, with the "may have been applied"
 * wording for a write; never a 500.
 */
export class UpstreamAnswerError extends Error {
  override name = 'UpstreamAnswerError'
  readonly code = 'UPSTREAM_BAD_ANSWER'
  readonly statusCode = 502
  /** What is wrong, completing "Intercom answered, but ..." (e.g. `its answer lacks the required field id`). */
  readonly reason: string
  /** The missing field, as the serializer names it (e.g. `id`), when that is the fault. */
  readonly field: string | undefined
  constructor (reason: string, field?: string, cause?: unknown) {
    super(`Intercom answered, but ${reason}`, { cause })
    this.reason = reason
    this.field = field
  }
}
