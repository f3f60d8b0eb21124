/**
 * What one Intercom call tells the interceptors (retry/handler.ts, budget/interceptor.ts): undici's
 * dispatch options carry it as `intercom`, set by the client (client.ts). Declared here once, on
 * undici's own `Dispatcher.DispatchOptions` type, so no layer needs a cast to read it.
 */
import type { Dispatcher } from 'undici'
import type { CallTrace } from './observer.js'

/**
 * The caller's connection, as far as a waiting call needs it: a `net.Socket` (`request.raw.socket`)
 * fits. Listened to only while a call waits (for rate budget or a retry backoff), never on the fast path.
 */
export interface CallerConnection {
  readonly destroyed: boolean
  once: (event: 'close', listener: () => void) => unknown
  removeListener: (event: 'close', listener: () => void) => unknown
}

/** The per-call options of the upstream layer. */
export interface IntercomCallOptions {
  /** For observers and logs (an Intercom operationId, or `passthrough`). */
  operationId: string
  /** `workspaceKey(authorization)` (budget/interceptor.ts): the rate-budget key, a hash of the token. */
  workspace: string
  /** Milliseconds since the epoch after which the call must end. */
  deadlineAt?: number
  /** The caller's connection: when it closes while the call waits, the call is cancelled (`CallCancelledError`). */
  caller?: CallerConnection | null
  /** The call's trace (src/tracing.ts), when tracing is on: told of queueing, attempts and retries. */
  trace?: CallTrace
}

declare module 'undici' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Dispatcher {
    interface DispatchOptions {
      /** The upstream layer's per-call options (src/upstream/call-options.ts). */
      intercom?: IntercomCallOptions
    }
  }
}
