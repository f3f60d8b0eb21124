/**
 * Upstream events, for metrics and logs. The client and its interceptors (budget/, retry/) report what
 * happens to each Intercom call; observers (e.g. the metrics plugin) subscribe with
 * `IntercomClient.addObserver`. Observers must be cheap and must not throw. Units: durations in
 * milliseconds; `resetAt` in Unix seconds, as Intercom sends it.
 */

/** What one observer may listen to; every method is optional. */
export interface UpstreamObserver {
  /** One call finished: Intercom's final status, or the network error kind when there was none; `version` is the Intercom-Version sent. */
  onCall?: (e: { operationId: string, method: string, version?: string, status: number | null, errorKind?: string, durationMs: number }) => void
  /** An attempt is about to be retried after `delayMs`, for `reason` (e.g. 'status_429', 'connect'). */
  onRetry?: (e: { operationId: string, method: string, reason: string, attempt: number, delayMs: number }) => void
  /** A request waited `waitedMs` in the rate-budget queue; `depth` is the queue length after it left. */
  onQueue?: (e: { workspace: string, depth: number, waitedMs: number }) => void
  /** Intercom's X-RateLimit-* headers, as last seen for a workspace (a hash of the token, never the token). */
  onRateLimit?: (e: { workspace: string, limit: number, remaining: number, resetAt: number }) => void
  /** The shared budget switched between Redis and the local fallback. */
  onBudgetMode?: (e: { mode: 'redis' | 'local', reason?: string }) => void
  /** A call was cancelled before it was sent (its caller went away while it waited for budget or a backoff). */
  onCancel?: (e: { operationId: string, method: string }) => void
}

/**
 * Per-call tracing (src/tracing.ts implements it with OpenTelemetry; none is set when tracing is
 * off, so an untraced call costs one `undefined` check). The client starts one trace per call and
 * hands it to the policy, which reports the call's queueing, attempts and retries to it.
 */
export interface CallTracer {
  /** A call starts; `path` is the concrete path sent (a tracer must never record it: ids, emails). */
  startCall: (e: { operationId: string, method: string, path: string, origin: string }) => CallTrace
}

/** One call's trace. Times are now; `waitedMs` and `delayMs` in milliseconds. */
export interface CallTrace {
  /** The call waited `waitedMs` in the rate-budget queue before an attempt. */
  queued: (waitedMs: number) => void
  /** Attempt `attempt` (1-based) is being sent. */
  attemptStart: (attempt: number) => void
  /** The current attempt got answer headers with `status`, or failed with `errorCode` (no answer). */
  attemptEnd: (status: number | null, errorCode?: string) => void
  /** The attempt that just failed will be sent again after `delayMs`, for `reason`. */
  retry: (reason: string, attempt: number, delayMs: number) => void
  /** The call ended: Intercom's final status (null: none), its request id, or the error kind. */
  end: (status: number | null, requestId?: string, errorKind?: string) => void
}

/** A fan-out list of observers that is itself an observer. */
export class Observers implements Required<UpstreamObserver> {
  private readonly list: UpstreamObserver[] = []

  add (observer: UpstreamObserver): void {
    this.list.push(observer)
  }

  onCall (e: Parameters<Required<UpstreamObserver>['onCall']>[0]): void { for (const o of this.list) o.onCall?.(e) }
  onRetry (e: Parameters<Required<UpstreamObserver>['onRetry']>[0]): void { for (const o of this.list) o.onRetry?.(e) }
  onQueue (e: Parameters<Required<UpstreamObserver>['onQueue']>[0]): void { for (const o of this.list) o.onQueue?.(e) }
  onRateLimit (e: Parameters<Required<UpstreamObserver>['onRateLimit']>[0]): void { for (const o of this.list) o.onRateLimit?.(e) }
  onBudgetMode (e: Parameters<Required<UpstreamObserver>['onBudgetMode']>[0]): void { for (const o of this.list) o.onBudgetMode?.(e) }
  onCancel (e: Parameters<Required<UpstreamObserver>['onCancel']>[0]): void { for (const o of this.list) o.onCancel?.(e) }
}
