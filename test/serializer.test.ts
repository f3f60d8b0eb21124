import { test } from 'tap'
import { buildSharedLazySerializer } from '../src/serializer.js'

test('the serializer factory compiles each distinct response schema once', async (t) => {
  const compile = buildSharedLazySerializer({ Problem: { $id: 'Problem', type: 'object', properties: { status: { type: 'integer' } } } }, {})
  const problem = () => ({ $ref: 'Problem#' })
  const a = compile({ method: 'GET', url: '/a', httpStatus: '404', schema: problem() })
  const b = compile({ method: 'POST', url: '/b', httpStatus: '502', schema: problem() })
  t.equal(a, b, 'structurally equal schemas share one serializer')
  t.equal(a({ status: 404, extra: 1 }), '{"status":404}')
  const other = compile({ method: 'GET', url: '/c', httpStatus: '200', schema: { type: 'object', properties: { id: { type: 'string' } } } })
  t.not(other, a)
  t.equal(other({ id: 'x' }), '{"id":"x"}')
})
