/**
 * Large facade answers (64 KB..1 MB from Intercom) are read into reused buffers
 * (src/upstream/answer-buffers.ts) and given back once written (src/facade/send.ts). What must hold:
 * every caller gets exactly its own answer, over real sockets, when many run at once and buffers
 * are reused from one round to the next, and while a caller that reads slowly still has its answer
 * in flight; a buffer comes back only after its answer was written.
 */
import { test } from 'tap'
import { connect } from 'node:net'
import { once } from 'node:events'
import { Pool } from 'undici'
import { buildWithFake } from './fake-intercom.js'
import { freeAnswerBufferBytes } from '../../src/upstream/answer-buffers.js'

/** Intercom's search answer for `value`: `n` contacts whose names all carry `value`. */
function searchAnswer (value: string, n: number): object {
  return {
    type: 'list',
    data: Array.from({ length: n }, (_, i) => ({ type: 'contact', id: `${value}-${i}`, name: `${value} `.repeat(20) })),
    total_count: n,
    pages: { type: 'pages', page: 1, per_page: n, total_pages: 1 }
  }
}

/** What the facade answers for that search. */
function facadePage (value: string, n: number): string {
  return JSON.stringify({ data: (searchAnswer(value, n) as { data: unknown[] }).data, total_count: n, next_cursor: null })
}

const body = (value: string): string => JSON.stringify({ field: 'name', operator: '=', value })

/** A rate limit that never holds the calls back (without one the budget sends one call at a time). */
const roomy = (): Record<string, string> => ({ 'x-ratelimit-limit': '100000', 'x-ratelimit-remaining': '99999', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 10) })

test('concurrent large searches over reused buffers: each caller gets its own answer, round after round', async (t) => {
  // Sizes from ~50 KB to ~450 KB, so several size classes are reused.
  const sizes = [300, 600, 1200, 2400, 601, 1201]
  const { app } = await buildWithFake(t, (req) => {
    const value = (req.body as { query: { value: string } }).query.value
    const i = Number(value.split('-')[1])
    const answer = JSON.stringify(searchAnswer(value, sizes[i % sizes.length]))
    // Every other answer announces its length (read into a buffer of that size as it comes), the
    // others are chunked (joined at the end).
    return { body: answer, headers: { ...roomy(), ...(i % 2 === 0 ? { 'content-length': String(Buffer.byteLength(answer)) } : {}) } }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const pool = new Pool(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`, { connections: 16 })
  t.teardown(() => pool.close())
  const freeAtStart = freeAnswerBufferBytes()
  for (let round = 0; round < 4; round++) {
    const values = Array.from({ length: 24 }, (_, i) => `r${round}c-${i}`)
    const answers = await Promise.all(values.map(async (value) => {
      const res = await pool.request({ method: 'POST', path: '/contacts/search', headers: { 'content-type': 'application/json' }, body: body(value) })
      return { status: res.statusCode, text: await res.body.text() }
    }))
    let wrong = 0
    answers.forEach((a, i) => {
      const n = sizes[i % sizes.length]
      if (a.status !== 200 || a.text !== facadePage(values[i], n)) wrong++
    })
    t.equal(wrong, 0, `round ${round}: all 24 answers are their own caller's`)
  }
  t.ok(freeAnswerBufferBytes() > freeAtStart, 'buffers came back after their answers were written')
})

/** Split the bytes of pipelined HTTP/1.1 answers (each with a content-length) into their bodies. */
function bodiesOf (bytes: Buffer): string[] {
  const bodies: string[] = []
  let at = 0
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at)
    if (end === -1) break
    const length = Number(/content-length: (\d+)/i.exec(bytes.subarray(at, end).toString('latin1'))?.[1])
    if (end + 4 + length > bytes.length) break
    bodies.push(bytes.subarray(end + 4, end + 4 + length).toString())
    at = end + 4 + length
  }
  return bodies
}

test('a caller that reads slowly keeps its answers while others reuse buffers', async (t) => {
  const n = 5500 // about 900 KB an answer: the 1 MB class
  const slowCount = 8 // about 7 MB pipelined on one connection: more than the kernel takes from a caller that does not read
  const { app } = await buildWithFake(t, (req) => ({ body: searchAnswer((req.body as { query: { value: string } }).query.value, n), headers: roomy() }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port

  // The slow caller: pipelines its searches on one connection and reads nothing.
  const slow = connect(port, '127.0.0.1')
  await once(slow, 'connect')
  const unfinished = new Set<unknown>()
  app.server.prependListener('request', (req, res) => {
    if (req.socket.remotePort !== slow.localPort) return
    unfinished.add(res)
    res.once('finish', () => unfinished.delete(res))
  })
  slow.pause()
  for (let i = 0; i < slowCount; i++) {
    const request = body(`slow-${i}`)
    slow.write(`POST /contacts/search HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${request.length}\r\n\r\n${request}`)
  }
  const settle = Date.now() + 5_000
  while (unfinished.size === 0 && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 20))
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.ok(unfinished.size > 0, `some slow answers are still being written (${unfinished.size}), so their buffers are in use`)

  // Others, with answers of the same size class, while those are in flight.
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 4 })
  t.teardown(() => pool.close())
  let wrong = 0
  for (let i = 0; i < 8; i++) {
    const res = await pool.request({ method: 'POST', path: '/contacts/search', headers: { 'content-type': 'application/json' }, body: body(`fast-${i}`) })
    if (await res.body.text() !== facadePage(`fast-${i}`, n)) wrong++
  }
  t.equal(wrong, 0, 'every fast answer is its own')

  const chunks: Buffer[] = []
  slow.on('data', (c: Buffer) => chunks.push(c))
  slow.resume()
  const deadline = Date.now() + 20_000
  while (bodiesOf(Buffer.concat(chunks)).length < slowCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  slow.destroy()
  const bodies = bodiesOf(Buffer.concat(chunks))
  t.equal(bodies.length, slowCount, 'the slow caller got every answer')
  t.same(bodies.map((b, i) => b === facadePage(`slow-${i}`, n)), Array(slowCount).fill(true), 'each byte for byte its own, though others reused buffers meanwhile')
})
