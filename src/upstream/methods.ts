/**
 * What counts as a write: ONE definition for the retry policy, the error mapper's "may have been
 * applied" wording and the Idempotency-Key check.
 *
 * `IDEMPOTENT_METHODS` are RFC 9110's idempotent methods that Intercom uses: sending one twice has
 * the effect of sending it once, so the retry policy may repeat them. Every other method (POST,
 * PATCH) is a write that must never be sent twice.
 */

/** Methods that may be sent twice (RFC 9110 idempotent methods that Intercom uses). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

/** True for a non-idempotent method (POST, PATCH): sent once, "may have been applied" when its answer is lost. */
export function isNonIdempotent (method: string): boolean {
  return !IDEMPOTENT_METHODS.has(method.toUpperCase())
}
