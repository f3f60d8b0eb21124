/**
 * Contacts beyond CRUD: ListContacts (cursor pages), MergeContact (lead into user), ArchiveContact /
 * UnarchiveContact, notes (listNotes, createNote), tags (listTagsForAContact, attachTagToContact,
 * detachTagFromContact) and companies (listCompaniesForAContact, attachContactToACompany,
 * detachContactFromACompany). State beside the store lives in ../crm.ts.
 */
import { EmulatorError, parameterInvalid, resourceNotFound } from '../errors.js'
import { crmOf, pageOf, refreshContactSubList, renderAppliedTag, renderCompany, requireCompany, requireContact } from '../crm.js'
import { toHtmlBody } from '../models.js'
import { resolveContactField, sortAndPage } from '../search.js'
import type { EmulatorStore } from '../store.js'
import { bodyObject, queryValue, type HandlerEntry } from './types.js'

/** The note in Intercom's answer shape (author as the admin object). */
function renderNote (store: EmulatorStore, note: { id: string, contact_id: string, admin_id: string, created_at: number, body: string }): Record<string, unknown> {
  const admin = store.admins.get(note.admin_id)
  return {
    type: 'note',
    id: note.id,
    created_at: note.created_at,
    contact: { type: 'contact', id: note.contact_id },
    author: { type: 'admin', id: note.admin_id, name: admin?.name ?? null, email: admin?.email ?? null, away_mode_enabled: admin?.away_mode_enabled ?? false, away_mode_reassign: admin?.away_mode_reassign ?? false },
    body: note.body
  }
}

/** A required string field of a body, else 400 naming it. */
function requiredString (body: Record<string, unknown>, field: string): string {
  const v = body[field]
  if (typeof v !== 'string' || v === '') throw parameterInvalid(`${field} is required`, field)
  return v
}

/** The contact relation handlers, by Intercom operationId. */
export const contactRelationHandlers: HandlerEntry[] = [
  {
    operationId: 'ListContacts',
    handler: ({ store, query }) => {
      const perPage = queryValue(query, 'per_page')
      const pagination: Record<string, unknown> = { starting_after: queryValue(query, 'starting_after') }
      if (perPage !== undefined) pagination.per_page = Number(perPage)
      return sortAndPage([...store.contacts.values()], resolveContactField, undefined, pagination)
    }
  },
  {
    operationId: 'MergeContact',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      const from = requireContact(store, requiredString(body, 'from'))
      const into = requireContact(store, requiredString(body, 'into'))
      if (from.role !== 'lead') throw parameterInvalid('from must be a lead', 'from')
      if (into.role !== 'user') throw parameterInvalid('into must be a user', 'into')
      const crm = crmOf(store)
      // The lead's tags, companies and notes move to the user; its empty fields are filled from the lead.
      const fromTags = crm.contactTags.get(from.id)
      if (fromTags !== undefined) {
        const intoTags = crm.contactTags.get(into.id) ?? new Map()
        for (const [id, applied] of fromTags) if (!intoTags.has(id)) intoTags.set(id, applied)
        crm.contactTags.set(into.id, intoTags)
        crm.contactTags.delete(from.id)
      }
      for (const ids of crm.members.values()) if (ids.delete(from.id)) ids.add(into.id)
      for (const note of crm.notes.values()) if (note.contact_id === from.id) note.contact_id = into.id
      for (const e of crm.events) if (e.contact_id === from.id) e.contact_id = into.id
      store.deleteContact(from.id)
      store.updateContact(into.id, {
        ...(into.name === null && from.name !== null ? { name: from.name } : {}),
        ...(into.phone === null && from.phone !== null ? { phone: from.phone } : {}),
        custom_attributes: { ...from.custom_attributes, ...into.custom_attributes }
      })
      refreshContactSubList(store, into.id, 'tags')
      refreshContactSubList(store, into.id, 'companies')
      return store.contacts.get(into.id)
    }
  },
  {
    operationId: 'ArchiveContact',
    handler: ({ store, params }) => {
      const contact = requireContact(store, params.contact_id)
      crmOf(store).archived.add(contact.id)
      return { type: 'contact', id: contact.id, external_id: contact.external_id, archived: true }
    }
  },
  {
    operationId: 'UnarchiveContact',
    handler: ({ store, params }) => {
      const contact = requireContact(store, params.contact_id)
      crmOf(store).archived.delete(contact.id)
      return { type: 'contact', id: contact.id, external_id: contact.external_id, archived: false }
    }
  },
  {
    operationId: 'listNotes',
    handler: ({ store, params, query }) => {
      const contact = requireContact(store, params.contact_id)
      const notes = [...crmOf(store).notes.values()].filter((n) => n.contact_id === contact.id)
        .sort((a, b) => b.created_at - a.created_at || Number(b.id) - Number(a.id))
      const page = pageOf(notes, query, 50)
      return { ...page, data: page.data.map((n) => renderNote(store, n)) }
    }
  },
  {
    operationId: 'createNote',
    handler: ({ store, params, body: raw }) => {
      const body = bodyObject(raw)
      const contact = requireContact(store, params.contact_id)
      const text = requiredString(body, 'body')
      const adminId = body.admin_id === undefined ? store.me().id : String(body.admin_id)
      if (!store.admins.has(adminId)) throw resourceNotFound()
      const crm = crmOf(store)
      const note = { id: crm.newNoteId(), contact_id: contact.id, admin_id: adminId, created_at: store.nowSeconds(), body: toHtmlBody(text) }
      crm.notes.set(note.id, note)
      return renderNote(store, note)
    }
  },
  {
    operationId: 'listTagsForAContact',
    handler: ({ store, params }) => {
      const contact = requireContact(store, params.contact_id)
      const crm = crmOf(store)
      const data = [...(crm.contactTags.get(contact.id)?.values() ?? [])]
        .flatMap((a) => { const tag = crm.tags.get(a.tag_id); return tag === undefined ? [] : [renderAppliedTag(tag, a)] })
      return { type: 'list', data }
    }
  },
  {
    operationId: 'attachTagToContact',
    handler: ({ store, params, body: raw }) => {
      const contact = requireContact(store, params.contact_id)
      const crm = crmOf(store)
      const tag = crm.tags.get(String(bodyObject(raw).id))
      if (tag === undefined) throw resourceNotFound()
      const applied = crm.contactTags.get(contact.id) ?? new Map()
      const entry = applied.get(tag.id) ?? { tag_id: tag.id, applied_at: store.nowSeconds(), admin_id: store.me().id }
      applied.set(tag.id, entry)
      crm.contactTags.set(contact.id, applied)
      refreshContactSubList(store, contact.id, 'tags')
      return renderAppliedTag(tag, entry)
    }
  },
  {
    operationId: 'detachTagFromContact',
    handler: ({ store, params }) => {
      const contact = requireContact(store, params.contact_id)
      const crm = crmOf(store)
      const tag = crm.tags.get(params.tag_id)
      const entry = crm.contactTags.get(contact.id)?.get(params.tag_id)
      if (tag === undefined || entry === undefined) throw resourceNotFound()
      crm.contactTags.get(contact.id)?.delete(tag.id)
      refreshContactSubList(store, contact.id, 'tags')
      return renderAppliedTag(tag, entry)
    }
  },
  {
    operationId: 'listCompaniesForAContact',
    handler: ({ store, params, query }) => {
      const contact = requireContact(store, params.contact_id)
      const crm = crmOf(store)
      const companies = [...crm.companies.values()].filter((c) => crm.members.get(c.id)?.has(contact.id) === true)
      const page = pageOf(companies, query, 50)
      return { ...page, data: page.data.map((c) => renderCompany(store, c)) }
    }
  },
  {
    operationId: 'attachContactToACompany',
    handler: ({ store, params, body: raw }) => {
      const contact = requireContact(store, params.contact_id)
      const body = bodyObject(raw)
      if (body.id === undefined || body.id === null || body.id === '') throw new EmulatorError(400, 'company not specified', 'parameter_not_found')
      const company = requireCompany(store, String(body.id))
      const crm = crmOf(store)
      const members = crm.members.get(company.id) ?? new Set<string>()
      members.add(contact.id)
      crm.members.set(company.id, members)
      refreshContactSubList(store, contact.id, 'companies')
      return renderCompany(store, company)
    }
  },
  {
    operationId: 'detachContactFromACompany',
    handler: ({ store, params }) => {
      const contact = requireContact(store, params.contact_id)
      const company = requireCompany(store, params.company_id)
      const members = crmOf(store).members.get(company.id)
      if (members?.has(contact.id) !== true) throw resourceNotFound()
      members.delete(contact.id)
      refreshContactSubList(store, contact.id, 'companies')
      return renderCompany(store, company)
    }
  }
]
