/**
 * Pagination normalisation: whatever Intercom answers for a list, the caller sees
 * `{ data, total_count, next_cursor }` (facade-api.md "Lists").
 */

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

/** Normalise a cursor-paged Intercom list (contacts, contact search, conversation search...). */
export function fromCursorList<T> (list: IntercomCursorList<T>): Page<T> {
  return {
    data: list.data ?? [],
    total_count: typeof list.total_count === 'number' ? list.total_count : null,
    next_cursor: list.pages?.next?.starting_after ?? null
  }
}
