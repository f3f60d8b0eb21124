import { test } from 'tap'
import { harness, isErrorList, type Harness } from './helpers.js'

// ---- contacts CRUD and uniqueness ----

const HEX24 = /^[0-9a-f]{24}$/

test('create → get → update → find_by_external_id → delete', async (t) => {
  const { call, emulator } = await harness(t)
  const created = await call('POST', '/contacts', {
    external_id: 'ext-1',
    email: 'joe@example.com',
    name: 'Joe Bloggs',
    phone: '+353871234567',
    avatar: 'https://example.com/a.png',
    signed_up_at: 1571672154,
    owner_id: 991267460,
    unsubscribed_from_emails: true,
    custom_attributes: { plan: 'pro', seats: 3 }
  })
  t.equal(created.status, 200)
  const c = created.body
  t.match(c.id, HEX24)
  t.match(c, {
    type: 'contact',
    workspace_id: emulator.store.workspaceId,
    external_id: 'ext-1',
    role: 'user',
    email: 'joe@example.com',
    name: 'Joe Bloggs',
    phone: '+353871234567',
    avatar: { type: 'avatar', image_url: 'https://example.com/a.png' },
    owner_id: 991267460,
    unsubscribed_from_emails: true,
    signed_up_at: 1571672154,
    last_seen_at: null,
    custom_attributes: { plan: 'pro', seats: 3 },
    location: { type: 'location', country: null },
    social_profiles: { type: 'list', data: [] },
    tags: { type: 'list', data: [], url: `/contacts/${c.id}/tags`, total_count: 0, has_more: false },
    notes: { type: 'list', url: `/contacts/${c.id}/notes` },
    companies: { type: 'list', url: `/contacts/${c.id}/companies` },
    opted_in_subscription_types: { url: `/contacts/${c.id}/subscriptions` }
  })
  const now = Math.floor(Date.now() / 1000)
  t.ok(Math.abs(c.created_at - now) <= 2, 'created_at is Unix seconds')
  t.equal(c.updated_at, c.created_at)

  const got = await call('GET', `/contacts/${c.id}`)
  t.equal(got.status, 200)
  t.same(got.body, c)

  // Pretend it was created a minute ago, so the bump is visible without waiting a second.
  const stored = emulator.store.contacts.get(c.id)!
  emulator.store.contacts.set(c.id, { ...stored, created_at: c.created_at - 60, updated_at: c.created_at - 60 })
  const updated = await call('PUT', `/contacts/${c.id}`, { name: 'Joe B', phone: null, custom_attributes: { seats: 4 } })
  t.equal(updated.status, 200)
  t.match(updated.body, { id: c.id, name: 'Joe B', phone: null, email: 'joe@example.com', custom_attributes: { plan: 'pro', seats: 4 } })
  t.ok(updated.body.updated_at >= c.updated_at && updated.body.updated_at > c.created_at - 60, 'updated_at bumps to now')
  t.equal(updated.body.created_at, c.created_at - 60, 'created_at is kept')

  const found = await call('GET', '/contacts/find_by_external_id/ext-1')
  t.equal(found.status, 200)
  t.equal(found.body.id, c.id)
  t.equal(found.body.name, 'Joe B')

  const deleted = await call('DELETE', `/contacts/${c.id}`)
  t.equal(deleted.status, 200)
  t.same(deleted.body, { id: c.id, external_id: 'ext-1', type: 'contact', deleted: true })

  for (const path of [`/contacts/${c.id}`, '/contacts/find_by_external_id/ext-1']) {
    const gone = await call('GET', path)
    t.equal(gone.status, 404, path)
    t.ok(isErrorList(gone.body, 'not_found'))
  }
  t.equal((await call('DELETE', `/contacts/${c.id}`)).status, 404)
  t.equal((await call('PUT', `/contacts/${c.id}`, { name: 'x' })).status, 404)
  t.same(emulator.violations, [])
})

test('leads: role lead, not found by external id lookup, duplicate lead emails allowed', async (t) => {
  const { call } = await harness(t)
  const lead = await call('POST', '/contacts', { role: 'lead', email: 'same@example.com', external_id: 'lead-1' })
  t.equal(lead.status, 200)
  t.equal(lead.body.role, 'lead')
  t.equal((await call('POST', '/contacts', { role: 'lead', email: 'same@example.com' })).status, 200, 'leads may share an email')
  t.equal((await call('POST', '/contacts', { email: 'same@example.com' })).status, 200, 'a user may share a lead\'s email')
  t.equal((await call('GET', '/contacts/find_by_external_id/lead-1')).status, 404, 'find_by_external_id only finds users')
})

test('409 conflict on duplicate external_id and duplicate user email, naming the existing id', async (t) => {
  const { call, emulator } = await harness(t)
  const first = await call('POST', '/contacts', { external_id: 'dup', email: 'ada@example.com' })
  const id = first.body.id

  const byExternal = await call('POST', '/contacts', { external_id: 'dup', email: 'other@example.com' })
  t.equal(byExternal.status, 409)
  t.ok(isErrorList(byExternal.body, 'conflict'))
  t.equal(byExternal.body.errors[0].message, `A contact matching those details already exists with id=${id}`)

  const byEmail = await call('POST', '/contacts', { email: 'ADA@example.com' })
  t.equal(byEmail.status, 409)
  t.equal(byEmail.body.errors[0].message, `A contact matching those details already exists with id=${id}`)

  const other = await call('POST', '/contacts', { external_id: 'other', email: 'b@example.com' })
  const updateClash = await call('PUT', `/contacts/${other.body.id}`, { external_id: 'dup' })
  t.equal(updateClash.status, 409)
  t.match(updateClash.body.errors[0].message, new RegExp(`id=${id}$`))
  const emailClash = await call('PUT', `/contacts/${other.body.id}`, { email: 'ada@example.com' })
  t.equal(emailClash.status, 409)
  t.equal((await call('PUT', `/contacts/${other.body.id}`, { external_id: 'other', email: 'b@example.com' })).status, 200, 'keeping its own values is fine')
  t.equal(emulator.store.contacts.size, 2)
})

test('20 concurrent creates of one external_id: exactly one contact', async (t) => {
  const { call, emulator } = await harness(t)
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    call('POST', '/contacts', { external_id: 'race', email: `race${i}@example.com` })))
  const ok = answers.filter((a) => a.status === 200)
  const conflicts = answers.filter((a) => a.status === 409)
  t.equal(ok.length, 1)
  t.equal(conflicts.length, 19)
  const id = ok[0].body.id
  for (const c of conflicts) t.equal(c.body.errors[0].message, `A contact matching those details already exists with id=${id}`)
  t.equal(emulator.store.contacts.size, 1)
})

test('create input errors', async (t) => {
  const { call, emulator } = await harness(t)
  const empty = await call('POST', '/contacts', {})
  t.equal(empty.status, 400, 'one of email, external_id, role is required (spec anyOf)')
  t.ok(isErrorList(empty.body, 'parameter_invalid'))
  t.equal(emulator.violations.length, 1)
  const badRole = await call('POST', '/contacts', { role: 'admin' })
  t.equal(badRole.status, 400)
  const badType = await call('POST', '/contacts', { email: 'a@example.com', signed_up_at: '2020-01-01' })
  t.equal(badType.status, 400)
  t.equal(emulator.violations.length, 2, 'the string timestamp is a spec violation; the bad role is only a semantic error')
})

test('the store can be read and written directly', async (t) => {
  const { call, emulator } = await harness(t)
  const c = emulator.store.createContact({ external_id: 'direct', email: 'direct@example.com' })
  t.equal((await call('GET', `/contacts/${c.id}`)).body.email, 'direct@example.com')
  t.equal(emulator.store.contacts.byExternalId('direct')?.id, c.id)
  emulator.store.contacts.set(c.id, { ...c, external_id: 'renamed' })
  t.equal((await call('GET', '/contacts/find_by_external_id/renamed')).status, 200, 'indexes follow Map.set')
  t.equal((await call('GET', '/contacts/find_by_external_id/direct')).status, 404)
  t.equal((await call('POST', '/contacts', { external_id: 'direct' })).status, 200, 'the old external_id is free again')
})

// ---- POST /contacts/search ----

const DAY = 86400

/** Five users with distinct names, seats (custom attribute), signed_up_at days. */
async function people (h: Harness): Promise<Record<string, string>> {
  const ids: Record<string, string> = {}
  const base = Date.UTC(2024, 0, 10) / 1000 // 2024-01-10T00:00:00Z
  const rows = [
    ['ada', 'Ada Lovelace', 'ada@example.com', 5, base + 9 * 3600],
    ['grace', 'Grace Hopper', 'grace@navy.example', 1, base + DAY + 3600],
    ['alan', 'Alan Turing', 'alan@example.com', 12, base + 2 * DAY],
    ['edsger', 'Edsger Dijkstra', 'edsger@example.org', 7, base + 3 * DAY],
    ['barbara', 'Barbara Liskov', 'barbara@mit.example', 3, base + 4 * DAY]
  ] as const
  for (const [key, name, email, seats, signedUp] of rows) {
    const res = await h.call('POST', '/contacts', { external_id: key, name, email, signed_up_at: signedUp, custom_attributes: { seats } })
    ids[key] = res.body.id
  }
  await h.call('POST', '/contacts', { role: 'lead', name: 'Lead Person', email: 'lead@example.com' })
  return ids
}

const search = async (h: Harness, query: unknown, extra: Record<string, unknown> = {}): Promise<{ status: number; body: any; names: string[] }> => {
  const res = await h.call('POST', '/contacts/search', { query, ...extra })
  return { ...res, names: res.status === 200 ? res.body.data.map((c: any) => c.name).sort() : [] }
}

test('search operators', async (t) => {
  const h = await harness(t)
  await people(h)
  t.same((await search(h, { field: 'email', operator: '=', value: 'grace@navy.example' })).names, ['Grace Hopper'])
  t.same((await search(h, { field: 'email', operator: '=', value: 'GRACE@navy.example' })).names, ['Grace Hopper'], 'email equality ignores case')
  t.same((await search(h, { field: 'name', operator: '~', value: 'ov' })).names, ['Ada Lovelace', 'Barbara Liskov'])
  t.same((await search(h, { field: 'name', operator: '!~', value: 'a' })).names, [], 'every name has an a')
  t.same((await search(h, { field: 'email', operator: '^', value: 'al' })).names, ['Alan Turing'])
  t.same((await search(h, { field: 'email', operator: '$', value: '.org' })).names, ['Edsger Dijkstra'])
  t.same((await search(h, { field: 'external_id', operator: 'IN', value: ['ada', 'alan', 'nobody'] })).names, ['Ada Lovelace', 'Alan Turing'])
  t.same((await search(h, { field: 'role', operator: 'NIN', value: ['user'] })).names, ['Lead Person'])
  t.same((await search(h, { field: 'role', operator: '!=', value: 'user' })).names, ['Lead Person'])
  t.same((await search(h, { field: 'custom_attributes.seats', operator: '>', value: 5 })).names, ['Alan Turing', 'Edsger Dijkstra'])
  t.same((await search(h, { field: 'custom_attributes.seats', operator: '<=', value: 3 })).names, ['Barbara Liskov', 'Grace Hopper'])
  t.same((await search(h, { field: 'custom_attributes.seats', operator: '=', value: 12 })).names, ['Alan Turing'])
  t.same((await search(h, { field: 'external_id', operator: '=', value: null })).names, ['Lead Person'])
  t.same((await search(h, { field: 'email_domain', operator: '=', value: 'example.com' })).names, ['Ada Lovelace', 'Alan Turing', 'Lead Person'])
  t.same(h.emulator.violations, [])
})

test('date fields match by UTC day like Intercom', async (t) => {
  const h = await harness(t)
  await people(h)
  const jan11at9 = Date.UTC(2024, 0, 11, 9) / 1000
  // signed_up_at: ada 10th 09:00, grace 11th 01:00, alan 12th, edsger 13th, barbara 14th
  t.same((await search(h, { field: 'signed_up_at', operator: '=', value: jan11at9 })).names, ['Grace Hopper'], '= is the whole day')
  t.same((await search(h, { field: 'signed_up_at', operator: '>', value: jan11at9 })).names, ['Alan Turing', 'Barbara Liskov', 'Edsger Dijkstra'], '> starts at the next day')
  t.same((await search(h, { field: 'signed_up_at', operator: '<', value: String(jan11at9) })).names, ['Ada Lovelace'], '< is before the day; numeric strings accepted')
  const ne = await search(h, { field: 'signed_up_at', operator: '!=', value: jan11at9 })
  t.equal(ne.status, 400, '!= is not supported on dates')
  t.ok(isErrorList(ne.body, 'parameter_invalid'))
  t.equal((await search(h, { field: 'created_at', operator: '>', value: 'yesterday' })).status, 400, 'date values must be timestamps')

  const exact = await harness(t, { searchDatePrecision: 'second' })
  await people(exact)
  t.same((await search(exact, { field: 'signed_up_at', operator: '>', value: jan11at9 - 9 * 3600 })).names,
    ['Alan Turing', 'Barbara Liskov', 'Edsger Dijkstra', 'Grace Hopper'], "searchDatePrecision: 'second' compares exactly")
})

test('AND / OR nesting', async (t) => {
  const h = await harness(t)
  await people(h)
  const q = {
    operator: 'AND',
    value: [
      { field: 'role', operator: '=', value: 'user' },
      {
        operator: 'OR',
        value: [
          { field: 'email', operator: '$', value: '.org' },
          { field: 'custom_attributes.seats', operator: '<', value: 2 }
        ]
      }
    ]
  }
  t.same((await search(h, q)).names, ['Edsger Dijkstra', 'Grace Hopper'])
  const or = {
    operator: 'OR',
    value: [
      { operator: 'AND', value: [{ field: 'name', operator: '^', value: 'A' }, { field: 'custom_attributes.seats', operator: '>=', value: 10 }] },
      { operator: 'AND', value: [{ field: 'name', operator: '^', value: 'B' }, { field: 'email', operator: '~', value: 'mit' }] }
    ]
  }
  t.same((await search(h, or)).names, ['Alan Turing', 'Barbara Liskov'])
  t.same(h.emulator.violations, [], 'mixed filter/group arrays pass validation (spec patch)')
})

test('search limits: 2 levels of nesting, 15 filters per group, operator/type rules', async (t) => {
  const h = await harness(t)
  const f = { field: 'name', operator: '=', value: 'x' }
  const tooDeep = await search(h, { operator: 'AND', value: [{ operator: 'OR', value: [{ operator: 'AND', value: [f] }] }] })
  t.equal(tooDeep.status, 400)
  t.match(tooDeep.body.errors[0].message, /2 levels/)
  const tooMany = await search(h, { operator: 'OR', value: Array.from({ length: 16 }, () => f) })
  t.equal(tooMany.status, 400)
  t.match(tooMany.body.errors[0].message, /15 filters/)
  t.equal((await search(h, { operator: 'OR', value: Array.from({ length: 15 }, () => f) })).status, 200)
  t.equal((await search(h, { field: 'nonsense', operator: '=', value: 'x' })).status, 400, 'unknown field')
  t.equal((await search(h, { field: 'name', operator: '>', value: 'x' })).status, 400, '> is not a string operator')
  t.equal((await search(h, { field: 'name', operator: 'IN', value: 'x' })).status, 400, 'IN needs an array')
  t.equal((await search(h, { field: 'name', operator: '=', value: ['x'] })).status, 400, '= takes no array')
  t.equal((await search(h, { field: 'name', operator: 'LIKE', value: 'x' })).status, 400, 'unknown operator (spec enum)')
  t.equal(h.emulator.violations.length, 1, 'only the operator outside the spec enum is a spec violation')
})

test('pagination walk with starting_after, sort', async (t) => {
  const h = await harness(t)
  const all: string[] = []
  for (let i = 0; i < 7; i++) {
    const res = await h.call('POST', '/contacts', { email: `p${i}@example.com`, name: `P${i}`, custom_attributes: { rank: 7 - i } })
    all.push(res.body.id)
  }
  const seen: string[] = []
  let startingAfter: string | undefined
  const pages: any[] = []
  for (let guard = 0; guard < 10; guard++) {
    const res = await h.call('POST', '/contacts/search', {
      query: { field: 'email', operator: '~', value: '@example.com' },
      pagination: { per_page: 3, ...(startingAfter !== undefined ? { starting_after: startingAfter } : {}) }
    })
    t.equal(res.status, 200)
    pages.push(res.body.pages)
    t.equal(res.body.total_count, 7)
    seen.push(...res.body.data.map((c: any) => c.id))
    startingAfter = res.body.pages.next?.starting_after
    if (startingAfter === undefined) break
  }
  t.same(pages.map((p) => [p.type, p.page, p.per_page, p.total_pages, p.next?.page]), [
    ['pages', 1, 3, 3, 2],
    ['pages', 2, 3, 3, 3],
    ['pages', 3, 3, 3, undefined]
  ])
  t.same(seen, all, 'every contact once, in creation order by default')

  const sorted = await h.call('POST', '/contacts/search', {
    query: { field: 'email', operator: '~', value: '@example.com' },
    sort: { field: 'custom_attributes.rank', order: 'descending' },
    pagination: { per_page: 2 }
  })
  t.same(sorted.body.data.map((c: any) => c.name), ['P0', 'P1'])
  const next = await h.call('POST', '/contacts/search', {
    query: { field: 'email', operator: '~', value: '@example.com' },
    sort: { field: 'custom_attributes.rank', order: 'descending' },
    pagination: { per_page: 2, starting_after: sorted.body.pages.next.starting_after }
  })
  t.same(next.body.data.map((c: any) => c.name), ['P2', 'P3'])

  const empty = await h.call('POST', '/contacts/search', { query: { field: 'email', operator: '=', value: 'none@x.y' } })
  t.same(empty.body, { type: 'list', data: [], total_count: 0, pages: { type: 'pages', page: 1, per_page: 50, total_pages: 0 } })
  const bad = await h.call('POST', '/contacts/search', { query: { field: 'email', operator: '=', value: 'a' }, pagination: { starting_after: 'garbage' } })
  t.equal(bad.status, 400)
  t.same(h.emulator.violations, [])
})

test('search lags writes by searchLagMs; find_by_external_id does not', async (t) => {
  // Lags are generous so a loaded machine cannot make a step outlast them.
  const h = await harness(t, { searchLagMs: 1_000 })
  const created = await h.call('POST', '/contacts', { external_id: 'laggy', email: 'laggy@example.com', name: 'Before' })
  const q = { field: 'external_id', operator: '=', value: 'laggy' }
  t.same((await search(h, q)).names, [], 'not searchable at once')
  t.equal((await h.call('GET', '/contacts/find_by_external_id/laggy')).status, 200, 'lookup is consistent')
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  t.same((await search(h, q)).names, ['Before'], 'searchable after the lag')

  h.emulator.store.searchLagMs = 500 // shorter from here on, to keep the test fast
  await h.call('PUT', `/contacts/${created.body.id}`, { name: 'After' })
  t.same((await search(h, q)).names, ['Before'], 'an update shows the old version first')
  await new Promise((resolve) => setTimeout(resolve, 600))
  t.same((await search(h, q)).names, ['After'])

  await h.call('DELETE', `/contacts/${created.body.id}`)
  t.same((await search(h, q)).names, ['After'], 'a deleted contact is still found for a while')
  await new Promise((resolve) => setTimeout(resolve, 600))
  t.same((await search(h, q)).names, [])
})

test('seeded contacts are searchable at once even with a lag', async (t) => {
  const h = await harness(t, { seed: true, searchLagMs: 60_000 })
  t.same((await search(h, { field: 'email', operator: '$', value: '@example.com' })).names, ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'])
})
