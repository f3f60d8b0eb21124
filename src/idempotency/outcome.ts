/**
 * What a keyed request's answer means for its key:
 * - `final`: stored and replayed as is (a success, or an answer Intercom decided: 404, 409, 422...);
 * - `doubt`: the write may or may not have been applied (a write whose answer was lost, Intercom 5xx
 *   to a write, a deadline passed after sending): stored, and a retry reconciles (reconcile.ts);
 * - `not_applied`: nothing was changed and a retry may simply run (our own 4xx such as a failed
 *   validation, a 429, a connect failure, a failed read): nothing is stored, the key is freed.
 * One definition of a write: `isNonIdempotent` (src/upstream/methods.ts). A failed idempotent call
 * (GET, PUT, DELETE) is `not_applied`: running it again has the effect of running it once.
 */
import { DeadlineExceededError, RateBudgetExhaustedError, UpstreamHttpError, UpstreamNetworkError } from '../upstream/errors.js'
import { isNonIdempotent } from '../upstream/methods.js'

export type Outcome = 'final' | 'doubt' | 'not_applied'

/** The outcome of a request whose handler (or a hook) threw `error`; `method` is the inbound method. */
export function outcomeOfError (error: unknown, method: string): Outcome {
  if (error instanceof RateBudgetExhaustedError) return 'not_applied'
  if (error instanceof DeadlineExceededError) return error.maybeSent && isNonIdempotent(method) ? 'doubt' : 'not_applied'
  if (error instanceof UpstreamNetworkError) return error.maybeSent && isNonIdempotent(error.call.method) ? 'doubt' : 'not_applied'
  if (error instanceof UpstreamHttpError) {
    if (error.status === 429) return 'not_applied'
    if (error.status >= 500) return isNonIdempotent(error.call.method) ? 'doubt' : 'not_applied'
    return 'final'
  }
  const status = (error as { statusCode?: unknown }).statusCode
  return typeof status === 'number' && status < 500 ? 'not_applied' : 'doubt'
}

/** The outcome of an answer sent without an error (a handler's, or the passthrough's verbatim one). */
export function outcomeOfStatus (status: number): Outcome {
  if (status === 429) return 'not_applied'
  return status >= 500 ? 'doubt' : 'final'
}
