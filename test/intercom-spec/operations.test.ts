import { test } from 'tap'
import { buildCatalog, buildUpstreamPath, catalogFieldErrors, loadCatalog, prepareCall, requestVersion } from '../../src/facade/operations.js'
import { loadIntercomSpec } from '../../src/intercom-spec/load.js'

test('buildUpstreamPath: every path parameter is one encoded segment', async (t) => {
  t.equal(buildUpstreamPath('/contacts/{contact_id}/tags/{tag_id}', { contact_id: 'a/b', tag_id: 7 }), '/contacts/a%2Fb/tags/7')
  t.equal(buildUpstreamPath('/contacts/{contact_id}', { contact_id: '..' }), '/contacts/%2E%2E')
  t.equal(buildUpstreamPath('/contacts/{contact_id}', { contact_id: '.' }), '/contacts/%2E')
  t.equal(buildUpstreamPath('/contacts/{contact_id}', { contact_id: 'é x?#%' }), '/contacts/%C3%A9%20x%3F%23%25')
})

test('catalogFieldErrors names path, query and body fields', async (t) => {
  t.same(catalogFieldErrors([
    { instancePath: '/path/news_item_id', keyword: 'type', message: 'must be integer', params: {} },
    { instancePath: '/query', keyword: 'additionalProperties', message: 'x', params: { additionalProperty: 'per_page' } },
    { instancePath: '/requestBody/user/email', keyword: 'type', message: 'must be string', params: {} },
    { instancePath: '', keyword: 'required', message: 'x', params: { missingProperty: 'requestBody' } }
  ]), [
    { field: 'body', message: 'is required' },
    { field: 'path.news_item_id', message: 'must be integer' },
    { field: 'query.per_page', message: 'is not an accepted field' },
    { field: 'body.user.email', message: 'must be string' }
  ])
})

test('the catalog lists every operation with its path parameters; loaded once per version', async (t) => {
  const spec = await loadIntercomSpec('2.14')
  const catalog = buildCatalog(spec)
  t.equal(catalog.entries.length, spec.operationIds.size)
  t.equal(catalog.entries.length, 150)
  t.equal(await loadCatalog('2.14'), await loadCatalog('2.14'))
  t.not(await loadCatalog('2.14'), await loadCatalog('2.16'))
  t.equal((await loadCatalog('2.16')).entries.length, 231)
  t.match(catalog.get('detachTagFromContact'), { method: 'DELETE', path: '/contacts/{contact_id}/tags/{tag_id}', pathParams: ['contact_id', 'tag_id'], hasBody: false })
  t.match(catalog.get('createNewsItem'), { method: 'POST', hasBody: true, bodyRequired: false })
  t.match(catalog.get('listCallsWithTranscripts'), { hasBody: true, bodyRequired: true })
  t.equal(catalog.get('nope'), undefined)
  t.match(catalog.get('getDownloadReportingDataByJobIdentifier'), { method: 'GET', path: '/download/reporting_data/{job_identifier}', derived_operation_id: true, added_in: '2.14' })
  t.match(catalog.get('ShowContact'), { derived_operation_id: false, added_in: '2.14' })
  t.match((await loadCatalog('2.16')).get('listBrands'), { added_in: '2.15' })
})

test('requestVersion: the request\'s supported Intercom version, else the configured version, else the default', async (t) => {
  t.equal(requestVersion({ intercomVersion: '2.15' }, '2.14'), '2.15')
  t.equal(requestVersion({ intercomVersion: 'Unstable' }, '2.14'), '2.14')
  t.equal(requestVersion({ intercomVersion: 'Unstable' }, 'Unstable'), '2.16')
})

test('prepareCall: query parameters are checked and kept (lisDataEvents takes user_id flat, per the spec patch)', async (t) => {
  const catalog = await loadCatalog('2.14')
  const op = catalog.get('lisDataEvents')!
  const r = prepareCall(catalog, op, { query: { user_id: 'u1', type: 'user' } })
  t.same(r, { operationId: 'lisDataEvents', method: 'GET', path: '/events', query: { user_id: 'u1', type: 'user' } })
  const bad = prepareCall(catalog, catalog.get('ShowContact')!, { path: { contact_id: '' } })
  t.same(bad, { errors: [{ field: 'path.contact_id', message: 'must not be empty' }] })
})
