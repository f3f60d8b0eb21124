/**
 * Companies: createOrUpdateCompany (matched by your `company_id`), retrieveCompany (list with page
 * numbers, or lookup by `company_id` / `name`, filter by `tag_id`), RetrieveACompanyById,
 * UpdateCompany (PUT), deleteCompany (detaches its contacts), ListAttachedContacts.
 */
import { parameterInvalid } from '../errors.js'
import { companyNotFound, crmOf, pageOf, refreshContactSubList, renderCompany, requireCompany, type CompanyRecord } from '../crm.js'
import type { EmulatorStore } from '../store.js'
import { bodyObject, queryValue, type HandlerEntry } from './types.js'

/** Apply the writable fields of a create/update body to `c` (400 naming a field of the wrong type). */
function applyCompanyFields (c: CompanyRecord, body: Record<string, unknown>, now: number): void {
  const str = (f: 'name' | 'website' | 'industry'): void => {
    if (body[f] === undefined) return
    if (typeof body[f] !== 'string') throw parameterInvalid(`${f} must be a string`, f)
    c[f] = body[f] as string
  }
  const int = (f: 'size' | 'monthly_spend' | 'remote_created_at'): void => {
    if (body[f] === undefined) return
    if (typeof body[f] !== 'number' || !Number.isInteger(body[f])) throw parameterInvalid(`${f} must be an integer`, f)
    ;(c as unknown as Record<string, number>)[f] = body[f] as number
  }
  str('name'); str('website'); str('industry')
  int('size'); int('monthly_spend'); int('remote_created_at')
  if (typeof body.plan === 'string') c.plan = { type: 'plan', id: body.plan, name: body.plan }
  const ca = body.custom_attributes
  if (ca !== undefined && ca !== null) {
    if (typeof ca !== 'object' || Array.isArray(ca)) throw parameterInvalid('custom_attributes must be an object', 'custom_attributes')
    c.custom_attributes = { ...c.custom_attributes, ...(ca as Record<string, unknown>) }
  }
  c.updated_at = now
}

/** A new company record. */
function newCompany (store: EmulatorStore, companyId: string | null): CompanyRecord {
  const now = store.nowSeconds()
  return {
    type: 'company',
    company_id: companyId,
    id: store.newContactId(),
    app_id: store.workspaceId,
    name: null,
    remote_created_at: null,
    created_at: now,
    updated_at: now,
    monthly_spend: 0,
    session_count: 0,
    size: null,
    website: null,
    industry: null,
    plan: {},
    custom_attributes: {},
    tag_ids: []
  }
}

/** The company handlers, by Intercom operationId. */
export const companyHandlers: HandlerEntry[] = [
  {
    operationId: 'createOrUpdateCompany',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      const crm = crmOf(store)
      const companyId = typeof body.company_id === 'string' && body.company_id !== '' ? body.company_id : null
      if (companyId === null && typeof body.name !== 'string') throw parameterInvalid('company_id or name is required', 'company_id')
      let company = companyId === null ? undefined : [...crm.companies.values()].find((c) => c.company_id === companyId)
      if (company === undefined) {
        company = newCompany(store, companyId)
        applyCompanyFields(company, body, company.created_at)
        crm.companies.set(company.id, company)
      } else {
        applyCompanyFields(company, body, store.nowSeconds())
      }
      return renderCompany(store, company)
    }
  },
  {
    operationId: 'retrieveCompany',
    handler: ({ store, query }) => {
      const companyId = queryValue(query, 'company_id')
      const name = queryValue(query, 'name')
      const tagId = queryValue(query, 'tag_id')
      const segmentId = queryValue(query, 'segment_id')
      let found = [...crmOf(store).companies.values()]
      if (companyId !== undefined) found = found.filter((c) => c.company_id === companyId)
      if (name !== undefined) found = found.filter((c) => c.name === name)
      if (tagId !== undefined) found = found.filter((c) => c.tag_ids.includes(tagId))
      if (segmentId !== undefined) found = [] // the emulator has no segments
      if ((companyId !== undefined || name !== undefined) && found.length === 0) throw companyNotFound()
      found.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1))
      const page = pageOf(found, query, 15)
      return { ...page, data: page.data.map((c) => renderCompany(store, c)) }
    }
  },
  {
    operationId: 'RetrieveACompanyById',
    handler: ({ store, params }) => renderCompany(store, requireCompany(store, params.company_id))
  },
  {
    operationId: 'UpdateCompany',
    handler: ({ store, params, body }) => {
      const company = requireCompany(store, params.company_id)
      applyCompanyFields(company, bodyObject(body), store.nowSeconds())
      return renderCompany(store, company)
    }
  },
  {
    operationId: 'deleteCompany',
    handler: ({ store, params }) => {
      const company = requireCompany(store, params.company_id)
      const crm = crmOf(store)
      const members = [...(crm.members.get(company.id) ?? [])]
      crm.companies.delete(company.id)
      crm.members.delete(company.id)
      for (const id of members) refreshContactSubList(store, id, 'companies')
      return { id: company.id, object: 'company', deleted: true }
    }
  },
  {
    operationId: 'ListAttachedContacts',
    handler: ({ store, params, query }) => {
      const company = requireCompany(store, params.company_id)
      const contacts = [...(crmOf(store).members.get(company.id) ?? [])]
        .map((id) => store.contacts.get(id)).filter((c) => c !== undefined)
      return pageOf(contacts, query, 50)
    }
  }
]
