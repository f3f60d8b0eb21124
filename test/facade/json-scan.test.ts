import { deepStrictEqual } from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'tap'
import fc from 'fast-check'
import { containerScan, HAS_WASM_SCAN, skipContainerJs, WASM_FROM_BYTES, WASM_MAX_BYTES } from '../../src/facade/json-scan.js'
import { arrayItemSpans, topLevelSpans } from '../../src/facade/json-spans.js'
import { compileJsonScan, moduleText } from '../../scripts/build-wasm.js'

/** `text` with spaces after it, so that the buffer is long enough for the WebAssembly scan. */
const padded = (text: string, pad = 0): Buffer => Buffer.from(' '.repeat(pad) + text + ' '.repeat(Math.max(0, WASM_FROM_BYTES - text.length - pad)))

test('the committed WebAssembly module is what src/facade/json-scan.wat compiles to', async (t) => {
  const committed = readFileSync(new URL('../../src/facade/json-scan-wasm.ts', import.meta.url), 'utf8')
  t.equal(committed, moduleText(await compileJsonScan()), 'run npm run wasm after changing json-scan.wat')
})

test('WebAssembly SIMD is available here, so the list path scans with it', async (t) => {
  t.ok(HAS_WASM_SCAN, 'the module failed to compile: every scan falls back to the byte loop')
})

test('the WebAssembly scan answers what the byte loop answers, on generated JSON, cut or whole', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.jsonValue(), fc.nat(40), fc.nat(60), (value, pad, cut) => {
    const text = JSON.stringify([value, { v: value }])
    const whole = padded(text, pad)
    deepStrictEqual(containerScan(whole)(pad), skipContainerJs(whole, pad))
    deepStrictEqual(skipContainerJs(whole, pad), pad + text.length)
    // Cut short: both say it does not close (or close at the same place).
    const short = Buffer.concat([whole.subarray(0, pad + Math.max(1, text.length - 1 - cut)), Buffer.alloc(WASM_FROM_BYTES, 0x20)])
    deepStrictEqual(containerScan(short)(pad), skipContainerJs(short, pad))
    return true
  }), { numRuns: 2000 }))
})

test('the WebAssembly scan answers what the byte loop answers, on arbitrary bytes', async (t) => {
  const structural = fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x61, 0x20, 0x00, 0xff)
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(structural, { minLength: WASM_FROM_BYTES, maxLength: 3 * WASM_FROM_BYTES }), fc.constantFrom(0x7b, 0x5b), (bytes, open) => {
    const buf = Buffer.from([open, ...bytes])
    deepStrictEqual(containerScan(buf)(0), skipContainerJs(buf, 0))
    return true
  }), { numRuns: 500 }))
})

test('escapes at every offset of a 16-byte step, and runs of backslashes, are read as the byte loop reads them', async (t) => {
  let checked = 0
  for (let lead = 0; lead < 40; lead++) {
    for (let run = 0; run <= 5; run++) {
      // `run` backslashes then `"`: the quote is escaped when `run` is odd.
      const text = `["${'x'.repeat(lead)}${'\\'.repeat(run)}"]"]`
      const buf = padded(text)
      const expected = skipContainerJs(buf, 0)
      t.equal(containerScan(buf)(0), expected, JSON.stringify(text))
      checked++
    }
  }
  t.equal(checked, 240)
})

test('topLevelSpans and arrayItemSpans give the parse\'s values on answers the WebAssembly scan reads', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1, maxLength: 8 }), fc.constantFrom(undefined, 1, '\t'), (items, space) => {
    const answer = { type: 'list', data: items, filler: 'f'.repeat(WASM_FROM_BYTES), total_count: items.length }
    const buf = Buffer.from(JSON.stringify(answer, null, space))
    // The parse of the same text is the reference (generated dictionaries have no prototype).
    const parsed = JSON.parse(buf.toString()) as Record<string, unknown>
    const spans = topLevelSpans(buf)
    if (spans === undefined) return false
    for (const [key, [start, end]] of spans) deepStrictEqual(JSON.parse(buf.toString('utf8', start, end)), parsed[key])
    const [start, end] = spans.get('data')!
    const data = buf.subarray(start, end)
    const big = Buffer.concat([data, Buffer.alloc(WASM_FROM_BYTES, 0x20)])
    const found = arrayItemSpans(big, 0, data.length)
    if (found === undefined) return false
    deepStrictEqual(found.map(([s, e]) => JSON.parse(big.toString('utf8', s, e))), parsed.data)
    return true
  }), { numRuns: 300 }))
})

test('answers larger than the WebAssembly memory grow it, and answers above WASM_MAX_BYTES are scanned by the byte loop, with the same spans', async (t) => {
  const contact = { type: 'contact', id: 'x', name: 'Ada "the first" Lovelace \\ [{', custom_attributes: { plan: 'pro', tags: ['a', 'b'] } }
  for (const count of [2_000, 30_000]) { // ~250 KB (grows the memory), ~3.8 MB
    const text = JSON.stringify({ type: 'list', data: Array.from({ length: count }, (_, i) => ({ ...contact, id: String(i) })), total_count: count })
    const buf = Buffer.from(text)
    const start = text.indexOf('[')
    t.equal(containerScan(buf)(start), skipContainerJs(buf, start), `${buf.length} bytes`)
    const spans = topLevelSpans(buf)!
    const [s, e] = spans.get('data')!
    t.equal(JSON.parse(buf.toString('utf8', s, e)).length, count)
  }
  const huge = Buffer.concat([Buffer.from('[{"a":"'), Buffer.alloc(WASM_MAX_BYTES, 0x61), Buffer.from('"}]')])
  t.equal(containerScan(huge)(0), huge.length, 'above WASM_MAX_BYTES')
})
