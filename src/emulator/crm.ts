/**
 * The emulator's companies, tags, notes, data events and contact archive state, kept beside the
 * store (one {@link CrmState} per {@link EmulatorStore}, created on first use) so the store itself
 * stays as it is. Objects are answered in Intercom's 2.14 shapes.
 */
import { EmulatorError, contactNotFound } from './errors.js'
import type { Contact, ContactSubList } from './models.js'
import type { EmulatorStore } from './store.js'

/** A company as stored (its answer shape without the computed `user_count`). */
export interface CompanyRecord {
  type: 'company'
  company_id: string | null
  /** 24 lower-case hex, given by Intercom. */
  id: string
  app_id: string
  name: string | null
  remote_created_at: number | null
  created_at: number
  updated_at: number
  monthly_spend: number
  session_count: number
  size: number | null
  website: string | null
  industry: string | null
  plan: { type: 'plan', id: string, name: string } | Record<string, never>
  custom_attributes: Record<string, unknown>
  /** Tag ids applied to the company. */
  tag_ids: string[]
}

/** A workspace tag. `id` is a numeric string. */
export interface TagRecord { type: 'tag', id: string, name: string }

/** A tag applied to a contact: when and by which admin. */
export interface AppliedTag { tag_id: string, applied_at: number, admin_id: string }

/** A note on a contact. `id` is a numeric string; `body` is HTML. */
export interface NoteRecord { id: string, contact_id: string, admin_id: string, created_at: number, body: string }

/** A tracked data event. */
export interface DataEventRecord { id: string, contact_id: string, event_name: string, created_at: number, metadata: Record<string, unknown> }

/** The state beside one store. */
export class CrmState {
  /** Companies by Intercom id. */
  readonly companies = new Map<string, CompanyRecord>()
  /** Contact ids attached to each company, by company id. */
  readonly members = new Map<string, Set<string>>()
  /** Tags by id. */
  readonly tags = new Map<string, TagRecord>()
  /** Tags applied to each contact, by contact id then tag id. */
  readonly contactTags = new Map<string, Map<string, AppliedTag>>()
  /** Notes by id. */
  readonly notes = new Map<string, NoteRecord>()
  /** Data events, in arrival order. */
  readonly events: DataEventRecord[] = []
  /** Archived contact ids. */
  readonly archived = new Set<string>()
  #nextTagId = 1
  #nextNoteId = 1
  #nextEventId = 1

  /** Next tag id (numeric string). */
  newTagId (): string { return String(this.#nextTagId++) }
  /** Next note id (numeric string). */
  newNoteId (): string { return String(this.#nextNoteId++) }
  /** Next event id. */
  newEventId (): string { return `evt_${this.#nextEventId++}` }
}

const states = new WeakMap<EmulatorStore, CrmState>()

/** The companies / tags / notes / events state of `store` (created on first use). */
export function crmOf (store: EmulatorStore): CrmState {
  let state = states.get(store)
  if (state === undefined) {
    state = new CrmState()
    states.set(store, state)
  }
  return state
}

/** 404 `company_not_found`, as Intercom answers for a missing company. */
export const companyNotFound = (): EmulatorError => new EmulatorError(404, 'Company Not Found', 'company_not_found')

/** The contact `id`, or 404 User Not Found. */
export function requireContact (store: EmulatorStore, id: string): Contact {
  const contact = store.contacts.get(id)
  if (contact === undefined) throw contactNotFound()
  return contact
}

/** The company `id`, or 404 company_not_found. */
export function requireCompany (store: EmulatorStore, id: string): CompanyRecord {
  const company = crmOf(store).companies.get(id)
  if (company === undefined) throw companyNotFound()
  return company
}

/** A company in Intercom's answer shape (user_count and tags computed). */
export function renderCompany (store: EmulatorStore, c: CompanyRecord): Record<string, unknown> {
  const crm = crmOf(store)
  const out: Record<string, unknown> = {
    type: 'company',
    company_id: c.company_id,
    id: c.id,
    app_id: c.app_id,
    name: c.name,
    remote_created_at: c.remote_created_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
    monthly_spend: c.monthly_spend,
    session_count: c.session_count,
    user_count: crm.members.get(c.id)?.size ?? 0,
    tags: { type: 'tag.list', tags: c.tag_ids.map((id) => crm.tags.get(id)).filter((t) => t !== undefined) },
    segments: { type: 'segment.list', segments: [] },
    plan: c.plan,
    custom_attributes: c.custom_attributes
  }
  if (c.size !== null) out.size = c.size
  if (c.website !== null) out.website = c.website
  if (c.industry !== null) out.industry = c.industry
  return out
}

/** A contact's tag as listTagsForAContact / attachTagToContact answer it. */
export function renderAppliedTag (tag: TagRecord, applied: AppliedTag): Record<string, unknown> {
  return { type: 'tag', id: tag.id, name: tag.name, applied_at: applied.applied_at, applied_by: { type: 'admin', id: applied.admin_id } }
}

/** Replace a contact's nested list (`tags` or `companies`) so GET /contacts/{id} shows the current references. */
export function refreshContactSubList (store: EmulatorStore, contactId: string, what: 'tags' | 'companies'): void {
  const contact = store.contacts.get(contactId)
  if (contact === undefined) return
  const crm = crmOf(store)
  let data: Array<Record<string, unknown>>
  if (what === 'tags') {
    data = [...(crm.contactTags.get(contactId)?.keys() ?? [])].map((id) => ({ type: 'tag', id, url: `/tags/${id}` }))
  } else {
    data = [...crm.members].filter(([, ids]) => ids.has(contactId)).map(([id]) => ({ type: 'company', id, url: `/companies/${id}` }))
  }
  const list: ContactSubList = { type: 'list', data, url: `/contacts/${contactId}/${what}`, total_count: data.length, has_more: false }
  store.contacts.set(contactId, { ...contact, [what]: list })
}

/**
 * One page of a page-numbered Intercom list: `page` (1-based) and `per_page` from the query
 * (strings), `defaultPerPage` otherwise; `per_page` is capped at 150.
 */
export function pageOf<T> (items: T[], query: Record<string, string | string[]>, defaultPerPage: number): {
  type: 'list', data: T[], total_count: number, pages: { type: 'pages', next: null, page: number, per_page: number, total_pages: number }
} {
  const num = (name: string, fallback: number): number => {
    const raw = query[name]
    const v = Number(Array.isArray(raw) ? raw[0] : raw)
    return raw === undefined || !Number.isInteger(v) || v < 1 ? fallback : v
  }
  const perPage = Math.min(num('per_page', defaultPerPage), 150)
  const page = num('page', 1)
  const start = (page - 1) * perPage
  return {
    type: 'list',
    data: items.slice(start, start + perPage),
    total_count: items.length,
    pages: { type: 'pages', next: null, page, per_page: perPage, total_pages: Math.ceil(items.length / perPage) }
  }
}
