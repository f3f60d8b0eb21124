import { readFileSync } from 'node:fs'
import { test } from 'tap'
import { SPEC_RELATIVE_PATH, findProjectRoot, loadIntercomSpec } from '../../src/intercom-spec/load.js'
import { SPEC_PATCHES } from '../../src/intercom-spec/patch.js'
import { loadSpec } from '../../src/emulator/spec.js'

test('loadIntercomSpec: every operation of the vendored YAML, loaded once, patched', async (t) => {
  const yaml = readFileSync(`${findProjectRoot()}/${SPEC_RELATIVE_PATH}`, 'utf8')
  const count = [...yaml.matchAll(/^ {6}operationId: /gm)].length
  const spec = await loadIntercomSpec()
  t.equal(spec.operationIds.size, count, `${count} operationIds`)
  t.equal(spec.operations.size, count)
  t.equal(await loadIntercomSpec(), spec, 'once per process')
  const emulatorSpec = await loadSpec()
  t.equal(emulatorSpec.document, spec.document, 'the emulator uses the same loaded document')
  t.ok(SPEC_PATCHES.length > 0)
  const from = (spec.document as any).components.schemas.create_conversation_request.properties.from.properties.id
  t.equal(from.format, undefined, 'patches are applied')
})

test('the validator reports errors by request part', async (t) => {
  const spec = await loadIntercomSpec()
  t.same(spec.validate('listSegments', { method: 'GET', path: '/segments', query: { include_count: true }, body: undefined }), [])
  const errors = spec.validate('retrieveNewsItem', { method: 'GET', path: '/news/news_items/abc', query: {}, body: undefined }) as Array<{ instancePath: string }>
  t.equal(errors[0].instancePath, '/path/news_item_id')
  t.same(spec.validate('NoSuchOperation', { method: 'GET', path: '/', query: {}, body: undefined }), [], 'unknown operation: nothing to check')
})
