import { matrixTest as test } from '../helper.js'
import { build, json, upstream } from '../helper.js'
import { DEFAULT_ADMIN_ID } from '../../src/emulator/store.js'
import { helpdesk } from '../../src/emulator/helpdesk.js'

test('GET /admins sends listAdmins and answers the normalised list', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: '/admins?display_avatar=true' })
  t.equal(res.statusCode, 200)
  const page = json(res)
  t.match(page, { data: [{ type: 'admin', id: DEFAULT_ADMIN_ID, email: String }], total_count: 1, next_cursor: null })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /admins'])
  t.same(calls[0].query, { display_avatar: 'true' })
})

test('GET /admins refuses unknown parameters', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: '/admins?per_page=5' })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'querystring.per_page' }])
  t.equal(b.emulator.requests.length, 0)
})

test('GET /admins/:id sends retrieveAdmin; a non-numeric id is refused before sending', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: `/admins/${DEFAULT_ADMIN_ID}` })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'admin', id: DEFAULT_ADMIN_ID, away_mode_enabled: false })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`GET /admins/${DEFAULT_ADMIN_ID}`])

  const missing = await b.app.inject({ method: 'GET', url: '/admins/123' })
  t.equal(missing.statusCode, 404)
  t.match(json(missing), { upstream: { status: 404, errors: [{ code: 'admin_not_found' }] } })

  b.emulator.resetRecords()
  const bad = await b.app.inject({ method: 'GET', url: '/admins/..%2Fme' })
  t.equal(bad.statusCode, 400)
  t.match(json(bad).errors, [{ field: 'params.id' }])
  t.equal(b.emulator.requests.length, 0)
})

test('GET /me sends identifyAdmin', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: '/me' })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'admin', id: DEFAULT_ADMIN_ID, app: { type: 'app', id_code: String } })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /me'])
  t.same(calls[0].query, {})

  const bad = await b.app.inject({ method: 'GET', url: '/me?x=1' })
  t.equal(bad.statusCode, 400)
  t.equal(b.emulator.requests.length, 1, 'the bad call made no upstream request')
})

test('GET /teams and GET /teams/:id send listTeams and retrieveTeam', async (t) => {
  const b = await build(t)
  helpdesk(b.emulator.store).teams.set('5017691', { type: 'team', id: '5017691', name: 'Support', admin_ids: [Number(DEFAULT_ADMIN_ID)], admin_priority_level: null })
  const list = await b.app.inject({ method: 'GET', url: '/teams' })
  t.equal(list.statusCode, 200)
  t.same(json(list), { data: [{ type: 'team', id: '5017691', name: 'Support', admin_ids: [Number(DEFAULT_ADMIN_ID)], admin_priority_level: null }], total_count: 1, next_cursor: null })
  const one = await b.app.inject({ method: 'GET', url: '/teams/5017691' })
  t.equal(one.statusCode, 200)
  t.match(json(one), { type: 'team', id: '5017691', name: 'Support' })
  const missing = await b.app.inject({ method: 'GET', url: '/teams/42' })
  t.equal(missing.statusCode, 404)
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /teams', 'GET /teams/5017691', 'GET /teams/42'])
})

test('GET /teams refuses unknown parameters', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: '/teams?starting_after=x' })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'querystring.starting_after' }])
  t.equal(b.emulator.requests.length, 0)
})
