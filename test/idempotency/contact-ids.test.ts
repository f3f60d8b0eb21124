/**
 * One Intercom call per upsert of a known contact (src/facade/contact-ids.ts): ids learned from
 * answers, a 404 falling back to the find, concurrent creates, the mapping shared through Redis,
 * and an upsert whose answer was lost, retried with its Idempotency-Key.
 */
import { test } from 'tap'
import type { Emulator } from '../../src/emulator/index.js'
import { build, json, upstream } from '../helper.js'
import { redisReplicas } from './replicas.js'

const calls = (emulator: Emulator): string[] => emulator.requests.map((r) => `${r.method} ${r.path}`)

test('an upsert of a contact seen before is one UpdateContact; a 404 drops the id and falls back to the find', async (t) => {
  const { app, emulator } = await build(t)
  const created = await app.inject({ method: 'POST', url: '/contacts', payload: { role: 'user', external_id: 'known-1', email: 'known-1@example.com' } })
  const id = json(created).id as string
  emulator.resetRecords()
  const upsert = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'known-1', name: 'Known' } })
  t.equal(upsert.statusCode, 200)
  t.same(json(upsert), { action: 'updated', contact: { ...json(upsert).contact, id, name: 'Known' } })
  t.same(calls(emulator), [`PUT /contacts/${id}`], 'learned from the create answer: one call')
  t.same(upstream(t, emulator)[0].body, { external_id: 'known-1', name: 'Known' })

  // Deleted behind the service's back: the PUT answers 404, the flow finds nothing and creates.
  emulator.store.deleteContact(id)
  emulator.resetRecords()
  const again = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'known-1', name: 'Reborn' } })
  t.equal(again.statusCode, 200)
  t.equal(json(again).action, 'created')
  const newId = json(again).contact.id as string
  t.same(calls(emulator), [`PUT /contacts/${id}`, 'GET /contacts/find_by_external_id/known-1', 'POST /contacts'])
  emulator.resetRecords()
  await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'known-1', name: 'Reborn 2' } })
  t.same(calls(emulator), [`PUT /contacts/${newId}`], 'the new id was learned')
})

test('users are also known by email; leads are not', async (t) => {
  const { app, emulator } = await build(t)
  const user = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { email: 'u@example.com', role: 'user' } })
  const id = json(user).contact.id as string
  emulator.resetRecords()
  await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { email: 'u@example.com', name: 'U' } })
  t.same(calls(emulator), [`PUT /contacts/${id}`])
  await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { email: 'lead@example.com', role: 'lead' } })
  emulator.resetRecords()
  await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { email: 'lead@example.com', role: 'lead', name: 'L' } })
  t.equal(calls(emulator)[0], 'POST /contacts/search', 'a lead is matched by search, as before')
})

test('DELETE /contacts/{id} forgets the external_id', async (t) => {
  const { app, emulator } = await build(t)
  const created = await app.inject({ method: 'POST', url: '/contacts', payload: { role: 'user', external_id: 'gone-1' } })
  await app.inject({ method: 'DELETE', url: `/contacts/${json(created).id as string}` })
  emulator.resetRecords()
  await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'gone-1' } })
  t.same(calls(emulator), ['GET /contacts/find_by_external_id/gone-1', 'POST /contacts'], 'no PUT to the deleted id')
})

test('20 concurrent upserts of a new contact in one replica: one contact, one find, one create, 19 updates', async (t) => {
  const { app, emulator } = await build(t)
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'conc-1', name: `n${i}` } })))
  t.same(results.map((r) => r.statusCode), Array(20).fill(200))
  t.equal(new Set(results.map((r) => json(r).contact.id)).size, 1)
  t.equal([...emulator.store.contacts.values()].filter((c) => c.external_id === 'conc-1').length, 1, 'exactly one contact')
  const seen = calls(emulator)
  t.equal(seen.filter((c) => c === 'POST /contacts').length, 1)
  t.equal(seen.filter((c) => c.startsWith('GET')).length, 1)
  t.equal(seen.filter((c) => c.startsWith('PUT')).length, 19)
})

test('through Redis the ids are shared: replica B updates in one call what replica A created; concurrent creates on both end with one contact', async (t) => {
  const shared = await redisReplicas(t, 2)
  if (shared === undefined) return
  const { emulator, apps: [a, b] } = shared
  const created = await a.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'shared-c' } })
  const id = json(created).contact.id as string
  emulator.resetRecords()
  const onB = await b.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'shared-c', name: 'B' } })
  t.equal(json(onB).contact.id, id)
  t.same(calls(emulator), [`PUT /contacts/${id}`])

  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'race-x', name: `n${i}` } })))
  t.same(results.map((r) => r.statusCode), Array(10).fill(200))
  t.equal([...emulator.store.contacts.values()].filter((c) => c.external_id === 'race-x').length, 1, 'exactly one contact')
  t.equal(new Set(results.map((r) => json(r).contact.id)).size, 1)
})

test('an upsert whose create answer is lost, retried with its key, matches again: one contact', async (t) => {
  const { app, emulator } = await build(t)
  emulator.fault({ method: 'POST', path: '/contacts', applied: true, reset: true })
  const headers = { 'idempotency-key': 'upsert-lost' }
  const payload = { external_id: 'upsert-lost', name: 'Lost' }
  const lost = await app.inject({ method: 'POST', url: '/contacts/upsert', headers, payload })
  t.equal(lost.statusCode, 502)
  emulator.resetRecords()
  const retry = await app.inject({ method: 'POST', url: '/contacts/upsert', headers, payload })
  t.equal(retry.statusCode, 200)
  t.equal(json(retry).action, 'updated', 'the contact the lost create made is found')
  t.same(calls(emulator).map((c) => c.replace(/\/contacts\/[0-9a-f]{24}$/, '/contacts/{id}')), ['GET /contacts/find_by_external_id/upsert-lost', 'PUT /contacts/{id}'])
  t.equal([...emulator.store.contacts.values()].filter((c) => c.external_id === 'upsert-lost').length, 1)
})
