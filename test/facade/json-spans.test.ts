import { deepStrictEqual } from 'node:assert/strict'
import { test } from 'tap'
import fc from 'fast-check'
import { arrayItemSpans, topLevelSpans } from '../../src/facade/json-spans.js'
import { listPageBytes } from '../../src/facade/pagination.js'

const layouts = [undefined, 1, '\t', '  '] as const

test('topLevelSpans finds every top-level value exactly, whatever the spacing and escapes', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(...layouts), (obj, space) => {
    const buf = Buffer.from(JSON.stringify(obj, null, space))
    const spans = topLevelSpans(buf)
    if (spans === undefined) return false
    const parsed = JSON.parse(buf.toString()) as Record<string, unknown>
    deepStrictEqual([...spans.keys()].sort(), Object.keys(parsed).sort())
    for (const [key, [start, end]] of spans) deepStrictEqual(JSON.parse(buf.toString('utf8', start, end)), parsed[key])
    return true
  }), { numRuns: 500 }))
})

test('topLevelSpans refuses what is not a JSON object', async (t) => {
  for (const text of ['[1,2]', '"x"', '{"a":1', '{"a":"1}', '{"a" 1}', '{"a":1}x', '', '{"a":[1,2}']) {
    t.equal(topLevelSpans(Buffer.from(text)), undefined, text)
  }
  t.same(topLevelSpans(Buffer.from(' { } ')), new Map())
})

test('arrayItemSpans finds every item of an array exactly', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.constantFrom(...layouts), (arr, space) => {
    const buf = Buffer.from(JSON.stringify(arr, null, space))
    const items = arrayItemSpans(buf, 0, buf.length)
    if (items === undefined) return false
    deepStrictEqual(items.map(([s, e]) => JSON.parse(buf.toString('utf8', s, e))), JSON.parse(buf.toString()))
    return true
  }), { numRuns: 500 }))
  for (const text of ['[1,]', '[,1]', '[1 2]', '{}', '[']) t.equal(arrayItemSpans(Buffer.from(text), 0, text.length), undefined, text)
})

/** The page a parse would give: the reference the byte path must match. */
function parsedPage (list: { data?: unknown, total_count?: unknown, pages?: { next?: { starting_after?: unknown } | null } | null }) {
  const after = list.pages?.next?.starting_after
  return { data: list.data ?? [], total_count: typeof list.total_count === 'number' ? list.total_count : null, next_cursor: typeof after === 'string' && after !== '' ? after : null }
}

test('listPageBytes answers what a parse answers, the data bytes copied', async (t) => {
  const list = fc.record({
    type: fc.constant('list'),
    data: fc.oneof(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 5 }), fc.constant(null)),
    total_count: fc.oneof(fc.nat(), fc.constant(null), fc.string()),
    pages: fc.oneof(fc.constant(null), fc.record({ next: fc.oneof(fc.constant(null), fc.record({ starting_after: fc.string() })) }))
  }, { requiredKeys: ['type'] })
  t.doesNotThrow(() => fc.assert(fc.property(list, fc.constantFrom(...layouts), (value, space) => {
    const buf = Buffer.from(JSON.stringify(value, null, space))
    // Parsed first: listPageBytes writes the page over the answer's bytes.
    const expected = parsedPage(JSON.parse(buf.toString()))
    deepStrictEqual(JSON.parse(listPageBytes(buf, { items: 'data', paging: 'cursor' }).toString()), expected)
  }), { numRuns: 500 }))
})
