/**
 * Pagination normalisation: whatever Intercom answers for a list — a cursor
 * (`pages.next.starting_after`) or page numbers (`pages.page` of `pages.total_pages`) — the caller
 * sees `{ data, total_count, next_cursor }` and pages with `starting_after=<next_cursor>`.
 * Page numbers travel inside an opaque cursor; `?all=true` walks every page as NDJSON.
 */
import { Readable } from 'node:stream'
import { InvalidInputError } from '../errors.js'

/** The normalised page. */
export interface Page<T> {
  data: T[]
  total_count: number | null
  next_cursor: string | null
}

/** Intercom's cursor-paged list: `{ data, total_count, pages: { next: { starting_after } } }`. */
export interface IntercomCursorList<T> {
  data?: T[]
  total_count?: number
  pages?: { next?: { starting_after?: string } | null } | null
}

/** Intercom's page-numbered list: `{ data, total_count, pages: { page, per_page, total_pages } }`. */
export interface IntercomPagedList<T> {
  data?: T[]
  total_count?: number
  pages?: { page?: number, per_page?: number, total_pages?: number } | null
}

/** Normalise a cursor-paged Intercom list (contacts, contact search, conversation search...). */
export function fromCursorList<T> (list: IntercomCursorList<T>): Page<T> {
  return {
    data: list.data ?? [],
    total_count: typeof list.total_count === 'number' ? list.total_count : null,
    next_cursor: list.pages?.next?.starting_after ?? null
  }
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

/** Normalise a page-numbered Intercom list (companies, articles...): the next page number becomes the cursor. */
export function fromPagedList<T> (list: IntercomPagedList<T>): Page<T> {
  const page = list.pages?.page ?? 1
  const total = list.pages?.total_pages ?? 0
  return {
    data: list.data ?? [],
    total_count: typeof list.total_count === 'number' ? list.total_count : null,
    next_cursor: page < total ? encodePageCursor(page + 1) : null
  }
}

/**
 * Every item of every page, as NDJSON (one JSON object a line), fetched one page at a time with
 * `fetchPage(cursor)` (each call goes through the shared client, so the rate budget paces it).
 * If a page fails after the first, the stream ends with one line `{"error": {...problem fields}}`,
 * since the 200 status has already been sent.
 */
export function ndjsonAllPages<T> (fetchPage: (cursor: string | undefined) => Promise<Page<T>>, maxPages = 10_000): Readable {
  async function * lines (): AsyncGenerator<string> {
    let cursor: string | undefined
    for (let n = 0; n < maxPages; n++) {
      let page: Page<T>
      try {
        page = await fetchPage(cursor)
      } catch (err) {
        yield JSON.stringify({ error: { title: 'Listing stopped', detail: (err as Error).message, status: (err as { status?: number }).status ?? 502 } }) + '\n'
        return
      }
      for (const item of page.data) yield JSON.stringify(item) + '\n'
      if (page.next_cursor === null) return
      cursor = page.next_cursor
    }
  }
  return Readable.from(lines())
}
