import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, upstream } from '../helper.js'

test('POST /tags calls createTag; the same name answers the same tag', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/tags', payload: { name: 'Beta' } })
  t.equal(res.statusCode, 200)
  const tag = json(res)
  t.match(tag, { type: 'tag', name: 'Beta' })
  const again = await app.inject({ method: 'POST', url: '/tags', payload: { name: 'Beta' } })
  t.equal(json(again).id, tag.id)
  const calls = upstream(t, emulator)
  t.same(calls.map((r) => `${r.method} ${r.path} ${r.operationId}`), ['POST /tags createTag', 'POST /tags createTag'])
  t.same(calls[0].body, { name: 'Beta' })
})

test('GET /tags calls listTags and answers the normalised list', async (t) => {
  const { app, emulator } = await build(t)
  await app.inject({ method: 'POST', url: '/tags', payload: { name: 'One' } })
  await app.inject({ method: 'POST', url: '/tags', payload: { name: 'Two' } })
  emulator.resetRecords()
  const res = await app.inject({ method: 'GET', url: '/tags' })
  t.equal(res.statusCode, 200)
  t.match(json(res), { data: [{ type: 'tag', name: 'One' }, { type: 'tag', name: 'Two' }], total_count: 2, next_cursor: null })
  t.same(upstream(t, emulator).map((r) => `${r.method} ${r.path} ${r.operationId}`), ['GET /tags listTags'])
})

test('DELETE /tags/:id calls deleteTag and removes the tag from its contacts', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'x@example.com' })
  const tag = json(await app.inject({ method: 'POST', url: `/contacts/${c.id}/tags`, payload: { tag_name: 'Old' } }))
  emulator.resetRecords()
  const res = await app.inject({ method: 'DELETE', url: `/tags/${tag.id}` })
  t.equal(res.statusCode, 200)
  t.same(json(res), { type: 'tag', id: tag.id, deleted: true })
  t.same(upstream(t, emulator).map((r) => `${r.method} ${r.path} ${r.operationId}`), [`DELETE /tags/${tag.id} deleteTag`])
  t.same(emulator.store.contacts.get(c.id)?.tags.data, [])
  const again = await app.inject({ method: 'DELETE', url: `/tags/${tag.id}` })
  t.equal(again.statusCode, 404)
})

test('POST /tags refuses an empty name and unknown fields, with no upstream call', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/tags', payload: { name: '', users: [{ id: 'a' }] } })
  t.equal(res.statusCode, 400)
  t.same(json(res).errors.map((e: { field: string }) => e.field).sort(), ['body.name', 'body.users'])
  t.equal(emulator.requests.length, 0)
})
