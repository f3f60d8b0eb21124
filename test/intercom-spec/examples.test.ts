import { test } from 'tap'
import { exampleResponse } from '../../src/intercom-spec/examples.js'
import { loadIntercomSpec } from '../../src/intercom-spec/load.js'
import { harness, isErrorList } from '../emulator/helpers.js'

test('exampleResponse: the first JSON example of the success response, $refs followed', async (t) => {
  const doc = {
    paths: {
      '/a': {
        get: { operationId: 'a', responses: { 200: { content: { 'application/json': { examples: { first: { value: { n: 1 } }, second: { value: { n: 2 } } } } } }, 404: {} } },
        post: { operationId: 'b', responses: { 201: { $ref: '#/components/responses/made' } } },
        put: { operationId: 'c', responses: { 204: { description: 'no content' } } },
        delete: { operationId: 'd', responses: { 200: { content: { 'application/json': { example: { gone: true } } } } } },
        patch: { operationId: 'e', responses: { 400: {} } }
      }
    },
    components: {
      responses: { made: { content: { 'application/json': { examples: { x: { $ref: '#/components/examples/made' } } } } } },
      examples: { made: { value: { made: true } } }
    }
  }
  t.same(exampleResponse(doc, 'a'), { status: 200, body: { n: 1 } })
  t.same(exampleResponse(doc, 'b'), { status: 201, body: { made: true } })
  t.same(exampleResponse(doc, 'c'), { status: 204, body: undefined }, 'no JSON content: the status, no body')
  t.same(exampleResponse(doc, 'd'), { status: 200, body: { gone: true } }, '`example` when no `examples`')
  t.equal(exampleResponse(doc, 'e'), undefined, 'no success response')
  t.equal(exampleResponse(doc, 'zzz'), undefined, 'unknown operation')
})

test('most operations of the vendored description have an example answer', async (t) => {
  const { document, operationIds } = await loadIntercomSpec('2.14')
  const without = [...operationIds].filter((id) => exampleResponse(document, id) === undefined)
  t.ok(without.length < 20, `${operationIds.size - without.length} of ${operationIds.size} have one (without: ${without.join(', ')})`)
  t.same(exampleResponse(document, 'listSegments')?.status, 200)
})

test('the emulator answers an unimplemented operation with its example, after validating the request', async (t) => {
  const { call, emulator } = await harness(t)
  const { document } = await loadIntercomSpec('2.14')
  const ok = await call('GET', '/segments?include_count=true')
  t.equal(ok.status, 200)
  t.same(ok.body, exampleResponse(document, 'listSegments')?.body)
  t.ok(ok.headers.get('x-ratelimit-limit'), 'rate-limit headers as for every answer')
  t.equal(emulator.requests[0].operationId, 'listSegments')

  const bad = await call('GET', '/segments?include_count=maybe')
  t.equal(bad.status, 400, 'still validated against the description')
  t.ok(isErrorList(bad.body, 'parameter_invalid'))
  t.equal(emulator.violations.length, 1)

  const noAuth = await call('GET', '/segments', undefined, { auth: false })
  t.equal(noAuth.status, 401, 'still authenticated')

  const none = await call('GET', '/away_status_reasons')
  t.equal(none.status, 200, 'no example: a sample generated from the response schema, not a 404')
  t.match(none.body, { type: 'list', data: [{ type: 'away_status_reason', id: String, label: String }] })
})

test('generated answers fit their response schema; no-content and redirect answers', async (t) => {
  const Ajv = ((await import('ajv')) as any).default
  const { default: addFormats } = await import('ajv-formats') as any
  for (const v of ['2.14', '2.16'] as const) {
    const spec = await loadIntercomSpec(v)
    const ajv = new Ajv({ strict: false, validateSchema: false })
    addFormats(ajv)
    ajv.addFormat('timestamp', true)
    let generated = 0
    for (const [id, op] of spec.operations) {
      const ex = exampleResponse(spec.document, id)
      const media = (op.responses as any)?.[String(ex?.status)]?.content?.['application/json']
      const own = media?.examples !== undefined || media?.example !== undefined
      if (ex === undefined || media?.schema === undefined || own) continue
      generated++
      const validate = ajv.compile(toAjv(media.schema))
      t.ok(validate(ex.body), `${v} ${id}: the generated ${ex.status} answer fits its schema ${JSON.stringify(validate.errors?.slice(0, 2))}`)
    }
    t.ok(generated >= 5, `${v}: ${generated} generated answers checked`)
  }
  const doc = (await loadIntercomSpec('2.16')).document
  t.same(exampleResponse(doc, 'deleteContentImportSource'), { status: 204, body: undefined }, 'a success answer without content: its status, no body')
  t.match(exampleResponse(doc, 'showCallRecording'), { status: 302, body: undefined, headers: { location: /^https?:/ } }, 'a redirect-only operation answers its redirect')
})

/** OpenAPI 3.0 `nullable` → JSON Schema for Ajv (the dereferenced schemas openapi-backend holds). */
function toAjv (schema: any): any {
  if (Array.isArray(schema)) return schema.map(toAjv)
  if (schema === null || typeof schema !== 'object') return schema
  const out: any = {}
  for (const [k, v] of Object.entries(schema)) if (k !== 'nullable' && k !== 'example' && k !== 'examples') out[k] = toAjv(v)
  if (schema.nullable === true && typeof schema.type === 'string') out.type = [schema.type, 'null']
  return out
}
