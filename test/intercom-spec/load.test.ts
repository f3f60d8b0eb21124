import { readFileSync } from 'node:fs'
import { test } from 'tap'
import { findProjectRoot, loadIntercomSpec, specRelativePath } from '../../src/intercom-spec/load.js'
import { DERIVED_ID_EXTENSION, derivedOperationId } from '../../src/intercom-spec/names.js'
import { SPEC_PATCHES, applySpecPatches, patchesFor } from '../../src/intercom-spec/patch.js'
import { SUPPORTED_VERSIONS } from '../../src/intercom-spec/versions.js'
import { loadSpec } from '../../src/emulator/spec.js'

test('every supported version has its vendored description, under the same MIT licence', async (t) => {
  const root = findProjectRoot()
  const licence = readFileSync(`${root}/spec/intercom/LICENSE.md`, 'utf8')
  t.match(licence, /MIT License[\s\S]*Intercom, Inc\./)
  for (const v of SUPPORTED_VERSIONS) {
    const yaml = readFileSync(`${root}/${specRelativePath(v)}`, 'utf8')
    t.match(yaml, new RegExp(`^info:\\n(?:  .*\\n)*?  version: '${v.replace('.', '\\.')}'`, 'm'), `${v}: info.version is ${v}`)
  }
})

test('loadIntercomSpec: each version once, on first use, patched, unnamed operations named', async (t) => {
  for (const v of ['2.14', '2.16'] as const) {
    const yaml = readFileSync(`${findProjectRoot()}/${specRelativePath(v)}`, 'utf8')
    const named = [...yaml.matchAll(/^ {6}operationId: /gm)].length
    const spec = await loadIntercomSpec(v)
    t.equal(spec.version, v)
    t.equal(spec.operationIds.size, named + 4, `${v}: ${named} operationIds of Intercom's and 4 of ours`)
    t.equal(spec.operations.size, named + 4)
    t.equal(await loadIntercomSpec(v), spec, `${v}: once per process`)
    const emulatorSpec = await loadSpec(v)
    t.equal(emulatorSpec.document, spec.document, `${v}: the emulator uses the same loaded document`)
    const from = (spec.document as any).components.schemas.create_conversation_request.properties.from.properties.id
    t.equal(from.format, undefined, `${v}: its patches are applied`)
    const enqueue = (spec.document as any).paths['/export/reporting_data/enqueue'].post
    t.equal(enqueue.operationId, 'postExportReportingDataEnqueue', `${v}: derived name`)
    t.equal(enqueue[DERIVED_ID_EXTENSION], true, `${v}: marked as ours`)
  }
  t.not((await loadIntercomSpec('2.14')).document, (await loadIntercomSpec('2.16')).document, 'one document per version')
  t.ok((await loadIntercomSpec('2.16')).operationIds.has('listBrands'), '2.16 has brands')
  t.notOk((await loadIntercomSpec('2.14')).operationIds.has('listBrands'), '2.14 does not')
  t.throws(() => loadIntercomSpec('2.11' as any), /unsupported version 2\.11/)
})

test('derived operationIds: method, then camel-cased segments, parameters as By<Name>', async (t) => {
  t.equal(derivedOperationId('post', '/export/reporting_data/enqueue'), 'postExportReportingDataEnqueue')
  t.equal(derivedOperationId('get', '/export/reporting_data/{job_identifier}'), 'getExportReportingDataByJobIdentifier')
  t.equal(derivedOperationId('get', '/export/reporting_data/get_datasets'), 'getExportReportingDataGetDatasets')
  t.equal(derivedOperationId('GET', '/download/reporting_data/{job_identifier}'), 'getDownloadReportingDataByJobIdentifier')
})

test('patches: each says why, names its versions, and fails loudly (naming the version) when its target is gone', async (t) => {
  for (const p of SPEC_PATCHES) {
    t.match(p.target, /^\/(components|paths)\//)
    t.ok(p.reason.length > 40, `${p.target} says why`)
    for (const v of p.versions ?? []) t.ok(SUPPORTED_VERSIONS.includes(v), `${p.target}: ${v} is a supported version`)
    t.throws(() => p.apply({ paths: {}, components: { schemas: {} } }), /spec patch/, `${p.target} throws on a document without its target`)
  }
  for (const v of SUPPORTED_VERSIONS) t.ok(patchesFor(v).length >= 10, `${v} has its patch list (${patchesFor(v).length})`)
  t.throws(() => applySpecPatches({ paths: {}, components: { schemas: {} } }, '2.15'), /Intercom 2\.15 description: spec patch target missing/)
})

test('the validator reports errors by request part', async (t) => {
  const spec = await loadIntercomSpec('2.14')
  t.same(spec.validate('listSegments', { method: 'GET', path: '/segments', query: { include_count: true }, body: undefined }), [])
  const errors = spec.validate('retrieveNewsItem', { method: 'GET', path: '/news/news_items/abc', query: {}, body: undefined }) as Array<{ instancePath: string }>
  t.equal(errors[0].instancePath, '/path/news_item_id')
  t.same(spec.validate('NoSuchOperation', { method: 'GET', path: '/', query: {}, body: undefined }), [], 'unknown operation: nothing to check')
})
