/**
 * Contact translations shared by the contact routes: facade input → Intercom contact payload (for
 * the request's Intercom version), the upsert flow (match by external_id, else email; create;
 * survive a concurrent create), and `company_id` (write, then attach).
 */
import createError from '@fastify/error'
import type { CallContext, IntercomClient } from '../upstream/client.js'
import { UpstreamHttpError, UpstreamNetworkError } from '../upstream/errors.js'
import { ipath } from '../upstream/path.js'
import type { IntercomVersion } from '../intercom-spec/versions.js'
import { toUnixSeconds } from '../../schemas/common.js'
import type { Contact, CreateContactBody } from '../../schemas/contacts.js'
import type { Page } from './pagination.js'
import { answerFor, ownerIdFor } from './versions.js'
import { upsertWithKnownId } from './contact-ids.js'

/**
 * Intercom's contact payload for version `v`: the facade body with timestamps as Unix seconds,
 * `owner_id` as the version wants it (src/facade/versions.ts), and without `company_id` (not a
 * contact field in Intercom: `writeContact` attaches the company afterwards).
 */
export function toContactPayload (body: CreateContactBody, v: IntercomVersion): Record<string, unknown> {
  const { company_id: _company, ...out } = body as CreateContactBody & Record<string, unknown>
  if (body.signed_up_at !== undefined) out.signed_up_at = toUnixSeconds(body.signed_up_at)
  if (body.last_seen_at !== undefined) out.last_seen_at = toUnixSeconds(body.last_seen_at)
  if (body.owner_id !== undefined) out.owner_id = ownerIdFor(v, body.owner_id)
  return out
}

const CompanyNotAttachedBase = createError('FACADE_COMPANY_NOT_ATTACHED', '%s', 422)

/** The contact was written but attaching `company_id` failed. 422; the detail says what was done. */
export class CompanyNotAttachedError extends CompanyNotAttachedBase {}

/**
 * After a contact write: attach the contact to `companyId` (Intercom `attachContactToACompany`,
 * POST /contacts/{id}/companies `{ id }`) and answer the contact as Intercom wrote it.
 * @throws CompanyNotAttachedError (422) naming the written contact and the failed attach
 */
export async function attachCompany (client: IntercomClient, ctx: CallContext, contact: Contact, companyId: string, done: 'created' | 'updated'): Promise<Contact> {
  try {
    await client.call(ctx, { operationId: 'attachContactToACompany', method: 'POST', path: ipath`/contacts/${contact.id}/companies`, body: { id: companyId } })
  } catch (err) {
    if (!(err instanceof UpstreamHttpError) && !(err instanceof UpstreamNetworkError)) throw err
    const why = err instanceof UpstreamHttpError ? `Intercom answered ${err.status}${err.errors[0] ? ` ${err.errors[0].code}: ${err.errors[0].message ?? ''}` : ''}` : `no answer from Intercom (${err.kind})`
    throw new CompanyNotAttachedError(`Contact ${contact.id} was ${done}, but attaching it to company ${companyId} failed (attachContactToACompany: ${why}); attach it with POST /contacts/${contact.id}/companies`)
  }
  return contact
}

/**
 * Create (CreateContact) or update (UpdateContact, `id` given) one contact for the request's version
 * `v`; with `company_id`, then attach it (`attachCompany`). Answers the contact in the facade's shape.
 */
export async function writeContact (client: IntercomClient, ctx: CallContext, v: IntercomVersion, body: CreateContactBody, id?: string): Promise<Contact> {
  const r = id === undefined
    ? await client.call<Contact>(ctx, { operationId: 'CreateContact', method: 'POST', path: '/contacts', body: toContactPayload(body, v) })
    : await client.call<Contact>(ctx, { operationId: 'UpdateContact', method: 'PUT', path: ipath`/contacts/${id}`, body: toContactPayload(body, v) })
  const contact = answerFor(v, 'contact', r.data)
  return body.company_id === undefined ? contact : attachCompany(client, ctx, contact, body.company_id, id === undefined ? 'created' : 'updated')
}

/** The id Intercom names in a 409 conflict message: `... already exists with id=<id>`. */
export function idFromConflict (err: UpstreamHttpError): string | undefined {
  for (const e of err.errors) {
    const m = /\bid=([A-Za-z0-9_-]+)/.exec(e.message ?? '')
    if (m) return m[1]
  }
  return undefined
}

/**
 * Find the contact an upsert targets: by external_id through `ShowContactByExternalId` (consistent),
 * else by email through `SearchContacts` (lags behind writes). Answers null when none matched.
 */
export async function findContact (client: IntercomClient, ctx: CallContext, key: { external_id?: string, email?: string }): Promise<Contact | null> {
  if (key.external_id !== undefined) {
    try {
      const r = await client.call<Contact>(ctx, { operationId: 'ShowContactByExternalId', method: 'GET', path: ipath`/contacts/find_by_external_id/${key.external_id}` })
      return r.data
    } catch (err) {
      if (err instanceof UpstreamHttpError && err.status === 404) return null
      throw err
    }
  }
  if (key.email === undefined) return null
  const r = await client.call<Page<Contact>>(ctx, {
    operationId: 'SearchContacts',
    method: 'POST',
    path: '/contacts/search',
    body: { query: { field: 'email', operator: '=', value: key.email }, pagination: { per_page: 5 } }
  })
  const found = r.data.data ?? []
  return found.find((c) => c.role === 'user') ?? found[0] ?? null
}

/**
/**
 * Create or update a contact for version `v`. A contact whose id is known (src/facade/contact-ids.ts)
 * is one UpdateContact; else (or when that answers 404) it calls ShowContactByExternalId or
 * SearchContacts, then UpdateContact or CreateContact (then attachContactToACompany with
 * `company_id`); when CreateContact answers 409 because a concurrent call created the contact
 * first, it updates the contact the conflict names (or matches again).
 * @throws UpstreamHttpError / UpstreamNetworkError from the calls
 */
export async function upsertContact (client: IntercomClient, ctx: CallContext, v: IntercomVersion, body: CreateContactBody): Promise<{ action: 'created' | 'updated', contact: Contact }> {
  return upsertWithKnownId(client, body,
    async (id) => ({ action: 'updated' as const, contact: await writeContact(client, ctx, v, body, id) }),
    async () => upsertByLookup(client, ctx, v, body))
}

/** The upsert without a known id: match, then update or create (settling a concurrent create's 409). */
async function upsertByLookup (client: IntercomClient, ctx: CallContext, v: IntercomVersion, body: CreateContactBody): Promise<{ action: 'created' | 'updated', contact: Contact }> {
  const match = await findContact(client, ctx, body)
  if (match) return { action: 'updated', contact: await writeContact(client, ctx, v, body, match.id) }
  let created: Contact
  try {
    created = answerFor(v, 'contact', (await client.call<Contact>(ctx, { operationId: 'CreateContact', method: 'POST', path: '/contacts', body: toContactPayload(body, v) })).data)
  } catch (err) {
    if (!(err instanceof UpstreamHttpError) || err.status !== 409) throw err
    const id = idFromConflict(err) ?? (await findContact(client, ctx, body))?.id
    if (id === undefined) throw err
    return { action: 'updated', contact: await writeContact(client, ctx, v, body, id) }
  }
  return { action: 'created', contact: body.company_id === undefined ? created : await attachCompany(client, ctx, created, body.company_id, 'created') }
}
