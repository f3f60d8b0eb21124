/**
 * The list path's container scan: where the JSON object or array that opens at a given byte ends
 * (strings skipped, brackets counted). It runs over every byte of a list or search answer
 * (src/facade/json-spans.ts), so it has two implementations with the same rules:
 *
 * - `skipContainerJs`, a byte loop;
 * - a WebAssembly one with 128-bit SIMD that reads 16 bytes a step (src/facade/json-scan.wat,
 *   compiled into json-scan-wasm.ts by `npm run wasm`). With it the whole list path of a 16 KB
 *   search answer, the copy of the bytes into its memory included, takes 6.2 µs instead of 24.7
 *   (`node --import tsx bench/list-path.ts`, 2026-12-03).
 *
 * `containerScan(buf)` picks one for a buffer: the WebAssembly scan for buffers of
 * `WASM_FROM_BYTES` to `WASM_MAX_BYTES` (the bytes are copied into its memory once per call, so
 * its memory never grows past `WASM_MAX_BYTES`), the byte loop otherwise, and always when the platform has no
 * WebAssembly SIMD (the module then fails to compile, once). Both accept any bytes and never throw.
 */
import { JSON_SCAN_WASM_BASE64 } from './json-scan-wasm.js'

/** Smallest buffer (bytes) scanned by WebAssembly: below it the copy and the call cost more than the loop. */
export const WASM_FROM_BYTES = 1024

/** Largest buffer (bytes) scanned by WebAssembly: the most its memory holds (it never shrinks). */
export const WASM_MAX_BYTES = 4 * 1024 * 1024

/** Zero bytes after the copied buffer: the scan reads whole 16-byte chunks. */
const PADDING_BYTES = 16

const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * Index just past the object or array that opens at `buf[i]` (a `{` or `[`), or -1 when it does
 * not close before `buf.length`. Inside strings only `"` and `\` matter (a `\` makes the next byte
 * plain); outside them `{`/`[` count up and `}`/`]` down (their kinds are not matched: this finds
 * spans, it does not validate).
 */
export function skipContainerJs (buf: Uint8Array, i: number): number {
  const n = buf.length
  let depth = 0
  // The commonest bytes (letters, above 0x5d) take the fewest comparisons.
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

/** The members of the WebAssembly JS API used here (TypeScript declares them only in its "dom" lib). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: object }
}

/** The scanner module's exports (src/facade/json-scan.wat). */
interface WasmScan {
  memory: { buffer: ArrayBuffer, grow: (pages: number) => number }
  skipContainer: (start: number, n: number) => number
}

/** The compiled WebAssembly scan, or undefined where WebAssembly SIMD is missing. */
const wasm: WasmScan | undefined = (() => {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(JSON_SCAN_WASM_BASE64, 'base64')))
    return instance.exports as WasmScan
  } catch {
    return undefined
  }
})()

/** Whether this process scans with WebAssembly (false: no WebAssembly SIMD here). */
export const HAS_WASM_SCAN = wasm !== undefined

/** The byte loop over `buf`, as a scan function. */
function jsScan (buf: Uint8Array): (i: number) => number {
  return (i) => skipContainerJs(buf, i)
}

/** A copy of `buf` in the WebAssembly memory, and the scan over it. */
function wasmScan (scan: WasmScan, buf: Uint8Array): (i: number) => number {
  const n = buf.length
  const need = n + PADDING_BYTES
  const have = scan.memory.buffer.byteLength
  if (have < need) scan.memory.grow(Math.ceil((need - have) / 65_536))
  const memory = new Uint8Array(scan.memory.buffer, 0, need)
  memory.set(buf)
  memory.fill(0, n)
  return (i) => scan.skipContainer(i, n)
}

/**
 * The container scan for `buf`: a function from the index of a `{` or `[` in `buf` to the index
 * just past its end (-1 when it does not close), with `skipContainerJs`'s answers. For a
 * WebAssembly scan, `buf` is copied now: the function answers for the bytes as they were, and only
 * until the next `containerScan` call (which reuses the memory), so use it at once and drop it.
 */
export function containerScan (buf: Uint8Array): (i: number) => number {
  if (wasm === undefined || buf.length < WASM_FROM_BYTES || buf.length > WASM_MAX_BYTES) return jsScan(buf)
  return wasmScan(wasm, buf)
}
