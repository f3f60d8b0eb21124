/**
 * Micro-benchmark behind the one list answer path (src/facade/pagination.ts): the cost of turning
 * Intercom's list answer (bytes) into the facade's page `{ data, total_count, next_cursor }` (bytes),
 * for a 16 KB (10 contacts) and a 250 KB (150 contacts) search answer, three ways:
 *
 * - `scan`: the json-spans scan (`listPageBytes`): the items' bytes copied unparsed.
 * - `parse+schema`: `JSON.parse`, re-wrap, then the route's response serializer (fast-json-stringify
 *   over the `ContactList` schema, as Fastify does for a route that returns an object).
 * - `parse+stringify`: `JSON.parse`, re-wrap, `JSON.stringify`.
 *
 * Run: `node --import tsx bench/list-path.ts` (ROUNDS=7, ITER_MS=400 by default). Prints µs per
 * answer (median of the rounds) and the ratio to `scan`. No assertion: a measurement.
 */
import { deepStrictEqual } from 'node:assert/strict'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import { fakeSearch } from './upstream.js'
import { listPageBytes } from '../src/facade/pagination.js'
import { ContactListSchema, ContactSchema } from '../schemas/contacts.js'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const ITER_MS = Number(process.env.ITER_MS ?? 400)

const serialize = SerializerSelector()({ Contact: ContactSchema, ContactList: ContactListSchema }, {})({ schema: { $ref: 'ContactList#' }, method: 'POST', url: '/contacts/search', httpStatus: '200' }) as (doc: unknown) => string

interface IntercomList { data?: unknown[], total_count?: number, pages?: { next?: { starting_after?: string } | null } | null }
function rewrap (list: IntercomList): { data: unknown[], total_count: number | null, next_cursor: string | null } {
  return { data: list.data ?? [], total_count: typeof list.total_count === 'number' ? list.total_count : null, next_cursor: list.pages?.next?.starting_after ?? null }
}

const ways: Record<string, (buf: Buffer) => Buffer | string> = {
  scan: (buf) => listPageBytes(buf, { items: 'data', paging: 'cursor' }),
  'parse+schema': (buf) => serialize(rewrap(JSON.parse(buf.toString('utf8')) as IntercomList)),
  'parse+stringify': (buf) => JSON.stringify(rewrap(JSON.parse(buf.toString('utf8')) as IntercomList))
}

/**
 * µs per call of `fn(copy of buf)`, over about ITER_MS of calls. Every way gets a fresh copy of the
 * answer, as each request does (`listPageBytes` writes the page over the answer's bytes): 20
 * copies, refreshed after each batch of 20 calls (a memcpy, the same for every way, inside the clock).
 */
function measure (fn: (buf: Buffer) => unknown, buf: Buffer): number {
  const copies = Array.from({ length: 20 }, () => Buffer.from(buf))
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < ITER_MS) {
    for (let i = 0; i < 20; i++) fn(copies[i])
    n += 20
    for (const c of copies) buf.copy(c)
    now = performance.now()
  }
  return ((now - start) * 1000) / n
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

for (const count of [10, 150]) {
  const buf = Buffer.from(JSON.stringify(fakeSearch(count)))
  const expected = JSON.parse(String(ways['parse+stringify'](buf)))
  for (const [name, fn] of Object.entries(ways)) {
    deepStrictEqual(JSON.parse(String(fn(Buffer.from(buf)))), expected, `${name} answers a different page`)
  }
  for (const fn of Object.values(ways)) measure(fn, buf) // warm up
  const results: Record<string, number[]> = {}
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(ways)) (results[name] ??= []).push(measure(fn, buf))
  }
  const scan = median(results.scan)
  console.log(`${count} contacts, ${(buf.length / 1024).toFixed(0)} KB answer (median of ${ROUNDS} rounds of ${ITER_MS} ms):`)
  for (const [name, xs] of Object.entries(results)) {
    const m = median(xs)
    console.log(`  ${name.padEnd(16)} ${m.toFixed(1).padStart(8)} µs   ${(m / scan).toFixed(2)}× scan`)
  }
}
