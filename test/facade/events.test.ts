import { test } from 'tap'
import { decodeEventsCursor, encodeEventsCursor, toDataEventPayload } from '../../src/facade/events.js'

test("an events cursor carries only the query of Intercom's pages.next link", async (t) => {
  t.equal(encodeEventsCursor(undefined), null)
  t.equal(encodeEventsCursor(null), null)
  t.equal(encodeEventsCursor('not a url'), null)
  const cursor = encodeEventsCursor('https://api.intercom.io/events?type=user&intercom_user_id=abc&per_page=2&before=1700000000')
  t.type(cursor, 'string')
  t.same(decodeEventsCursor(cursor as string), { type: 'user', intercom_user_id: 'abc', per_page: '2', before: '1700000000' })
  const evil = encodeEventsCursor('https://evil.example/admins?type=user')
  t.same(decodeEventsCursor(evil as string), { type: 'user' }, 'host and path are dropped')
  t.throws(() => decodeEventsCursor('bm90IG91cnM'), { code: 'FACADE_INVALID_INPUT', errors: [{ field: 'querystring.starting_after' }] })
})

test('toDataEventPayload: one identifier, created_at in Unix seconds, now by default', async (t) => {
  t.same(toDataEventPayload({ event_name: 'e', email: 'a@b.co' }, 1700000000), { event_name: 'e', created_at: 1700000000, email: 'a@b.co' })
  t.same(toDataEventPayload({ event_name: 'e', id: 'x', created_at: '2024-01-01T00:00:00Z', metadata: { a: 1 } }, 1), { event_name: 'e', created_at: 1704067200, id: 'x', metadata: { a: 1 } })
  t.throws(() => toDataEventPayload({ event_name: 'e' }), { errors: [{ field: 'body.user_id' }, { field: 'body.id' }, { field: 'body.email' }] })
  t.throws(() => toDataEventPayload({ event_name: 'e', id: 'x', email: 'a@b.co' }), { errors: [{ field: 'body.email' }] })
})
