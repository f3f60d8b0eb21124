/**
 * Tickets: createTicket, getTicket, updateTicket, searchTickets, replyTicket.
 *
 * Every workspace has ticket type '1' ("Bug report", Customer) with the states submitted (1),
 * in_progress (2), waiting_on_customer (3) and resolved (4) (see helpdesk.ts). Tickets have a
 * numeric `id` and an Inbox `ticket_id`; replies and state changes are ticket parts. Search takes
 * the fields of Intercom's table for tickets (`title`/`description` are the default attributes).
 */
import { EmulatorError, contactNotFound, parameterInvalid } from '../errors.js'
import { adminAuthor, attachmentsFromUrls, contactAuthor, contactReference, toHtmlBody, type Contact, type PartAuthor } from '../models.js'
import { compileSearchQuery, sortAndPage, type FieldResolver, type SearchField } from '../search.js'
import type { EmulatorStore } from '../store.js'
import { helpdesk, type TicketPart, type TicketRecord, type TicketType } from '../helpdesk.js'
import { bodyObject, type HandlerEntry } from './types.js'

function typeOf (store: EmulatorStore, t: TicketRecord): TicketType {
  const type = helpdesk(store).ticketTypes.get(t.type_id)
  if (type === undefined) throw new EmulatorError(500, 'ticket type vanished')
  return type
}

/** A ticket as getTicket answers it. */
export function renderTicket (store: EmulatorStore, t: TicketRecord): Record<string, unknown> {
  const type = typeOf(store, t)
  const { states, ...typeFields } = type
  const state = states.find((s) => s.id === t.state_id) ?? states[0]
  return {
    type: 'ticket',
    id: t.id,
    ticket_id: t.ticket_id,
    category: type.category,
    ticket_attributes: t.ticket_attributes,
    ticket_state: state,
    ticket_type: typeFields,
    contacts: { type: 'contact.list', contacts: t.contact_ids.map((id) => contactReference(id, store.contacts.get(id)?.external_id ?? null)) },
    admin_assignee_id: t.admin_assignee_id ?? '0',
    team_assignee_id: t.team_assignee_id ?? '0',
    created_at: t.created_at,
    updated_at: t.updated_at,
    ticket_parts: { type: 'ticket_part.list', ticket_parts: t.parts, total_count: t.parts.length },
    open: t.open,
    snoozed_until: t.snoozed_until,
    linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
    is_shared: t.is_shared
  }
}

const ticketFields = new Map<string, SearchField<TicketRecord>>()
for (const f of ['created_at', 'updated_at', 'snoozed_until'] as const) ticketFields.set(f, { type: 'date', get: (t) => t[f] })
ticketFields.set('id', { type: 'string', get: (t) => t.id })
ticketFields.set('ticket_type_id', { type: 'string', get: (t) => t.type_id })
ticketFields.set('admin_assignee_id', { type: 'string', get: (t) => t.admin_assignee_id })
ticketFields.set('team_assignee_id', { type: 'string', get: (t) => t.team_assignee_id })
ticketFields.set('open', { type: 'boolean', get: (t) => t.open })
ticketFields.set('contact_ids', { type: 'string', multi: true, get: (t) => t.contact_ids })
ticketFields.set('teammate_ids', { type: 'string', multi: true, get: (t) => [...new Set(t.parts.filter((p) => p.author.type === 'admin').map((p) => p.author.id))] })
ticketFields.set('title', { type: 'string', get: (t) => t.ticket_attributes._default_title_ ?? null })
ticketFields.set('description', { type: 'string', get: (t) => t.ticket_attributes._default_description_ ?? null })

/** Field resolver for ticket search (`state` and `category` need the store: see {@link ticketResolver}). */
function ticketResolver (store: EmulatorStore): FieldResolver<TicketRecord> {
  return (name) => {
    const known = ticketFields.get(name)
    if (known !== undefined) return known
    if (name === 'state') return { type: 'string', get: (t) => typeOf(store, t).states.find((s) => s.id === t.state_id)?.category ?? null }
    if (name === 'category') {
      const terms: Record<string, string> = { Customer: 'request', 'Back-office': 'task', Tracker: 'tracker' }
      return { type: 'string', get: (t) => terms[typeOf(store, t).category] }
    }
    if (name.startsWith('ticket_attribute.') && name.length > 'ticket_attribute.'.length) {
      const attr = name.slice('ticket_attribute.'.length)
      return { type: 'any', get: (t) => t.ticket_attributes[attr] }
    }
    return undefined
  }
}

/** The contact a ticket's `contacts` entry names: by id, external_id, or email (an unknown email creates a user, as Intercom does). */
function ticketContact (store: EmulatorStore, ref: Record<string, unknown>): Contact {
  let contact: Contact | undefined
  if (typeof ref.id === 'string') contact = store.contacts.get(ref.id)
  else if (typeof ref.external_id === 'string') contact = store.contacts.byExternalId(ref.external_id)
  else if (typeof ref.email === 'string') contact = store.contacts.userByEmail(ref.email) ?? store.createContact({ role: 'user', email: ref.email })
  if (contact === undefined) throw contactNotFound()
  return contact
}

function ticketOf (store: EmulatorStore, id: string): TicketRecord {
  const t = helpdesk(store).tickets.get(id)
  if (t === undefined) throw new EmulatorError(404, 'Ticket not found', 'ticket_not_found')
  return t
}

function part (store: EmulatorStore, partType: string, body: string | null, author: PartAuthor, at: number, attachments: unknown[] = []): TicketPart {
  return { type: 'ticket_part', id: helpdesk(store).nextId('ticketPart'), part_type: partType, body, created_at: at, updated_at: at, author, attachments, redacted: false }
}

/** The ticket handlers, by Intercom operationId. */
export const ticketHandlers: HandlerEntry[] = [
  {
    operationId: 'createTicket',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      const desk = helpdesk(store)
      const type = desk.ticketTypes.get(String(body.ticket_type_id))
      if (type === undefined) throw new EmulatorError(404, 'Ticket type not found', 'ticket_type_not_found')
      if (!Array.isArray(body.contacts) || body.contacts.length !== 1) throw parameterInvalid('contacts must name exactly one contact', 'contacts')
      const contact = ticketContact(store, bodyObject(body.contacts[0]))
      const now = typeof body.created_at === 'number' ? body.created_at : store.nowSeconds()
      const assignment = bodyObject(body.assignment)
      const ticket: TicketRecord = {
        id: desk.nextId('ticket'),
        ticket_id: desk.nextId('ticketNumber'),
        type_id: type.id,
        state_id: type.states[0].id,
        ticket_attributes: { ...bodyObject(body.ticket_attributes) },
        contact_ids: [contact.id],
        admin_assignee_id: typeof assignment.admin_assignee_id === 'string' ? assignment.admin_assignee_id : null,
        team_assignee_id: typeof assignment.team_assignee_id === 'string' ? assignment.team_assignee_id : null,
        company_id: typeof body.company_id === 'string' ? body.company_id : null,
        created_at: now,
        updated_at: now,
        open: true,
        is_shared: type.category === 'Customer',
        snoozed_until: null,
        parts: []
      }
      desk.tickets.set(ticket.id, ticket)
      return renderTicket(store, ticket)
    }
  },
  {
    operationId: 'getTicket',
    handler: ({ store, params }) => renderTicket(store, ticketOf(store, params.ticket_id))
  },
  {
    operationId: 'updateTicket',
    handler: ({ store, params, body: raw }) => {
      const body = bodyObject(raw)
      const t = ticketOf(store, params.ticket_id)
      const now = store.nowSeconds()
      let admin: PartAuthor | undefined
      if (body.admin_id !== undefined) {
        const a = store.admins.get(String(body.admin_id))
        if (a === undefined) throw new EmulatorError(404, 'Admin not found', 'admin_not_found')
        admin = adminAuthor(a)
      }
      if (body.ticket_state_id !== undefined) {
        const states = typeOf(store, t).states
        const next = states.find((s) => s.id === String(body.ticket_state_id))
        if (next === undefined) throw parameterInvalid('Ticket state id is not valid or is not associated with the ticket type.', 'ticket_state_id')
        if (next.id !== t.state_id) {
          t.state_id = next.id
          t.parts.push(part(store, 'ticket_state_updated_by_admin', null, admin ?? adminAuthor(store.me()), now))
        }
      }
      if (body.ticket_attributes !== undefined) t.ticket_attributes = { ...t.ticket_attributes, ...bodyObject(body.ticket_attributes) }
      if (typeof body.open === 'boolean') {
        t.open = body.open
        if (!body.open) t.snoozed_until = null
      }
      if (typeof body.snoozed_until === 'number') t.snoozed_until = body.snoozed_until
      if (typeof body.is_shared === 'boolean') t.is_shared = body.is_shared
      if (typeof body.company_id === 'string') t.company_id = body.company_id
      if (typeof body.assignee_id === 'string') {
        const id = body.assignee_id
        if (id === '0') t.admin_assignee_id = null
        else if (store.admins.has(id)) t.admin_assignee_id = id
        else if (helpdesk(store).teams.has(id)) t.team_assignee_id = id
        else throw new EmulatorError(404, 'Assignee not found', 'assignee_not_found')
      }
      t.updated_at = Math.max(now, t.updated_at)
      return renderTicket(store, t)
    }
  },
  {
    operationId: 'searchTickets',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      const resolve = ticketResolver(store)
      const match = compileSearchQuery(body.query, resolve, store.searchDatePrecision)
      const page = sortAndPage([...helpdesk(store).tickets.values()].filter(match), resolve, body.sort, { per_page: 20, ...bodyObject(body.pagination) })
      return { type: 'ticket.list', pages: page.pages, total_count: page.total_count, tickets: page.data.map((t) => renderTicket(store, t)) }
    }
  },
  {
    operationId: 'replyTicket',
    handler: ({ store, params, body: raw }) => {
      const body = bodyObject(raw)
      const t = ticketOf(store, params.ticket_id)
      const now = typeof body.created_at === 'number' ? body.created_at : store.nowSeconds()
      const text = typeof body.body === 'string' && body.body !== '' ? toHtmlBody(body.body) : null
      const attachments = attachmentsFromUrls(Array.isArray(body.attachment_urls) ? body.attachment_urls as string[] : undefined)
      let reply: TicketPart
      if (body.type === 'admin') {
        const admin = store.admins.get(String(body.admin_id))
        if (admin === undefined) throw new EmulatorError(404, 'Admin not found', 'admin_not_found')
        if (body.message_type !== 'comment' && body.message_type !== 'note') throw parameterInvalid('message_type must be comment or note', 'message_type')
        if (text === null) throw parameterInvalid('Body is required', 'body')
        reply = part(store, body.message_type, text, adminAuthor(admin), now, attachments)
      } else if (body.type === 'user') {
        if (typeOf(store, t).category !== 'Customer') throw new EmulatorError(400, 'User replies are not allowed on Backoffice tickets', 'parameter_mismatch')
        let contact: Contact | undefined
        if (typeof body.intercom_user_id === 'string') contact = store.contacts.get(body.intercom_user_id)
        else if (typeof body.user_id === 'string') contact = store.contacts.byExternalId(body.user_id)
        else if (typeof body.email === 'string') contact = store.contacts.userByEmail(body.email)
        if (contact === undefined) throw contactNotFound()
        if (text === null) throw parameterInvalid('Body is required', 'body')
        reply = part(store, 'comment', text, contactAuthor(contact), now, attachments)
      } else {
        throw parameterInvalid(`type must be admin or user, got ${JSON.stringify(body.type)}`, 'type')
      }
      t.parts.push(reply)
      t.updated_at = Math.max(store.nowSeconds(), t.updated_at)
      return reply
    }
  }
]
