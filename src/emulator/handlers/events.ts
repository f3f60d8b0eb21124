/**
 * Data events: createDataEvent (202, empty body; the contact is named by `id`, `user_id` =
 * external_id, or `email`) and lisDataEvents (`type=user` and one of `intercom_user_id`, `user_id`,
 * `email`; newest first; `summary=true` answers per-name counts). The emulator answers every event
 * in one page (`pages: {}`).
 */
import { contactNotFound, parameterInvalid } from '../errors.js'
import { crmOf } from '../crm.js'
import type { Contact } from '../models.js'
import type { EmulatorStore } from '../store.js'
import { Reply, bodyObject, queryValue, type HandlerEntry } from './types.js'

/** The contact an event names, by Intercom id, external_id or email. */
function eventContact (store: EmulatorStore, key: { id?: unknown, user_id?: unknown, email?: unknown }): Contact {
  let contact: Contact | undefined
  if (typeof key.id === 'string') contact = store.contacts.get(key.id)
  else if (typeof key.user_id === 'string') contact = store.contacts.byExternalId(key.user_id)
  else if (typeof key.email === 'string') {
    const email = key.email.toLowerCase()
    contact = store.contacts.userByEmail(key.email) ?? [...store.contacts.values()].find((c) => c.email?.toLowerCase() === email)
  } else throw parameterInvalid('id, user_id or email is required', 'id')
  if (contact === undefined) throw contactNotFound()
  return contact
}

/** The data event handlers, by Intercom operationId. */
export const eventHandlers: HandlerEntry[] = [
  {
    operationId: 'createDataEvent',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      if (typeof body.event_name !== 'string' || body.event_name === '') throw parameterInvalid('event_name is required', 'event_name')
      if (typeof body.created_at !== 'number' || !Number.isInteger(body.created_at)) throw parameterInvalid('created_at must be a Unix timestamp', 'created_at')
      const contact = eventContact(store, body)
      const crm = crmOf(store)
      const metadata = typeof body.metadata === 'object' && body.metadata !== null ? body.metadata as Record<string, unknown> : {}
      crm.events.push({ id: crm.newEventId(), contact_id: contact.id, event_name: body.event_name, created_at: body.created_at, metadata })
      return new Reply(202, undefined)
    }
  },
  {
    operationId: 'lisDataEvents',
    handler: ({ store, query }) => {
      if (queryValue(query, 'type') !== 'user') throw parameterInvalid('type must be user', 'type')
      const keys = { id: queryValue(query, 'intercom_user_id'), user_id: queryValue(query, 'user_id'), email: queryValue(query, 'email') }
      const given = Object.values(keys).filter((v) => v !== undefined).length
      if (given !== 1) throw parameterInvalid('give exactly one of intercom_user_id, user_id or email', 'intercom_user_id')
      const contact = eventContact(store, keys)
      const events = crmOf(store).events.filter((e) => e.contact_id === contact.id)
        .sort((a, b) => b.created_at - a.created_at)
      const who = { email: contact.email, intercom_user_id: contact.id, user_id: contact.external_id }
      if (queryValue(query, 'summary') === 'true') {
        const byName = new Map<string, { name: string, first: number, last: number, count: number }>()
        for (const e of events) {
          const s = byName.get(e.event_name) ?? { name: e.event_name, first: e.created_at, last: e.created_at, count: 0 }
          s.first = Math.min(s.first, e.created_at)
          s.last = Math.max(s.last, e.created_at)
          s.count++
          byName.set(e.event_name, s)
        }
        const iso = (t: number): string => new Date(t * 1000).toISOString()
        return { type: 'event.summary', ...who, events: [...byName.values()].map((s) => ({ ...s, first: iso(s.first), last: iso(s.last) })) }
      }
      return {
        type: 'event.list',
        events: events.map((e) => ({ type: 'event', id: e.id, created_at: e.created_at, event_name: e.event_name, ...who, metadata: e.metadata })),
        pages: {}
      }
    }
  }
]
