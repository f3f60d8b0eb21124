/**
 * Reused buffers for large facade answers. An answer that announces 64 KB to 1 MB
 * (`content-length`) is read into a buffer taken from here (answer-handler.ts) instead of a fresh
 * allocation, and the buffer comes back once nothing reads it any more: when the facade's answer
 * made of it has been written to the caller's socket (src/facade/send.ts, on the response's
 * `finish`), or when the client has parsed it (`IntercomClient.call`).
 *
 * Why: a fresh 244 KB buffer per search page lives as long as its request (tens of ms under
 * load), so it outlives the young generation and is freed only by a full GC, which V8 starts once
 * about 64 MB of such external memory is dead. Under 50 connections of 150-contact searches that
 * was most of the peak RSS above reply-from's, and the full GCs and fresh pages cost CPU
 * (bench/README.md, "Reused answer buffers").
 *
 * Rules that keep one caller's bytes from reaching another:
 * - A buffer is given out by `takeAnswerBuffer` to one answer only, as a view of exactly the
 *   announced length (the bytes after it, from an earlier answer, are never in any view).
 * - `releaseAnswerBuffer` accepts only buffers this module made (any view of one), and only once
 *   until it is taken again; anything else is ignored (left to the GC).
 * - It is called only where no view of the buffer can be read afterwards: after the socket write
 *   completed (`finish`, never `close`: a caller that went away leaves its buffer to the GC), or
 *   after the bytes were decoded into a string. A buffer that is never released is only garbage.
 *
 * Sizes are rounded up to a power of two (64 KB, 128 KB, ... 1 MB); at most `POOL_KEEP_BYTES` wait
 * free, so an idle process keeps no more than that.
 */

/** The smallest answer (bytes) read into a reused buffer. */
export const POOLED_MIN_BYTES = 64 * 1024

/** The largest answer (bytes) read into a reused buffer; larger answers get their own allocation. */
export const POOLED_MAX_BYTES = 1024 * 1024

/** The most bytes of free buffers kept for reuse (more are left to the GC). */
export const POOL_KEEP_BYTES = 8 * 1024 * 1024

/** Every ArrayBuffer this module made. */
const made = new WeakSet<ArrayBuffer>()
/** Those free to take now, by size class (bytes). */
const free = new Map<number, Set<ArrayBuffer>>()
/** Their bytes in all. */
let freeBytes = 0

/** The size class of an answer of `bytes` (a power of two from POOLED_MIN_BYTES). */
function classOf (bytes: number): number {
  let size = POOLED_MIN_BYTES
  while (size < bytes) size *= 2
  return size
}

/** Whether an answer of `bytes` is read into a reused buffer. */
export function isPooledSize (bytes: number): boolean {
  return bytes >= POOLED_MIN_BYTES && bytes <= POOLED_MAX_BYTES
}

/**
 * A buffer of exactly `bytes` (uninitialised, like `Buffer.allocUnsafe`) for one answer: a view of
 * a reused buffer when `isPooledSize(bytes)`, else a plain allocation (never released).
 */
export function takeAnswerBuffer (bytes: number): Buffer {
  if (!isPooledSize(bytes)) return Buffer.allocUnsafe(bytes)
  const size = classOf(bytes)
  const list = free.get(size)
  const reused = list?.values().next().value
  if (reused !== undefined) {
    list!.delete(reused)
    freeBytes -= size
    return Buffer.from(reused, 0, bytes)
  }
  // allocUnsafeSlow: an ArrayBuffer of its own, never a slice of Node's shared pool.
  const fresh = Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer
  made.add(fresh)
  return Buffer.from(fresh, 0, bytes)
}

/**
 * Give back the reused buffer under `view` (any view of a buffer from `takeAnswerBuffer`), for the
 * next answer. Only once nothing will read any view of it again (see the rules above). Buffers
 * this module did not make, or that are already free, are ignored.
 */
export function releaseAnswerBuffer (view: Buffer): void {
  if (!isAnswerBuffer(view)) return
  const buffer = view.buffer as ArrayBuffer
  let list = free.get(buffer.byteLength)
  if (list?.has(buffer) === true || freeBytes + buffer.byteLength > POOL_KEEP_BYTES) return
  if (list === undefined) free.set(buffer.byteLength, list = new Set())
  list.add(buffer)
  freeBytes += buffer.byteLength
}

/** Whether `view` lies in a reused buffer (so releasing it after use pays). */
export function isAnswerBuffer (view: Buffer): boolean {
  const buffer = view.buffer
  return buffer instanceof ArrayBuffer && made.has(buffer)
}

/** Bytes of free buffers waiting for reuse (for tests and diagnostics). */
export function freeAnswerBufferBytes (): number {
  return freeBytes
}
