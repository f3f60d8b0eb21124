/**
 * The undici dispatch handler that collects a facade call's whole answer (`IntercomClient.call` and
 * `callRaw`): status, headers and the body as one Buffer, with no body stream or promise chain per
 * call. The body is bounded (UPSTREAM_MAX_ANSWER_BYTES): an answer announced (`content-length`) or
 * found larger is aborted at once with undici's `ResponseExceededMaxSizeError`
 * (`UND_ERR_RES_EXCEEDED_MAX_SIZE`, kind `too_large` in errors.ts). An answer announcing 64 KB
 * to 1 MB is read into a reused buffer (answer-buffers.ts), and an unsized one of that size is
 * joined into one; a buffer this handler drops before handing it on (a retried attempt, an error)
 * goes back at once. The passthrough streams instead (forward-handler.ts) and is not bound by it.
 */
import { errors, type Dispatcher } from 'undici'
import { isPooledSize, POOLED_MIN_BYTES, releaseAnswerBuffer, takeAnswerBuffer } from './answer-buffers.js'

/** Intercom's answer to one call, read whole. */
export interface CollectedAnswer {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

const EMPTY = Buffer.alloc(0)

/**
 * An answer announcing at least this many bytes (`content-length`) is read into one buffer of that
 * size as it arrives (`takeAnswerBuffer`: reused up to 1 MB), instead of keeping its chunks and
 * joining them at the end (which holds the answer twice, chunks and copy, at its largest moment).
 * Smaller answers usually come in one chunk, passed on without a copy.
 */
export const PREALLOCATE_FROM_BYTES = POOLED_MIN_BYTES

/** The chunks of an unsized answer as one buffer (a reused one from 64 KB to 1 MB). */
function join (chunks: Buffer[], bytes: number): Buffer {
  if (!isPooledSize(bytes)) return Buffer.concat(chunks, bytes)
  const out = takeAnswerBuffer(bytes)
  let at = 0
  for (const chunk of chunks) at += chunk.copy(out, at)
  return out
}

/** One call's handler; `answer` settles once, with the answer or the transport error. */
export class AnswerHandler implements Dispatcher.DispatchHandler {
  /** Resolves with Intercom's answer; rejects with the error when there was none. */
  readonly answer: Promise<CollectedAnswer>
  private resolve!: (answer: CollectedAnswer) => void
  private reject!: (err: Error) => void
  private statusCode = 0
  private headers: Record<string, string | string[] | undefined> = {}
  private chunks: Buffer[] = []
  private bytes = 0
  /** The whole answer's buffer, when its size was announced (`PREALLOCATE_FROM_BYTES`). */
  private sized: Buffer | undefined

  /** `maxBytes`: the largest body read into memory (UPSTREAM_MAX_ANSWER_BYTES). */
  constructor (private readonly maxBytes: number) {
    this.answer = new Promise<CollectedAnswer>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }

  /** Nothing to do at the start; present so undici treats this as a new-style handler. */
  onRequestStart (): void {}

  onResponseStart (controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return
    this.statusCode = statusCode
    this.headers = headers
    // A retried attempt starts over: an earlier attempt's body was never handed on.
    this.drop()
    this.bytes = 0
    const length = headers['content-length']
    if (typeof length !== 'string') return
    const announced = Number(length)
    if (announced > this.maxBytes) controller.abort(new errors.ResponseExceededMaxSizeError(`Intercom's answer announces ${length} bytes, over UPSTREAM_MAX_ANSWER_BYTES (${this.maxBytes})`))
    else if (announced >= PREALLOCATE_FROM_BYTES && Number.isSafeInteger(announced)) this.sized = takeAnswerBuffer(announced)
  }

  /** Forget what was read so far; a reused buffer goes back (nothing else has seen it). */
  private drop (): void {
    if (this.sized !== undefined) releaseAnswerBuffer(this.sized)
    this.sized = undefined
    this.chunks = []
  }

  onResponseData (controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length
    if (this.bytes > this.maxBytes) {
      this.drop()
      controller.abort(new errors.ResponseExceededMaxSizeError(`Intercom's answer is over UPSTREAM_MAX_ANSWER_BYTES (${this.maxBytes} bytes)`))
      return
    }
    const sized = this.sized
    if (sized !== undefined) {
      if (this.bytes <= sized.length) { chunk.copy(sized, this.bytes - chunk.length); return }
      // More than announced (undici refuses that at the end): keep what came as chunks from here,
      // copied out of the reused buffer, which goes back.
      this.chunks.push(Buffer.from(sized.subarray(0, this.bytes - chunk.length)))
      releaseAnswerBuffer(sized)
      this.sized = undefined
    }
    this.chunks.push(chunk)
  }

  onResponseEnd (): void {
    const sized = this.sized
    const c = this.chunks
    const body = sized !== undefined ? sized.subarray(0, this.bytes) : c.length === 1 ? c[0] : c.length === 0 ? EMPTY : join(c, this.bytes)
    this.chunks = []
    this.sized = undefined
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body })
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error): void {
    this.drop()
    this.reject(err)
  }
}
