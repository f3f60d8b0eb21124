/**
 * The one list answer path. Whatever Intercom answers for a list (a cursor,
 * `pages.next.starting_after`; page numbers, `pages.page` of `pages.total_pages`; or everything at
 * once), the caller sees `{ data, total_count, next_cursor }` and pages with
 * `starting_after=<next_cursor>`. Page numbers travel inside an opaque cursor.
 *
 * Every list and search answer is read the same way, on its bytes (`readListPage`): the json-spans
 * scan finds the items array, whose bytes are copied unparsed; only the small `total_count` and
 * `pages` values are parsed (bench/list-path.ts: the scan costs a fraction of parse + serialise on
 * 16 KB and 250 KB answers). `?all=true` walks every page as NDJSON (`ndjsonAllPages`), one item a
 * line, and stops on a cursor it has seen before or after `maxPages` pages.
 */
import { Readable } from 'node:stream'
import { InvalidInputError, UpstreamAnswerError } from '../errors.js'
import { arrayItemSpans, topLevelSpans } from './json-spans.js'

/** The normalised page. */
export interface Page<T> {
  data: T[]
  total_count: number | null
  next_cursor: string | null
}

/**
 * Where an Intercom list answer keeps its items and how it pages.
 * - `items`: the key of the items array (`data`, `conversations`, `tickets`, `admins`, ...), or
 *   `outer.inner` for one level of nesting (`data.articles`); a list of keys takes the first present.
 * - `paging`: `cursor` (`pages.next.starting_after`), `pages` (`pages.page` < `pages.total_pages`:
 *   the next page number in an opaque cursor), `none` (one page: `total_count` is the item count
 *   unless Intercom gives one), or a function of Intercom's `pages` value answering the next cursor.
 */
export interface ListShape {
  items: string | readonly string[]
  paging: 'cursor' | 'pages' | 'none' | ((pages: unknown) => string | null)
}

/** A page read from Intercom's bytes: the items array as bytes, and the normalised paging. */
export interface RawPage {
  /** The JSON array of items, as Intercom sent it. */
  items: Buffer
  total_count: number | null
  next_cursor: string | null
}

const PAGE_CURSOR_PREFIX = 'page:'

/** The opaque cursor for page number `page` (1-based) of a page-numbered list. */
export function encodePageCursor (page: number): string {
  return Buffer.from(`${PAGE_CURSOR_PREFIX}${page}`).toString('base64url')
}

/**
 * The page number inside a cursor from `encodePageCursor`; page 1 when there is no cursor.
 * @throws InvalidInputError (400, field `querystring.starting_after`) for a cursor it did not make
 */
export function decodePageCursor (cursor: string | undefined, field = 'querystring.starting_after'): number {
  if (cursor === undefined) return 1
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const page = text.startsWith(PAGE_CURSOR_PREFIX) ? Number(text.slice(PAGE_CURSOR_PREFIX.length)) : NaN
  if (!Number.isSafeInteger(page) || page < 1) throw new InvalidInputError([{ field, message: 'is not a cursor this list gave (pass the previous answer\'s next_cursor)' }])
  return page
}

/** The upstream paging parameters for the caller's cursor: `{ starting_after }`, `{ page }` or none. */
export function upstreamPaging (shape: ListShape, cursor: string | undefined): { starting_after?: string, page?: number } {
  if (shape.paging === 'pages') return { page: decodePageCursor(cursor) }
  if (shape.paging === 'cursor') return cursor === undefined ? {} : { starting_after: cursor }
  return {}
}

const EMPTY = Buffer.from('[]')
const DATA_OPEN = Buffer.from('{"data":')

type Spans = Map<string, [number, number]>

/** The spans of `buf`, or of its parsed-and-compacted form when the scan refuses it (then a JSON object is required). */
function spansOf (buf: Buffer): { buf: Buffer, spans: Spans } {
  const spans = topLevelSpans(buf)
  if (spans !== undefined) return { buf, spans }
  let value: unknown
  try {
    value = JSON.parse(buf.toString('utf8'))
  } catch (err) {
    throw new UpstreamAnswerError('its answer is not JSON', undefined, err)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UpstreamAnswerError('its answer is not a JSON object (a list was expected)')
  const compact = Buffer.from(JSON.stringify(value))
  return { buf: compact, spans: topLevelSpans(compact) as Spans }
}

/** The span of the value at `key` (`a` or `a.b`), offsets into `buf`. */
function spanAt (buf: Buffer, spans: Spans, key: string): [number, number] | undefined {
  const dot = key.indexOf('.')
  if (dot === -1) return spans.get(key)
  const outer = spans.get(key.slice(0, dot))
  if (outer === undefined || buf[outer[0]] !== 0x7b) return undefined
  const inner = topLevelSpans(buf.subarray(outer[0], outer[1]))?.get(key.slice(dot + 1))
  return inner === undefined ? undefined : [outer[0] + inner[0], outer[0] + inner[1]]
}

/** Whether the span holds the literal `null` (compared in place: a span may be a 250 KB array). */
function isNullSpan (buf: Buffer, span: [number, number]): boolean {
  return span[1] - span[0] === 4 && buf[span[0]] === 0x6e && buf[span[0] + 1] === 0x75 && buf[span[0] + 2] === 0x6c && buf[span[0] + 3] === 0x6c
}

function parseSpan (buf: Buffer, span: [number, number] | undefined): unknown {
  return span === undefined ? undefined : JSON.parse(buf.toString('utf8', span[0], span[1]))
}

/**
 * Read one page of an Intercom list answer (its bytes) as `shape` describes it.
 * @throws UpstreamAnswerError (502) when the answer is not a JSON object or its items are not an array
 */
export function readListPage (answer: Buffer, shape: ListShape): RawPage {
  const { buf, spans } = spansOf(answer)
  let span: [number, number] | undefined
  for (const key of typeof shape.items === 'string' ? [shape.items] : shape.items) {
    span = spanAt(buf, spans, key)
    if (span !== undefined && !isNullSpan(buf, span)) break
    span = undefined
  }
  if (span !== undefined && buf[span[0]] !== 0x5b) throw new UpstreamAnswerError(`its ${String(shape.items)} is not a list`)
  const items = span === undefined ? EMPTY : buf.subarray(span[0], span[1])
  const given = parseSpan(buf, spans.get('total_count'))
  let total: number | null = typeof given === 'number' ? given : null
  let next: string | null = null
  const paging = shape.paging
  if (paging === 'none') {
    if (total === null) total = arrayItemSpans(items, 0, items.length)?.length ?? 0
  } else {
    const pages = parseSpan(buf, spans.get('pages')) as { page?: unknown, total_pages?: unknown, next?: { starting_after?: unknown } | null } | null | undefined
    if (paging === 'cursor') {
      const after = pages?.next?.starting_after
      next = typeof after === 'string' && after !== '' ? after : null
    } else if (paging === 'pages') {
      const page = typeof pages?.page === 'number' ? pages.page : 1
      const totalPages = typeof pages?.total_pages === 'number' ? pages.total_pages : 0
      next = page < totalPages ? encodePageCursor(page + 1) : null
    } else {
      next = paging(pages)
    }
  }
  return { items, total_count: total, next_cursor: next }
}

/** The page's bytes after its items: `,"total_count":…,"next_cursor":…}`. */
function pageTail (page: RawPage): Buffer {
  return Buffer.from(`,"total_count":${JSON.stringify(page.total_count)},"next_cursor":${JSON.stringify(page.next_cursor)}}`)
}

/** The facade's page `{ data, total_count, next_cursor }` as bytes, the items copied as they are. */
export function pageBytes (page: RawPage): Buffer {
  return Buffer.concat([DATA_OPEN, page.items, pageTail(page)])
}

/**
 * The facade's page written over Intercom's own answer bytes, when they leave room: `{"data":`
 * goes where Intercom's keys before the items were (`{"type":"list","data":`), the page's tail
 * where Intercom's `total_count` and `pages` were (ours is shorter: one cursor instead of the whole
 * `pages` object). The items are not copied at all (a 250 KB search page is not copied twice).
 * Undefined when the items are not inside `answer` or there is no room; `answer` is then untouched.
 * Only for an answer nothing reads afterwards.
 */
function pageBytesInPlace (answer: Buffer, page: RawPage): Buffer | undefined {
  const items = page.items
  if (items.buffer !== answer.buffer) return undefined
  const start = items.byteOffset - answer.byteOffset
  const end = start + items.length
  if (start < DATA_OPEN.length || start > answer.length || end > answer.length) return undefined
  const tail = pageTail(page)
  if (answer.length - end < tail.length) return undefined
  DATA_OPEN.copy(answer, start - DATA_OPEN.length)
  tail.copy(answer, end)
  return answer.subarray(start - DATA_OPEN.length, end + tail.length)
}

/**
 * `readListPage` then the page's bytes: Intercom's list answer → the facade's page. The page is
 * written over `answer` where it fits (`pageBytesInPlace`), so `answer` must not be read afterwards.
 */
export function listPageBytes (answer: Buffer, shape: ListShape): Buffer {
  const page = readListPage(answer, shape)
  return pageBytesInPlace(answer, page) ?? pageBytes(page)
}

const NL = 0x0a
const NEWLINE = Buffer.from('\n')
const CR = 0x0d

/** The items of a page as NDJSON lines (each item's bytes; one that spans lines is compacted first). */
export function itemLines (page: RawPage): Buffer[] {
  const spans = arrayItemSpans(page.items, 0, page.items.length) ?? []
  return spans.map(([start, end]) => {
    const item = page.items.subarray(start, end)
    // Outside strings JSON may hold newlines as spacing; inside them they are escaped.
    return item.includes(NL) || item.includes(CR) ? Buffer.from(JSON.stringify(JSON.parse(item.toString('utf8')))) : item
  })
}

/** Why `ndjsonAllPages` stopped early: a repeated cursor (Intercom's fault), or the page bound. */
export class ListStoppedError extends Error {
  override name = 'ListStoppedError'
  constructor (readonly why: 'cursor_repeated' | 'page_limit', readonly cursor: string, readonly pages: number) {
    super(why === 'cursor_repeated' ? `Intercom's list gave the cursor ${cursor} a second time` : `the list has more than ${pages} pages`)
  }
}

/**
 * Every item of every page, as NDJSON (one JSON value a line), fetched one page at a time with
 * `fetchPage(cursor)` from `first` (the caller's starting cursor) on; each call goes through the
 * shared client, so the rate budget paces it. It stops, with one last line `errorLine(err)` (the
 * 200 status has already been sent), when a page fails, when Intercom answers a cursor it gave
 * before (`ListStoppedError` `cursor_repeated`), or when `maxPages` pages were sent and there are
 * more (`page_limit`, naming the cursor to continue from).
 */
export function ndjsonAllPages (
  fetchPage: (cursor: string | undefined) => Promise<RawPage>,
  errorLine: (err: unknown) => string,
  opts: { first?: string, maxPages: number }
): Readable {
  async function * lines (): AsyncGenerator<Buffer | string> {
    let cursor = opts.first
    const seen = new Set<string>(cursor === undefined ? [] : [cursor])
    for (let n = 0; ; n++) {
      let page: RawPage
      try {
        if (n === opts.maxPages) throw new ListStoppedError('page_limit', cursor as string, opts.maxPages)
        page = await fetchPage(cursor)
      } catch (err) {
        yield errorLine(err) + '\n'
        return
      }
      const chunk: Buffer[] = []
      for (const line of itemLines(page)) chunk.push(line, NEWLINE)
      if (chunk.length > 0) yield Buffer.concat(chunk)
      if (page.next_cursor === null) return
      if (seen.has(page.next_cursor)) {
        yield errorLine(new ListStoppedError('cursor_repeated', page.next_cursor, n + 1)) + '\n'
        return
      }
      seen.add(page.next_cursor)
      cursor = page.next_cursor
    }
  }
  return Readable.from(lines())
}
