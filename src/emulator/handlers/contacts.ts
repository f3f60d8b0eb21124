/**
 * Contacts: CreateContact, UpdateContact, ShowContact, DeleteContact, ShowContactByExternalId,
 * SearchContacts. Uniqueness (external_id; email among users) is enforced by the store with
 * Intercom's 409 message `A contact matching those details already exists with id=<id>`.
 * Search reads the store's lagging view (`searchLagMs`); find_by_external_id reads the live data.
 */
import { contactNotFound, parameterInvalid } from '../errors.js'
import type { ContactInput } from '../models.js'
import { compileSearchQuery, resolveContactField, sortAndPage } from '../search.js'
import { bodyObject, type HandlerEntry } from './types.js'

const NULLABLE_STRINGS = ['phone', 'name', 'avatar'] as const
const TIMESTAMPS = ['signed_up_at', 'last_seen_at'] as const

/** Read the writable contact fields of a CreateContact / UpdateContact body; 400 on a bad value. */
export function contactInputFrom (raw: unknown): ContactInput {
  const body = bodyObject(raw)
  const input: ContactInput = {}
  if (body.role !== undefined) {
    if (body.role !== 'user' && body.role !== 'lead') throw parameterInvalid(`role must be user or lead, got ${JSON.stringify(body.role)}`, 'role')
    input.role = body.role
  }
  if (body.external_id !== undefined) {
    if (body.external_id !== null && typeof body.external_id !== 'string') throw parameterInvalid('external_id must be a string', 'external_id')
    input.external_id = body.external_id === '' ? null : body.external_id
  }
  if (body.email !== undefined) {
    if (body.email !== null && typeof body.email !== 'string') throw parameterInvalid('email must be a string', 'email')
    const email = body.email === null ? null : body.email.trim()
    if (email !== null && email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) throw parameterInvalid(`${email} is not a valid email`, 'email')
    input.email = email === '' ? null : email
  }
  for (const key of NULLABLE_STRINGS) {
    const v = body[key]
    if (v === undefined) continue
    if (v !== null && typeof v !== 'string') throw parameterInvalid(`${key} must be a string`, key)
    input[key] = v
  }
  for (const key of TIMESTAMPS) {
    const v = body[key]
    if (v === undefined) continue
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) throw parameterInvalid(`${key} must be a Unix timestamp (integer seconds)`, key)
    input[key] = v
  }
  if (body.owner_id !== undefined) {
    // An integer before 2.16, a string of digits from 2.16 (the description of the request's version is checked first); stored as a number.
    const owner = typeof body.owner_id === 'string' && /^\d+$/.test(body.owner_id) ? Number(body.owner_id) : body.owner_id
    if (owner !== null && (typeof owner !== 'number' || !Number.isInteger(owner))) throw parameterInvalid('owner_id must be an integer (a string of digits from 2.16)', 'owner_id')
    input.owner_id = owner
  }
  if (body.unsubscribed_from_emails !== undefined) {
    if (body.unsubscribed_from_emails !== null && typeof body.unsubscribed_from_emails !== 'boolean') throw parameterInvalid('unsubscribed_from_emails must be a boolean', 'unsubscribed_from_emails')
    input.unsubscribed_from_emails = body.unsubscribed_from_emails
  }
  if (body.custom_attributes !== undefined) {
    const ca = body.custom_attributes
    if (ca !== null && (typeof ca !== 'object' || Array.isArray(ca))) throw parameterInvalid('custom_attributes must be an object', 'custom_attributes')
    input.custom_attributes = ca as Record<string, unknown> | null
  }
  return input
}

/** The contact handlers, by Intercom operationId. */
export const contactHandlers: HandlerEntry[] = [
  {
    operationId: 'CreateContact',
    handler: ({ store, body }) => {
      const input = contactInputFrom(body)
      if (input.email == null && input.external_id == null && input.role === undefined) {
        throw parameterInvalid('Create a contact with at least one of email, external_id or role')
      }
      return store.createContact(input)
    }
  },
  {
    operationId: 'UpdateContact',
    handler: ({ store, params, body }) => store.updateContact(params.contact_id, contactInputFrom(body))
  },
  {
    operationId: 'ShowContact',
    handler: ({ store, params }) => {
      const contact = store.contacts.get(params.contact_id)
      if (contact === undefined) throw contactNotFound()
      return contact
    }
  },
  {
    operationId: 'DeleteContact',
    handler: ({ store, params }) => {
      const contact = store.deleteContact(params.contact_id)
      return { id: contact.id, external_id: contact.external_id, type: 'contact', deleted: true }
    }
  },
  {
    operationId: 'ShowContactByExternalId',
    handler: ({ store, params }) => {
      // Intercom: "this endpoint only supports users and not leads".
      const contact = store.contacts.byExternalId(params.external_id)
      if (contact === undefined || contact.role !== 'user') throw contactNotFound()
      return contact
    }
  },
  {
    operationId: 'SearchContacts',
    handler: ({ store, body }) => {
      const { query, pagination, sort } = bodyObject(body)
      if (query === undefined) throw parameterInvalid('query is required', 'query')
      const matches = compileSearchQuery(query, resolveContactField, store.searchDatePrecision)
      const found = store.searchableContacts().filter(matches)
      return sortAndPage(found, resolveContactField, sort, pagination)
    }
  }
]
