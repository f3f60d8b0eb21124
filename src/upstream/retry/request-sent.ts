/**
 * The interceptor nearest the pool: it records whether an attempt's request was fully written to
 * the socket, which the retry table needs to tell "closed before sending" (safe to send again, even
 * a POST) from "reset after sending" (a write may have been applied).
 *
 * undici says so only through its legacy handler callback `onRequestSent`; the new handler API
 * (onRequestStart/onResponseStart/...) has no such event. So this is the one place that speaks the
 * legacy API to the pool: `RequestSentHandler` is undici's own UnwrapHandler (legacy callbacks →
 * new-style handler, itself the controller) plus `onRequestSent`. Every layer above it is new-style.
 * It costs no more than the UnwrapHandler + UnwrapController the pool would otherwise make.
 *
 * An attempt's failure is marked when its request had been written: `wasWritten(err)`.
 */
import { util, type Dispatcher } from 'undici'

/** Errors of attempts whose request had been fully written (a WeakSet: nothing kept alive). */
const written = new WeakSet<object>()

/** True when the attempt that failed with `err` had written its whole request to the socket. */
export function wasWritten (err: unknown): boolean {
  return typeof err === 'object' && err !== null && written.has(err)
}

const NO_TRAILERS: Record<string, string | string[] | undefined> = Object.freeze({}) as Record<string, string | string[] | undefined>

/** Legacy handler towards the pool, new-style handler (and controller) towards the layer above. */
class RequestSentHandler implements Dispatcher.DispatchHandler, Dispatcher.DispatchController {
  private sent = false
  private isPaused = false
  private isAborted = false
  private abortReason: Error | null = null
  private abortFn: ((err?: Error) => void) | undefined
  private resumeFn: (() => void) | undefined

  constructor (private readonly handler: Dispatcher.DispatchHandler) {}

  get aborted (): boolean { return this.isAborted }
  get paused (): boolean { return this.isPaused }
  get reason (): Error | null { return this.abortReason }

  pause (): void { this.isPaused = true }

  resume (): void {
    if (!this.isPaused) return
    this.isPaused = false
    this.resumeFn?.()
  }

  abort (reason: Error): void {
    if (this.isAborted) return
    this.isAborted = true
    this.abortReason = reason
    this.abortFn?.(reason)
  }

  onConnect (abort: (err?: Error) => void): void {
    this.abortFn = abort
    this.handler.onRequestStart?.(this, undefined)
  }

  onRequestSent (): void {
    this.sent = true
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[], resume: () => void, statusMessage: string): boolean {
    this.sent = true
    this.resumeFn = resume
    this.handler.onResponseStart?.(this, statusCode, util.parseHeaders(rawHeaders), statusMessage)
    return !this.isPaused
  }

  onData (chunk: Buffer): boolean {
    this.handler.onResponseData?.(this, chunk)
    return !this.isPaused
  }

  onComplete (rawTrailers: string[] | null): void {
    this.handler.onResponseEnd?.(this, rawTrailers === null || rawTrailers.length === 0 ? NO_TRAILERS : util.parseHeaders(rawTrailers))
  }

  onError (err: Error): void {
    if (this.sent && typeof err === 'object' && err !== null) written.add(err)
    this.handler.onResponseError?.(this, err)
  }
}

/** The interceptor for `compose`; list it first so it sits nearest the pool. */
export function requestSentInterceptor (): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => function requestSent (opts, handler) {
    return dispatch(opts, new RequestSentHandler(handler))
  }
}
