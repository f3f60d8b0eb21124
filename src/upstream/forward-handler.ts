/**
 * The passthrough's undici dispatch handler (`IntercomClient.forwardWith`): the hop without the `request()` API's per-request
 * machinery (an AbortSignal, a body stream and its pipe for every answer). An answer whose
 * `content-length` is at most `bufferLimitBytes` is collected into one Buffer and resolved at its
 * end, so it goes back to the caller in a single write; a larger or unsized answer is resolved at
 * its headers with a Readable fed by the socket, with backpressure (undici pauses while the caller
 * is slow). `abort()` cancels the upstream request at any point (the caller went away).
 */
import { Readable } from 'node:stream'
import { errors, type Dispatcher } from 'undici'

/** Largest answer (bytes, from `content-length`) kept in memory and sent in one write. */
export const FORWARD_BUFFER_LIMIT_BYTES = 64 * 1024

/** How much of a streamed answer may wait for a slow caller before undici pauses the socket. */
const STREAM_HIGH_WATER_MARK_BYTES = 64 * 1024

/** Intercom's answer to a passthrough call. */
export interface ForwardAnswer {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  /** The whole body (small answers) or a stream of it (large or unsized answers). */
  body: Buffer | Readable
}

/**
 * One passthrough call's handler; `answer` settles once, with the answer or the transport error.
 * (A facade call's answer is collected by answer-handler.ts instead.)
 */
export class ForwardHandler implements Dispatcher.DispatchHandler {
  /** Resolves with Intercom's answer; rejects with the undici error when there was none. */
  readonly answer: Promise<ForwardAnswer>
  private resolve!: (answer: ForwardAnswer) => void
  private reject!: (err: Error) => void
  private controller: Dispatcher.DispatchController | undefined
  private abortReason: Error | undefined
  private statusCode = 0
  private headers: Record<string, string | string[] | undefined> = {}
  private chunks: Buffer[] | undefined
  private stream: Readable | undefined
  private ended = false

  constructor (private readonly bufferLimitBytes = FORWARD_BUFFER_LIMIT_BYTES) {
    this.answer = new Promise<ForwardAnswer>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }

  /** Cancel the upstream request (before or during the answer). */
  abort (reason: Error = new errors.RequestAbortedError()): void {
    if (this.ended) return
    if (this.controller !== undefined) this.controller.abort(reason)
    else this.abortReason = reason
  }

  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.abortReason !== undefined) controller.abort(this.abortReason)
  }

  onResponseStart (controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return
    this.statusCode = statusCode
    this.headers = headers
    const length = headers['content-length']
    if (typeof length === 'string' && Number(length) <= this.bufferLimitBytes) {
      this.chunks = []
      return
    }
    this.stream = new Readable({
      highWaterMark: STREAM_HIGH_WATER_MARK_BYTES,
      read: () => controller.resume(),
      destroy: (err, callback) => {
        if (!this.ended) this.abort()
        callback(err)
      }
    })
    this.resolve({ statusCode, headers, body: this.stream })
  }

  onResponseData (controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.chunks !== undefined) this.chunks.push(chunk)
    else if (this.stream !== undefined && !this.stream.push(chunk)) controller.pause()
  }

  onResponseEnd (): void {
    this.ended = true
    if (this.chunks !== undefined) {
      const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
      this.chunks = undefined
      this.resolve({ statusCode: this.statusCode, headers: this.headers, body })
    } else {
      this.stream?.push(null)
    }
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error): void {
    this.ended = true
    this.chunks = undefined
    if (this.stream !== undefined) this.stream.destroy(err)
    else this.reject(err)
  }
}
