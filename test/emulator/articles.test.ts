import { test } from 'tap'
import { SEED_IDS } from '../../src/emulator/index.js'
import { ARTICLE_FIELDS_2_14, ARTICLE_FIELDS_2_16 } from '../../src/emulator/shapes.js'
import type { IntercomVersion } from '../../src/intercom-spec/versions.js'
import { build, json, upstream } from '../helper.js'
import { answerErrors, harness, isErrorList, schemaProperties } from './helpers.js'

const ADMIN = Number(SEED_IDS.admin)

test('the field lists of shapes.ts are each version\'s article_list_item properties', async (t) => {
  t.same(await schemaProperties('2.14', 'article_list_item'), ARTICLE_FIELDS_2_14)
  t.same(await schemaProperties('2.15', 'article_list_item'), ARTICLE_FIELDS_2_14)
  t.same(await schemaProperties('2.16', 'article_list_item'), ARTICLE_FIELDS_2_16)
})

for (const version of ['2.14', '2.15', '2.16'] as IntercomVersion[]) {
  test(`${version}: create, retrieve, list, search, update and delete an article, each in ${version}'s article shape`, async (t) => {
    const { call, emulator } = await harness(t, { seed: true }, version)
    const fields = version === '2.16' ? ARTICLE_FIELDS_2_16 : ARTICLE_FIELDS_2_14
    const created = await call('POST', '/articles', { title: 'Resetting a password', description: 'How to', body: '<p>Click "Forgot password".</p>', author_id: ADMIN, state: 'published', parent_id: 145, parent_type: 'collection' })
    t.equal(created.status, 200)
    t.same(await answerErrors(version, 'createArticle', 200, created.body), [], 'createArticle answers its description\'s schema')
    t.same(Object.keys(created.body).sort(), [...fields, 'statistics'].sort(), `exactly ${version}'s article fields`)
    const id = created.body.id as string
    t.match(created.body, { type: 'article', title: 'Resetting a password', state: 'published', author_id: ADMIN, parent_ids: [145], url: /articles\/\d+-resetting-a-password$/ })
    t.notOk(['1', '2'].includes(id), 'a new id, after the seeded articles')
    if (version === '2.16') t.notOk('parent_id' in created.body, '2.16 has no parent_id')
    else t.match(created.body, { parent_id: 145, parent_type: 'collection' })

    const got = await call('GET', `/articles/${id}`)
    t.equal(got.status, 200)
    t.same(got.body, created.body, 'retrieveArticle finds the created article')
    t.same(await answerErrors(version, 'retrieveArticle', 200, got.body), [])

    const list = await call('GET', '/articles')
    t.same(await answerErrors(version, 'listArticles', 200, list.body), [])
    t.same(list.body.data.map((a: { id: string }) => a.id), [id, SEED_IDS.draftArticle, SEED_IDS.publishedArticle], 'most recently updated first, beside the seeded two')
    t.equal(list.body.total_count, 3)
    t.same(Object.keys(list.body.data[0]).sort(), [...fields].sort(), 'list items: article_list_item, no statistics')

    const search = await call('GET', '/articles/search?phrase=password&state=published')
    t.same(await answerErrors(version, 'searchArticles', 200, search.body), [])
    t.same(search.body.data.articles.map((a: { id: string }) => a.id), [id])

    const updated = await call('PUT', `/articles/${id}`, { title: 'Resetting your password', state: 'draft' })
    t.equal(updated.status, 200)
    t.same(await answerErrors(version, 'updateArticle', 200, updated.body), [])
    t.match(updated.body, { id, title: 'Resetting your password', state: 'draft', url: null, description: 'How to' })
    t.ok(updated.body.updated_at >= created.body.updated_at)
    t.match((await call('GET', `/articles/${id}`)).body, { title: 'Resetting your password', state: 'draft' }, 'the update is kept')

    const deleted = await call('DELETE', `/articles/${id}`)
    t.equal(deleted.status, 200)
    t.same(deleted.body, { id, object: 'article', deleted: true })
    t.same(await answerErrors(version, 'deleteArticle', 200, deleted.body), [])
    for (const [method, body] of [['GET', undefined], ['PUT', { title: 'x' }], ['DELETE', undefined]] as const) {
      const gone = await call(method, `/articles/${id}`, body)
      t.equal(gone.status, 404, `${method} of a deleted article`)
      t.ok(isErrorList(gone.body, 'not_found'))
      t.equal(gone.body.errors[0].message, 'Resource Not Found')
    }
    t.equal((await call('GET', '/articles')).body.total_count, 2)
    t.same(emulator.violations, [])
  })
}

test('createArticle: a draft by default, the author must be a teammate, title and author_id are required', async (t) => {
  const { call } = await harness(t, { seed: true }, '2.16')
  const draft = await call('POST', '/articles', { title: 'Notes', author_id: ADMIN, body_markdown: '# Notes\n\nSome text.' })
  t.equal(draft.status, 200)
  t.match(draft.body, { state: 'draft', url: null, body_markdown: '# Notes\n\nSome text.', body: '<h1>Notes</h1><p>Some text.</p>', created_by_id: ADMIN })
  const stranger = await call('POST', '/articles', { title: 'X', author_id: 1 })
  t.equal(stranger.status, 400)
  t.ok(isErrorList(stranger.body, 'parameter_invalid'))
  t.equal(stranger.body.errors[0].field, 'author_id')
  t.equal((await call('POST', '/articles', { author_id: ADMIN })).status, 400, 'no title: refused by the description')
  t.equal((await call('GET', '/articles')).body.total_count, 3, 'only the valid article was created')
})

test('the seed has a published and a draft article in help center 1', async (t) => {
  const { call } = await harness(t, { seed: true }, '2.16')
  const list = await call('GET', '/articles')
  t.match(list.body.data, [{ id: SEED_IDS.draftArticle, state: 'draft', url: null }, { id: SEED_IDS.publishedArticle, state: 'published', url: /^https:/ }])
  t.match((await call('GET', `/articles/${SEED_IDS.publishedArticle}`)).body, { title: 'Exporting your data', statistics: null })
  t.same((await call('GET', '/articles/search?help_center_id=1&state=draft')).body.data.articles.map((a: { id: string }) => a.id), [SEED_IDS.draftArticle])
  t.equal((await call('GET', '/articles/99')).status, 404)
})

test('facade in sandbox: an article created through the catalog is found by GET /articles/{id}; updated and deleted through the passthrough', async (t) => {
  const { app, emulator } = await build(t, { emulator: { seed: true } })
  const created = await app.inject({ method: 'POST', url: '/intercom/operations/createArticle', payload: { body: { title: 'Catalog article', author_id: ADMIN, state: 'published' } } })
  t.equal(created.statusCode, 200)
  const id = json(created).id as string
  const got = await app.inject({ method: 'GET', url: `/articles/${id}` })
  t.equal(got.statusCode, 200)
  t.match(json(got), { type: 'article', id, title: 'Catalog article', state: 'published' })
  const listed = await app.inject({ method: 'GET', url: '/articles' })
  t.same(json(listed).data.map((a: { id: string }) => a.id), [id, SEED_IDS.draftArticle, SEED_IDS.publishedArticle])

  const put = await app.inject({ method: 'PUT', url: `/intercom/articles/${id}`, payload: { title: 'Renamed' } })
  t.equal(put.statusCode, 200)
  t.match(json(await app.inject({ method: 'GET', url: `/articles/${id}` })), { title: 'Renamed' })
  const del = await app.inject({ method: 'DELETE', url: `/intercom/articles/${id}` })
  t.same(json(del), { id, object: 'article', deleted: true })
  const gone = await app.inject({ method: 'GET', url: `/articles/${id}` })
  t.equal(gone.statusCode, 404)
  t.match(json(gone), { status: 404, code: String })

  const viaPassthrough = await app.inject({ method: 'POST', url: '/intercom/articles', payload: { title: 'Passthrough article', author_id: ADMIN } })
  t.equal(viaPassthrough.statusCode, 200)
  t.match(json(await app.inject({ method: 'GET', url: `/articles/${json(viaPassthrough).id as string}` })), { title: 'Passthrough article', state: 'draft' })
  t.same(upstream(t, emulator).map((r) => r.operationId), ['createArticle', 'retrieveArticle', 'listArticles', 'updateArticle', 'retrieveArticle', 'deleteArticle', 'retrieveArticle', 'createArticle', 'retrieveArticle'])
})
