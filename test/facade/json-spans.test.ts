import { deepStrictEqual } from 'node:assert/strict'
import { test } from 'tap'
import fc from 'fast-check'
import { cursorPageBytes, topLevelSpans } from '../../src/facade/json-spans.js'
import { fromCursorList } from '../../src/facade/pagination.js'

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

test('cursorPageBytes answers what fromCursorList answers, the data bytes copied', async (t) => {
  const list = fc.record({
    type: fc.constant('list'),
    data: fc.oneof(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 5 }), fc.constant(null)),
    total_count: fc.oneof(fc.nat(), fc.constant(null), fc.string()),
    pages: fc.oneof(fc.constant(null), fc.record({ next: fc.oneof(fc.constant(null), fc.record({ starting_after: fc.string() })) }))
  }, { requiredKeys: ['type'] })
  t.doesNotThrow(() => fc.assert(fc.property(list, fc.constantFrom(...layouts), (value, space) => {
    const buf = Buffer.from(JSON.stringify(value, null, space))
    deepStrictEqual(JSON.parse(cursorPageBytes(buf).toString()), fromCursorList(JSON.parse(buf.toString())))
  }), { numRuns: 500 }))
  t.same(JSON.parse(cursorPageBytes(Buffer.from('{"data":"odd"}')).toString()), { data: 'odd', total_count: null, next_cursor: null }, 'a data that is not an array takes the parsing path')
})
