import { test } from 'tap'
import { decodePageCursor, encodePageCursor, fromCursorList, fromPagedList, ndjsonAllPages, type Page } from '../../src/facade/pagination.js'

test('cursor lists: next_cursor is Intercom\'s starting_after', async (t) => {
  t.same(fromCursorList({ data: [1], total_count: 3, pages: { next: { starting_after: 'abc' } } }), { data: [1], total_count: 3, next_cursor: 'abc' })
  t.same(fromCursorList({ data: [1] }), { data: [1], total_count: null, next_cursor: null })
})

test('page-numbered lists: the next page number travels in an opaque cursor', async (t) => {
  const first = fromPagedList({ data: ['a'], total_count: 3, pages: { page: 1, per_page: 1, total_pages: 3 } })
  t.equal(first.total_count, 3)
  t.type(first.next_cursor, 'string')
  t.equal(decodePageCursor(first.next_cursor!), 2)
  t.equal(fromPagedList({ data: [], pages: { page: 3, total_pages: 3 } }).next_cursor, null)
  t.equal(decodePageCursor(undefined), 1)
  t.equal(decodePageCursor(encodePageCursor(42)), 42)
  for (const bad of ['abc', encodePageCursor(0), Buffer.from('page:-1').toString('base64url'), Buffer.from('other:2').toString('base64url')]) {
    t.throws(() => decodePageCursor(bad), { code: 'FACADE_INVALID_INPUT', errors: [{ field: 'querystring.starting_after' }] }, bad)
  }
})

test('all pages as NDJSON, and a failure mid-way ends with an error line', async (t) => {
  const pages: Record<string, Page<{ n: number }>> = {
    start: { data: [{ n: 1 }, { n: 2 }], total_count: 3, next_cursor: 'c2' },
    c2: { data: [{ n: 3 }], total_count: 3, next_cursor: null }
  }
  const seen: Array<string | undefined> = []
  let out = ''
  for await (const chunk of ndjsonAllPages(async (c) => { seen.push(c); return pages[c ?? 'start'] })) out += chunk
  t.same(out.trim().split('\n').map((l) => JSON.parse(l)), [{ n: 1 }, { n: 2 }, { n: 3 }])
  t.same(seen, [undefined, 'c2'])

  let broken = ''
  for await (const chunk of ndjsonAllPages(async (c) => { if (c) throw new Error('boom'); return pages.start })) broken += chunk
  const lines = broken.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 3)
  t.match(lines[2], { error: { detail: 'boom' } })
})
