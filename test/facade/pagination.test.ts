import { test } from 'tap'
import {
  decodePageCursor, encodePageCursor, itemLines, listPageBytes, ndjsonAllPages, readListPage, upstreamPaging, type RawPage
} from '../../src/facade/pagination.js'

const bytes = (v: unknown, space?: number) => Buffer.from(JSON.stringify(v, null, space))
const page = (answer: unknown, shape: Parameters<typeof listPageBytes>[1]) => JSON.parse(listPageBytes(bytes(answer), shape).toString())

test('cursor lists: next_cursor is Intercom\'s starting_after, items under the shape\'s key', async (t) => {
  t.same(page({ type: 'list', data: [1], total_count: 3, pages: { next: { starting_after: 'abc' } } }, { items: 'data', paging: 'cursor' }), { data: [1], total_count: 3, next_cursor: 'abc' })
  t.same(page({ data: [1] }, { items: 'data', paging: 'cursor' }), { data: [1], total_count: null, next_cursor: null })
  t.same(page({ type: 'conversation.list', conversations: [{ id: '1' }], pages: { next: null } }, { items: 'conversations', paging: 'cursor' }), { data: [{ id: '1' }], total_count: null, next_cursor: null })
  t.same(page({ type: 'ticket.list', tickets: null, total_count: 0 }, { items: 'tickets', paging: 'cursor' }), { data: [], total_count: 0, next_cursor: null }, 'null items are an empty page')
  t.same(upstreamPaging({ items: 'data', paging: 'cursor' }, 'c1'), { starting_after: 'c1' })
  t.same(upstreamPaging({ items: 'data', paging: 'cursor' }, undefined), {})
})

test('page-numbered lists: the next page number travels in an opaque cursor', async (t) => {
  const first = page({ data: ['a'], total_count: 3, pages: { page: 1, per_page: 1, total_pages: 3 } }, { items: 'data', paging: 'pages' })
  t.equal(first.total_count, 3)
  t.type(first.next_cursor, 'string')
  t.equal(decodePageCursor(first.next_cursor), 2)
  t.same(upstreamPaging({ items: 'data', paging: 'pages' }, first.next_cursor), { page: 2 })
  t.equal(page({ data: [], pages: { page: 3, total_pages: 3 } }, { items: 'data', paging: 'pages' }).next_cursor, null)
  t.same(page({ companies: [{ id: 'c' }], pages: { page: 1, total_pages: 1 } }, { items: ['data', 'companies'], paging: 'pages' }).data, [{ id: 'c' }], 'the first key present wins')
  t.equal(decodePageCursor(undefined), 1)
  t.equal(decodePageCursor(encodePageCursor(42)), 42)
  for (const bad of ['abc', encodePageCursor(0), Buffer.from('page:-1').toString('base64url'), Buffer.from('other:2').toString('base64url')]) {
    t.throws(() => decodePageCursor(bad), { code: 'FACADE_INVALID_INPUT', errors: [{ field: 'querystring.starting_after' }] }, bad)
  }
})

test('one-page lists count their items unless Intercom gives total_count; nested items; a paging function', async (t) => {
  t.same(page({ type: 'admin.list', admins: [{ id: '1' }, { id: '2' }] }, { items: 'admins', paging: 'none' }), { data: [{ id: '1' }, { id: '2' }], total_count: 2, next_cursor: null })
  t.same(page({ type: 'list', data: [] }, { items: 'data', paging: 'none' }), { data: [], total_count: 0, next_cursor: null })
  t.same(page({ type: 'list', total_count: 9, data: { type: 'article.list', articles: [{ id: 'a' }] } }, { items: 'data.articles', paging: 'none' }), { data: [{ id: 'a' }], total_count: 9, next_cursor: null })
  t.same(page({ events: [{ n: 1 }], pages: { next: 'x' } }, { items: 'events', paging: (pages) => `next-${(pages as { next: string }).next}` }), { data: [{ n: 1 }], total_count: null, next_cursor: 'next-x' })
})

test('an answer that is not a list is an upstream fault (502), not a 500', async (t) => {
  for (const text of ['{"data":[1,2', 'not json', '[1,2]', '{"data":"odd"}', '{"data":{"a":1}}']) {
    t.throws(() => readListPage(Buffer.from(text), { items: 'data', paging: 'cursor' }), { name: 'UpstreamAnswerError', code: 'UPSTREAM_BAD_ANSWER', statusCode: 502 }, text)
  }
})

test('item lines: one line per item, an item spread over lines compacted', async (t) => {
  const raw = readListPage(bytes({ data: [{ a: 1, b: 'x\ny' }, [2], 'z'] }, 2), { items: 'data', paging: 'cursor' })
  const lines = itemLines(raw).map(String)
  t.same(lines, ['{"a":1,"b":"x\\ny"}', '[2]', '"z"'])
})

async function text (stream: AsyncIterable<unknown>): Promise<string> {
  let out = ''
  for await (const chunk of stream) out += String(chunk)
  return out
}

const rawPage = (items: unknown[], next: string | null): RawPage => ({ items: bytes(items), total_count: null, next_cursor: next })
const errorLine = (err: unknown) => JSON.stringify({ error: { message: (err as Error).message, why: (err as { why?: string }).why } })

test('all pages as NDJSON, and a failure mid-way ends with an error line', async (t) => {
  const pages: Record<string, RawPage> = { start: rawPage([{ n: 1 }, { n: 2 }], 'c2'), c2: rawPage([{ n: 3 }], null) }
  const seen: Array<string | undefined> = []
  const out = await text(ndjsonAllPages(async (c) => { seen.push(c); return pages[c ?? 'start'] }, errorLine, { maxPages: 10 }))
  t.same(out.trim().split('\n').map((l) => JSON.parse(l)), [{ n: 1 }, { n: 2 }, { n: 3 }])
  t.same(seen, [undefined, 'c2'])

  const broken = await text(ndjsonAllPages(async (c) => { if (c) throw new Error('boom'); return pages.start }, errorLine, { maxPages: 10 }))
  const lines = broken.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 3)
  t.match(lines[2], { error: { message: 'boom' } })
})

test('a cursor that repeats stops the walk at once, with an error line', async (t) => {
  let calls = 0
  // Intercom answers start → c1 → c2 → c1 ...: the page after the third would repeat the second.
  const out = await text(ndjsonAllPages(async (c) => { calls++; return rawPage([{ c: c ?? null }], c === 'c1' ? 'c2' : 'c1') }, errorLine, { maxPages: 10_000 }))
  const lines = out.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(calls, 3, 'three upstream calls, not 10,000')
  t.same(lines.slice(0, 3), [{ c: null }, { c: 'c1' }, { c: 'c2' }])
  t.match(lines[3], { error: { why: 'cursor_repeated' } })
  t.equal(lines.length, 4)

  calls = 0
  const same = await text(ndjsonAllPages(async () => { calls++; return rawPage([1], 'start') }, errorLine, { first: 'start', maxPages: 10_000 }))
  t.equal(calls, 1, "Intercom answering the caller's own cursor as next stops after one page")
  t.match(JSON.parse(same.trim().split('\n')[1]), { error: { why: 'cursor_repeated' } })
})

test('more pages than maxPages: the stream ends with an error line naming the cursor to continue from', async (t) => {
  let calls = 0
  const out = await text(ndjsonAllPages(async () => { calls++; return rawPage([calls], `c${calls}`) }, errorLine, { maxPages: 3 }))
  const lines = out.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(calls, 3)
  t.same(lines.slice(0, 3), [1, 2, 3])
  t.match(lines[3], { error: { why: 'page_limit', message: /more than 3 pages/ } })
})

test('the page written over Intercom\'s answer is byte for byte the copied page, and falls back to a copy when there is no room', async (t) => {
  const contacts = Array.from({ length: 150 }, (_, i) => ({ type: 'contact', id: `c${i}`, email: `u${i}@example.com`, tags: { type: 'list', data: [], total_count: 0 } }))
  const cases: Array<[unknown, Parameters<typeof listPageBytes>[1]]> = [
    [{ type: 'list', data: contacts, total_count: 150, pages: { type: 'pages', next: { page: 2, starting_after: 'WzE3MDAwMDAwMDAsImMxNDkiXQ==' }, page: 1, per_page: 150, total_pages: 2 } }, { items: 'data', paging: 'cursor' }],
    [{ type: 'list', data: [1, 2], pages: { page: 1, total_pages: 4 } }, { items: 'data', paging: 'pages' }],
    [{ data: [1], total_count: 1 }, { items: 'data', paging: 'cursor' }],
    [{ total_count: 2, data: [{ a: 1 }, { b: 2 }] }, { items: 'data', paging: 'none' }],
    [{ type: 'list', data: { articles: [{ id: '1' }] }, total_count: 1, pages: { next: null } }, { items: 'data.articles', paging: 'cursor' }],
    [{ type: 'conversation.list', conversations: null, total_count: 0 }, { items: 'conversations', paging: 'cursor' }]
  ]
  for (const [answer, shape] of cases) {
    for (const space of [undefined, 2]) {
      const read = readListPage(bytes(answer, space), shape)
      const copied = Buffer.concat([Buffer.from('{"data":'), read.items, Buffer.from(`,"total_count":${JSON.stringify(read.total_count)},"next_cursor":${JSON.stringify(read.next_cursor)}}`)])
      const inPlace = listPageBytes(bytes(answer, space), shape)
      t.equal(inPlace.toString(), copied.toString(), `${JSON.stringify(shape)} ${space ?? 'compact'}`)
      JSON.parse(inPlace.toString())
    }
  }
  // `{"data":[1],"total_count":1}` leaves no room for `,"next_cursor":null`: copied, and the answer untouched.
  const tight = bytes({ data: [1], total_count: 1 })
  const before = tight.toString()
  t.same(JSON.parse(listPageBytes(tight, { items: 'data', paging: 'cursor' }).toString()), { data: [1], total_count: 1, next_cursor: null })
  t.equal(tight.toString(), before, 'an answer without room is not written over')
  // The items' bytes are not copied when the page fits over the answer.
  const big = bytes(cases[0][0])
  const out = listPageBytes(big, cases[0][1])
  t.equal(out.buffer, big.buffer, 'the page is a view of the answer\'s own bytes')
})
