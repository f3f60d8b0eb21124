/**
 * Pagination, not tied to one route: the same caller code walks a cursor resource (contact search,
 * end to end through the facade and the emulator) and a page-number resource (Intercom's
 * `pages.page`/`total_pages` answers through readListPage/decodePageCursor), three pages each;
 * `ndjsonAllPages` (what `?all=true` streams) gives one line per item for both.
 */
import { test } from 'tap'
import { decodePageCursor, ndjsonAllPages, readListPage, type Page, type RawPage } from '../../src/facade/pagination.js'
import { build, json, seedContact, upstream } from '../helper.js'

type FetchPage<T> = (cursor: string | undefined) => Promise<Page<T>>

/** The caller's code, identical for every list: follow next_cursor until null. */
async function walk<T> (fetchPage: FetchPage<T>): Promise<Array<Page<T>>> {
  const pages: Array<Page<T>> = []
  let cursor: string | undefined
  for (;;) {
    const page = await fetchPage(cursor)
    pages.push(page)
    if (page.next_cursor === null || pages.length > 10) return pages
    cursor = page.next_cursor
  }
}

/** NDJSON lines of a stream. */
async function lines (stream: AsyncIterable<unknown>): Promise<unknown[]> {
  let out = ''
  for await (const chunk of stream) out += String(chunk)
  return out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l))
}

/** A page-numbered Intercom list of `items` (like GET /companies: `page`, `per_page`, `pages.total_pages`). */
function intercomPagedList<T> (items: T[], page: number, perPage: number) {
  const totalPages = Math.ceil(items.length / perPage)
  return { type: 'list', data: items.slice((page - 1) * perPage, page * perPage), total_count: items.length, pages: { type: 'pages', page, per_page: perPage, total_pages: totalPages } }
}

test('the same caller code walks a cursor resource and a page-number resource, three pages each', async (t) => {
  const { app, emulator } = await build(t)
  const emails = Array.from({ length: 7 }, (_, i) => `walk${i}@example.com`)
  for (const email of emails) await seedContact(emulator, { email })

  // cursor resource: POST /contacts/search through the facade (Intercom: pages.next.starting_after)
  const searchPage: FetchPage<{ email: string }> = async (cursor) => {
    const res = await app.inject({ method: 'POST', url: '/contacts/search', payload: { filter: "email ~ 'walk'", per_page: 3, ...(cursor === undefined ? {} : { starting_after: cursor }) } })
    t.equal(res.statusCode, 200)
    return json(res)
  }
  const cursorPages = await walk(searchPage)
  t.same(cursorPages.map((p) => p.data.length), [3, 3, 1], 'three pages: 3 + 3 + 1')
  t.ok(cursorPages.every((p) => p.total_count === 7), 'total_count on every page')
  t.same(cursorPages.flatMap((p) => p.data.map((c) => c.email)).sort(), [...emails].sort(), 'every item once')
  const calls = upstream(t, emulator)
  t.equal(calls.length, 3)
  t.same(calls.map((c) => (c.body as { pagination?: { starting_after?: string } }).pagination?.starting_after),
    [undefined, cursorPages[0].next_cursor, cursorPages[1].next_cursor], 'each next_cursor goes upstream as starting_after')

  // page-number resource: Intercom answers page numbers; the facade's cursor carries them
  const companies = Array.from({ length: 7 }, (_, i) => ({ id: `co${i}` }))
  const asked: number[] = []
  const pagedPage: FetchPage<{ id: string }> = async (cursor) => {
    const page = decodePageCursor(cursor)
    asked.push(page)
    const raw = readListPage(Buffer.from(JSON.stringify(intercomPagedList(companies, page, 3))), { items: 'data', paging: 'pages' })
    return { data: JSON.parse(raw.items.toString()), total_count: raw.total_count, next_cursor: raw.next_cursor }
  }
  const raw = <T>(fetchPage: FetchPage<T>) => async (cursor: string | undefined): Promise<RawPage> => {
    const page = await fetchPage(cursor)
    return { items: Buffer.from(JSON.stringify(page.data)), total_count: page.total_count, next_cursor: page.next_cursor }
  }
  const errorLine = (err: unknown) => JSON.stringify({ error: String(err) })
  const numberPages = await walk(pagedPage)
  t.same(numberPages.map((p) => p.data.length), [3, 3, 1], 'three pages: 3 + 3 + 1')
  t.ok(numberPages.every((p) => p.total_count === 7))
  t.same(asked, [1, 2, 3], 'Intercom is asked for pages 1, 2, 3')
  t.same(numberPages.flatMap((p) => p.data), companies)
  t.ok(numberPages.slice(0, 2).every((p) => typeof p.next_cursor === 'string' && !/^\d+$/.test(p.next_cursor)), 'the cursor is opaque, not a bare page number')

  // ?all=true: one NDJSON line per item, for both kinds
  emulator.resetRecords()
  t.same((await lines(ndjsonAllPages(raw(searchPage), errorLine, { maxPages: 10 }))).length, 7, 'cursor resource: 7 lines')
  t.equal(emulator.requests.length, 3, 'one upstream call per page')
  t.same(await lines(ndjsonAllPages(raw(pagedPage), errorLine, { maxPages: 10 })), companies, 'page-number resource: 7 lines, in order')
})
