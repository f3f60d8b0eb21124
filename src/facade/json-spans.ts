/**
 * Reading a JSON object's top level without parsing it: where each top-level value (and each item
 * of an array) starts and ends in the bytes. The list answer path (src/facade/pagination.ts) uses
 * it to re-wrap Intercom's list (`{ type, data, total_count, pages }`) as the facade's page
 * (`{ data, total_count, next_cursor }`) by copying the items' bytes as they are, instead of parsing
 * 16–250 KB of contacts only to serialise them again (bench/list-path.ts measures both).
 *
 * Objects and arrays are skipped by `containerScan` (json-scan.ts: WebAssembly SIMD for answers
 * from 1 KB, a byte loop below). For valid JSON the spans are exact. The scan checks structure
 * (strings closed, brackets balanced) but is not a validator: like the rest of a passed-on answer,
 * what is inside a value reaches the caller as Intercom sent it.
 */
import { containerScan } from './json-scan.js'

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

/**
 * Index just past the value that starts at `i` (no leading space), or -1 when it is malformed;
 * `scan` is `containerScan(buf)` (json-scan.ts), used for objects and arrays.
 */
function skipValue (buf: Uint8Array, i: number, scan: (i: number) => number): number {
  const n = buf.length
  const c = buf[i]
  if (c === QUOTE) return skipString(buf, i)
  if (c === 0x7b || c === 0x5b) return scan(i)
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
  const scan = containerScan(buf)
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
    const end = skipValue(buf, i, scan)
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

/**
 * The byte ranges `[start, end)` of the items of the JSON array `buf[start, end)` (as `topLevelSpans`
 * found it), or undefined when it is not a well-formed array.
 */
export function arrayItemSpans (buf: Buffer, start: number, end: number): Array<[number, number]> | undefined {
  const items: Array<[number, number]> = []
  if (buf[start] !== 0x5b) return undefined
  const scan = containerScan(buf)
  let i = start + 1
  const last = end - 1
  while (i < last && isSpace(buf[i])) i++
  if (i === last) return buf[last] === 0x5d ? items : undefined
  for (;;) {
    const itemEnd = skipValue(buf, i, scan)
    if (itemEnd === -1 || itemEnd > last) return undefined
    items.push([i, itemEnd])
    i = itemEnd
    while (i < last && isSpace(buf[i])) i++
    if (i === last) return buf[last] === 0x5d ? items : undefined
    if (buf[i] !== 0x2c) return undefined
    i++
    while (i < last && isSpace(buf[i])) i++
  }
}
