import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, upstream, walkPages } from '../helper.js'
import type { Built } from '../helper.js'
import { helpdesk } from '../../src/emulator/helpdesk.js'
import { encodePageCursor } from '../../src/facade/pagination.js'

/** Put `n` articles straight into the emulator (ids 1..n; article n most recently updated). */
function seedArticles (b: Built, n: number): void {
  const desk = helpdesk(b.emulator.store)
  for (let i = 1; i <= n; i++) {
    desk.articles.set(String(i), {
      type: 'article',
      id: String(i),
      workspace_id: b.emulator.store.workspaceId,
      parent_id: null,
      parent_type: null,
      parent_ids: [],
      tags: { type: 'tag.list', tags: [] },
      title: i % 2 === 0 ? `Exporting data, part ${i}` : `Billing ${i}`,
      description: '',
      body: `<p>Article ${i}</p>`,
      author_id: 991267460,
      state: i === n ? 'draft' : 'published',
      created_at: 1700000000 + i,
      updated_at: 1700000000 + i,
      url: null,
      help_center_id: 1
    })
  }
}

test('GET /articles walks 3 page-numbered pages with next_cursor, like the cursor-paged /conversations', async (t) => {
  const b = await build(t)
  seedArticles(b, 5)
  const contact = await seedContact(b.emulator, { email: 'walker@example.com' })
  for (let i = 0; i < 5; i++) await b.app.inject({ method: 'POST', url: '/conversations', payload: { contact_id: contact.id, body: `Q${i}` } })
  b.emulator.resetRecords()

  const articles = await walkPages(b.app, '/articles', 2)
  t.same(articles, { ids: ['5', '4', '3', '2', '1'], pages: 3 })
  const conversations = await walkPages(b.app, '/conversations', 2)
  t.equal(conversations.pages, 3)
  t.equal(conversations.ids.length, 5)

  const calls = upstream(t, b.emulator).filter((c) => c.path === '/articles')
  t.same(calls.map((c) => c.query), [{ page: '1', per_page: '2' }, { page: '2', per_page: '2' }, { page: '3', per_page: '2' }])
})

test('GET /articles answers the normalised page and streams all=true as NDJSON', async (t) => {
  const b = await build(t)
  seedArticles(b, 4)
  const res = await b.app.inject({ method: 'GET', url: '/articles?per_page=3' })
  t.equal(res.statusCode, 200)
  const page = json(res)
  t.equal(page.total_count, 4)
  t.equal(page.next_cursor, encodePageCursor(2))
  t.match(page.data[0], { type: 'article', id: '4', title: String, state: 'draft' })
  const all = await b.app.inject({ method: 'GET', url: '/articles?all=true&per_page=3' })
  t.equal(all.statusCode, 200)
  t.match(all.headers['content-type'], /^application\/x-ndjson/)
  t.equal(all.body.trim().split('\n').length, 4)
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /articles', 'GET /articles', 'GET /articles'])
})

test('GET /articles refuses a cursor it did not make, before sending', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: '/articles?starting_after=bogus' })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'querystring.starting_after' }])
  const all = await b.app.inject({ method: 'GET', url: '/articles?all=true&starting_after=bogus' })
  t.equal(all.statusCode, 400)
  t.equal(b.emulator.requests.length, 0)
})

test('GET /articles/:id sends retrieveArticle; a non-numeric id is refused', async (t) => {
  const b = await build(t)
  seedArticles(b, 2)
  const res = await b.app.inject({ method: 'GET', url: '/articles/2' })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'article', id: '2', title: 'Exporting data, part 2', statistics: null })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /articles/2'])
  const bad = await b.app.inject({ method: 'GET', url: '/articles/abc' })
  t.equal(bad.statusCode, 400)
  t.match(json(bad).errors, [{ field: 'params.id' }])
  t.equal(b.emulator.requests.length, 1)
})

test('GET /articles/search sends searchArticles and answers the articles as data', async (t) => {
  const b = await build(t)
  seedArticles(b, 5)
  const res = await b.app.inject({ method: 'GET', url: '/articles/search?phrase=export&state=published&help_center_id=1' })
  t.equal(res.statusCode, 200)
  const page = json(res)
  t.same(page.data.map((a: any) => a.id), ['4', '2'])
  t.equal(page.total_count, 2)
  t.equal(page.next_cursor, null)
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /articles/search'])
  t.same(calls[0].query, { phrase: 'export', state: 'published', help_center_id: '1' })
})

test('GET /articles/search refuses a bad state and unknown parameters', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: '/articles/search?state=archived&page=2' })
  t.equal(res.statusCode, 400)
  const fields = json(res).errors.map((e: any) => e.field).sort()
  t.same(fields, ['querystring.page', 'querystring.state'])
  t.equal(b.emulator.requests.length, 0)
})
