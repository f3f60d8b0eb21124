import { matrixTest as test } from '../helper.js'
import { build, seedContact, upstream, walkPages } from '../helper.js'

test('the same caller loop walks 3 pages of a cursor list (contacts) and of a page-numbered list (companies)', async (t) => {
  const { app, emulator } = await build(t)
  for (let i = 0; i < 5; i++) {
    await seedContact(emulator, { email: `w${i}@example.com` })
    await app.inject({ method: 'POST', url: '/companies', payload: { company_id: `w-${i}` } })
  }
  emulator.resetRecords()

  const contacts = await walkPages(app, '/contacts', 2)
  t.equal(contacts.pages, 3)
  t.equal(new Set(contacts.ids).size, 5, 'every contact once')
  const contactCalls = upstream(t, emulator)
  t.same(contactCalls.map((r) => r.operationId), ['ListContacts', 'ListContacts', 'ListContacts'])
  t.ok(contactCalls.slice(1).every((r) => typeof r.query.starting_after === 'string'), 'Intercom cursors underneath')

  emulator.resetRecords()
  const companies = await walkPages(app, '/companies', 2)
  t.equal(companies.pages, 3)
  t.equal(new Set(companies.ids).size, 5, 'every company once')
  const companyCalls = upstream(t, emulator)
  t.same(companyCalls.map((r) => `${r.operationId} page=${String(r.query.page)}`), ['retrieveCompany page=1', 'retrieveCompany page=2', 'retrieveCompany page=3'], 'page numbers underneath')
})
