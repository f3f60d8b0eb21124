/**
 * Reading a JSON object's top level without parsing it: where each top-level value starts and ends
 * in the bytes. The search routes use it to re-wrap Intercom's list (`{ type, data, total_count,
 * pages }`) as the facade's page (`{ data, total_count, next_cursor }`) by copying the `data` bytes
 * as they are, instead of parsing 16–250 KB of contacts only to serialise them again.
 *
 * For valid JSON the spans are exact. The scan checks structure (strings closed, brackets balanced)
 * but is not a validator: like the rest of a passed-on answer, what is inside a value reaches the
 * caller as Intercom sent it.
 */
import { fromCursorList, type IntercomCursorList } from './pagination.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c

function isSpace (c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/** Index just past the string that opens at `i` (a `"`), or -1 when it never closes. */
function skipString (buf: Uint8Array, i: number): number {
  const n = buf.length
  for (let j = i + 1; j < n; j++) {
    const c = buf[j]
    if (c === QUOTE) return j + 1
    if (c === BACKSLASH) j++
  }
  return -1
}

/** Index just past the value that starts at `i` (no leading space), or -1 when it is malformed. */
function skipValue (buf: Uint8Array, i: number): number {
  const n = buf.length
  const c = buf[i]
  if (c === QUOTE) return skipString(buf, i)
  if (c === 0x7b || c === 0x5b) {
    // One tight loop (strings skipped inline): this runs over every byte of a search answer, so the
    // commonest bytes (letters, above 0x5d) take the fewest comparisons: ~1.4 ns a byte against ~2.
    let depth = 0
    while (i < n) {
      const d = buf[i++]
      if (d > 0x5d) { // a letter, `{` or `}`
        if (d === 0x7b) depth++
        else if (d === 0x7d && --depth === 0) return i
        continue
      }
      if (d === QUOTE) { // inside a string only `"` and `\` matter, both below 0x5d
        while (i < n) {
          const e = buf[i++]
          if (e > BACKSLASH) continue
          if (e === QUOTE) break
          if (e === BACKSLASH) i++
        }
      } else if (d === 0x5b) {
        depth++
      } else if (d === 0x5d && --depth === 0) {
        return i
      }
    }
    return -1
  }
  // A number, true, false or null: up to the next delimiter.
  const start = i
  while (i < n) {
    const d = buf[i]
    if (d === 0x2c || d === 0x7d || d === 0x5d || isSpace(d)) break
    i++
  }
  return i > start ? i : -1
}

/**
 * The byte ranges `[start, end)` of the values of a JSON object's top-level keys, or undefined when
 * `buf` is not a JSON object (the caller then parses it the ordinary way).
 */
export function topLevelSpans (buf: Buffer): Map<string, [number, number]> | undefined {
  const spans = new Map<string, [number, number]>()
  let i = 0
  const n = buf.length
  while (i < n && isSpace(buf[i])) i++
  if (buf[i] !== 0x7b) return undefined
  i++
  for (;;) {
    while (i < n && isSpace(buf[i])) i++
    if (buf[i] === 0x7d && spans.size === 0) return spans
    if (buf[i] !== QUOTE) return undefined
    const keyEnd = skipString(buf, i)
    if (keyEnd === -1) return undefined
    const rawKey = buf.toString('utf8', i + 1, keyEnd - 1)
    const key = rawKey.includes('\\') ? JSON.parse(`"${rawKey}"`) as string : rawKey
    i = keyEnd
    while (i < n && isSpace(buf[i])) i++
    if (buf[i] !== 0x3a) return undefined
    i++
    while (i < n && isSpace(buf[i])) i++
    const end = skipValue(buf, i)
    if (end === -1) return undefined
    spans.set(key, [i, end])
    i = end
    while (i < n && isSpace(buf[i])) i++
    if (buf[i] === 0x2c) {
      i++
      continue
    }
    if (buf[i] !== 0x7d) return undefined
    i++
    while (i < n && isSpace(buf[i])) i++
    return i === n ? spans : undefined
  }
}

const DATA_OPEN = Buffer.from('{"data":')

/**
 * Intercom's cursor-paged list (as bytes) → the facade's page `{ data, total_count, next_cursor }`
 * (as bytes), the `data` array copied unparsed; the same answer `fromCursorList` gives.
 */
export function cursorPageBytes (buf: Buffer): Buffer {
  const spans = topLevelSpans(buf)
  const data = spans?.get('data')
  if (spans === undefined || (data !== undefined && buf[data[0]] !== 0x5b && buf.toString('latin1', data[0], data[1]) !== 'null')) {
    return Buffer.from(JSON.stringify(fromCursorList(JSON.parse(buf.toString('utf8')) as IntercomCursorList<unknown>)))
  }
  const small = (key: string): unknown => {
    const span = spans.get(key)
    return span === undefined ? undefined : JSON.parse(buf.toString('utf8', span[0], span[1]))
  }
  const tail = fromCursorList({ total_count: small('total_count') as number | undefined, pages: small('pages') as IntercomCursorList<unknown>['pages'] })
  const rest = Buffer.from(`,"total_count":${JSON.stringify(tail.total_count)},"next_cursor":${JSON.stringify(tail.next_cursor)}}`)
  const items = data === undefined || buf[data[0]] !== 0x5b ? Buffer.from('[]') : buf.subarray(data[0], data[1])
  return Buffer.concat([DATA_OPEN, items, rest])
}
