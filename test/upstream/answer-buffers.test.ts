/**
 * The reused answer buffers (src/upstream/answer-buffers.ts): what is reused, what never is (a
 * buffer not made there, one released twice), the bound on what waits free, and the client's own
 * release points (a parsed `call` gives its buffer back; a `callRaw` answer stays with its caller;
 * an attempt cut short gives its buffer back), against a loopback HTTP server.
 */
import { test } from 'tap'
import {
  freeAnswerBufferBytes, isAnswerBuffer, POOL_KEEP_BYTES, POOLED_MAX_BYTES, POOLED_MIN_BYTES, releaseAnswerBuffer, takeAnswerBuffer
} from '../../src/upstream/answer-buffers.js'
import { UpstreamNetworkError } from '../../src/upstream/errors.js'
import { loopbackClient } from './client-options.js'

/** Take every free buffer of the class of `bytes` (so a test starts from an empty class). */
function drain (bytes: number): Buffer[] {
  const taken: Buffer[] = []
  for (;;) {
    const before = freeAnswerBufferBytes()
    const b = takeAnswerBuffer(bytes)
    taken.push(b)
    if (freeAnswerBufferBytes() === before) return taken
  }
}

test('a released buffer is the next one of its size class, as a view of exactly the size asked', async (t) => {
  drain(100_000)
  const a = takeAnswerBuffer(100_000)
  t.equal(a.length, 100_000)
  t.ok(isAnswerBuffer(a))
  t.equal(a.buffer.byteLength, 128 * 1024, 'rounded up to a power of two')
  a.fill(0x61)
  const free = freeAnswerBufferBytes()
  releaseAnswerBuffer(a.subarray(10, 20))
  t.equal(freeAnswerBufferBytes(), free + 128 * 1024, 'any view gives back the whole buffer')
  const b = takeAnswerBuffer(70_000)
  t.equal(b.buffer, a.buffer, 'reused')
  t.equal(b.length, 70_000, 'the view ends at the size asked: the earlier answer\'s bytes after it are in no view')
  t.equal(freeAnswerBufferBytes(), free)
})

test('a buffer released twice is given out once', async (t) => {
  drain(200_000)
  const a = takeAnswerBuffer(200_000)
  releaseAnswerBuffer(a)
  releaseAnswerBuffer(a)
  const b = takeAnswerBuffer(200_000)
  const c = takeAnswerBuffer(200_000)
  t.equal(b.buffer, a.buffer)
  t.not(c.buffer, a.buffer, 'the second taker got a buffer of its own')
})

test('buffers not made here are never taken in, and sizes outside 64 KB..1 MB are not reused', async (t) => {
  drain(POOLED_MIN_BYTES)
  const free = freeAnswerBufferBytes()
  const foreign = [Buffer.allocUnsafeSlow(POOLED_MIN_BYTES), Buffer.alloc(POOLED_MIN_BYTES), Buffer.allocUnsafe(100)]
  for (const f of foreign) {
    t.notOk(isAnswerBuffer(f))
    releaseAnswerBuffer(f)
  }
  t.equal(freeAnswerBufferBytes(), free, 'nothing taken in')
  t.notOk(foreign.some((f) => f.buffer === takeAnswerBuffer(POOLED_MIN_BYTES).buffer))
  for (const size of [POOLED_MIN_BYTES - 1, POOLED_MAX_BYTES + 1, 0]) {
    const b = takeAnswerBuffer(size)
    t.equal(b.length, size)
    t.notOk(isAnswerBuffer(b), `${size} bytes: a plain allocation`)
    releaseAnswerBuffer(b)
    t.equal(freeAnswerBufferBytes(), free)
  }
})

test('at most POOL_KEEP_BYTES wait free', async (t) => {
  const taken = Array.from({ length: POOL_KEEP_BYTES / POOLED_MAX_BYTES + 4 }, () => takeAnswerBuffer(POOLED_MAX_BYTES))
  for (const b of taken) releaseAnswerBuffer(b)
  t.ok(freeAnswerBufferBytes() <= POOL_KEEP_BYTES, `${freeAnswerBufferBytes()} bytes free`)
  t.ok(freeAnswerBufferBytes() > POOL_KEEP_BYTES - POOLED_MAX_BYTES, 'filled up to the bound')
  drain(POOLED_MAX_BYTES)
})

const ctx = { id: 'req-1', headers: {} }
const list = (n: number): string => JSON.stringify({ type: 'list', data: Array.from({ length: n }, (_, i) => ({ type: 'contact', id: String(i), name: 'x'.repeat(90) })) })

test('the client: `call` gives its buffer back once parsed, `callRaw` leaves it to the caller, a failed answer gives it back', async (t) => {
  const body = list(1000) // about 120 KB: the 128 KB class
  t.ok(Buffer.byteLength(body) > POOLED_MIN_BYTES && Buffer.byteLength(body) < 128 * 1024)
  const client = await loopbackClient(t, (req, res) => {
    if (req.url === '/cut') {
      res.socket?.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 70_000)}`)
      res.socket?.destroy()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
    res.end(body)
  })
  drain(body.length)

  const free = freeAnswerBufferBytes()
  const parsed = await client.call<{ data: unknown[] }>(ctx, { operationId: 'ListContacts', method: 'GET', path: '/contacts' })
  t.equal(parsed.data.data.length, 1000)
  t.equal(freeAnswerBufferBytes(), free + 128 * 1024, 'call: back once parsed')

  const raw = await client.callRaw(ctx, { operationId: 'ListContacts', method: 'GET', path: '/contacts' })
  t.ok(isAnswerBuffer(raw.data), 'callRaw: the bytes are in a reused buffer')
  t.equal(raw.data.toString(), body)
  t.equal(freeAnswerBufferBytes(), free, 'callRaw: still the caller\'s (it took the free one)')
  releaseAnswerBuffer(raw.data)

  const before = freeAnswerBufferBytes()
  const err = await client.callRaw(ctx, { operationId: 'ListContacts', method: 'GET', path: '/cut' }).catch((e: unknown) => e)
  t.ok(err instanceof UpstreamNetworkError, 'an answer shorter than its content-length fails')
  t.equal(freeAnswerBufferBytes(), before, 'the cut answer\'s buffer came back (and was the free one it took)')
})
