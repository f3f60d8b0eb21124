import { test } from 'tap'
import { computeOperationIndex, operationVersions } from '../../src/intercom-spec/operation-index.js'
import { readFileSync } from 'node:fs'
import { findProjectRoot } from '../../src/intercom-spec/load.js'

test('the committed operation index is what the vendored descriptions say (regenerate: node --import tsx src/intercom-spec/operation-index.ts write)', async (t) => {
  const committed = JSON.parse(readFileSync(`${findProjectRoot()}/spec/intercom/operation-ids.json`, 'utf8'))
  t.same(committed, await computeOperationIndex())
  t.equal(committed['2.14'].length, 150)
  t.equal(committed['2.15'].length, 162)
  t.equal(committed['2.16'].length, 231)
})

test('versionsOf / addedIn', async (t) => {
  const { versionsOf, addedIn } = operationVersions()
  t.same(versionsOf('ShowContact'), ['2.14', '2.15', '2.16'])
  t.equal(addedIn('ShowContact'), '2.14')
  t.same(versionsOf('listBrands'), ['2.15', '2.16'])
  t.equal(addedIn('listBrands'), '2.15')
  t.same(versionsOf('listMacros'), ['2.16'])
  t.same(versionsOf('getCustomObjectInstancesByExternalId'), ['2.14', '2.15'], '2.16 dropped it')
  t.same(versionsOf('postExportReportingDataEnqueue'), ['2.14', '2.15', '2.16'], 'our derived names are indexed')
  t.same(versionsOf('nope'), [])
  t.equal(addedIn('nope'), undefined)
})
