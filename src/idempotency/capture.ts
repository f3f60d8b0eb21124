/**
 * Capture the answer a keyed request sends, for the store: the status, the headers a caller needs
 * (content-type, x-request-id, retry-after) and the body.
 *
 * The payload at Fastify's onSend is a string or Buffer (facade routes, problems, small passthrough
 * answers) or a stream (a large passthrough answer). A stream is passed through unchanged while up
 * to `maxBytes` of it are copied; when it ends, `done` receives the copy, or `omittedBytes` when it
 * was larger (the answer is then not kept, and a replay says so: the write is never sent again). A
 * stream that fails midway reports `failed` (the caller got a cut answer: a doubt).
 */
import { Transform, type Readable } from 'node:stream'
import type { StoredAnswer } from './store.js'

/** The answer headers kept for replays. */
export const KEPT_HEADERS = ['content-type', 'x-request-id', 'retry-after'] as const

/** The kept headers of an answer, as strings. */
export function keptHeaders (get: (name: string) => unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const v = get(name)
    if (v !== undefined && v !== null) out[name] = Array.isArray(v) ? v.join(', ') : String(v)
  }
  return out
}

/** True for a stream payload (anything with `pipe`). */
export function isStream (payload: unknown): payload is Readable {
  return typeof (payload as { pipe?: unknown } | null)?.pipe === 'function'
}

/** The stored answer of a string / Buffer / empty payload. */
export function answerOf (status: number, headers: Record<string, string>, payload: unknown, maxBytes: number): StoredAnswer {
  const bytes = payload === undefined || payload === null ? Buffer.alloc(0) : Buffer.isBuffer(payload) ? payload : Buffer.from(String(payload), 'utf8')
  if (bytes.length > maxBytes) return { status, headers, body: null, omittedBytes: bytes.length }
  return { status, headers, body: bytes.toString('base64') }
}

/**
 * Wrap a stream payload: the returned stream carries the same bytes; `done` is called once, with
 * the stored answer when the stream ended, or `failed: true` when it broke.
 */
export function captureStream (source: Readable, status: number, headers: Record<string, string>, maxBytes: number, done: (answer: StoredAnswer, failed: boolean) => void): Readable {
  const chunks: Buffer[] = []
  let seen = 0
  let reported = false
  const report = (failed: boolean): void => {
    if (reported) return
    reported = true
    done(seen > maxBytes ? { status, headers, body: null, omittedBytes: seen } : { status, headers, body: Buffer.concat(chunks).toString('base64') }, failed)
  }
  const copy = new Transform({
    transform (chunk: Buffer, _encoding, callback) {
      seen += chunk.length
      if (seen <= maxBytes) chunks.push(chunk)
      else chunks.length = 0
      callback(null, chunk)
    },
    flush (callback) {
      report(false)
      callback()
    }
  })
  source.once('error', (err) => { copy.destroy(err) })
  copy.once('close', () => { report(true) })
  return source.pipe(copy)
}
