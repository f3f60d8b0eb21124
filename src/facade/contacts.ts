/**
 * Contact translations shared by the contact routes: facade input → Intercom contact payload, and
 * the upsert flow (match by external_id, else email; create; survive a concurrent create).
 */
import type { CallContext, IntercomClient } from '../upstream/client.js'
import { UpstreamHttpError } from '../upstream/errors.js'
import { ipath } from '../upstream/path.js'
import { toUnixSeconds } from '../../schemas/common.js'
import type { Contact, CreateContactBody } from '../../schemas/contacts.js'
import type { Page } from './pagination.js'
import { upsertWithKnownId } from './contact-ids.js'

/** Intercom's contact payload: the facade body with timestamps as Unix seconds. */
export function toContactPayload (body: CreateContactBody): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body }
  if (body.signed_up_at !== undefined) out.signed_up_at = toUnixSeconds(body.signed_up_at)
  if (body.last_seen_at !== undefined) out.last_seen_at = toUnixSeconds(body.last_seen_at)
  return out
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
 * Create or update a contact. A contact whose id is known (src/facade/contact-ids.ts) is one
 * UpdateContact; else (or when that answers 404) it calls ShowContactByExternalId or SearchContacts,
 * then UpdateContact or CreateContact; when CreateContact answers 409 because a concurrent call
 * created the contact first, it updates the contact the conflict names (or matches again).
 * @throws UpstreamHttpError / UpstreamNetworkError from the calls
 */
export async function upsertContact (client: IntercomClient, ctx: CallContext, body: CreateContactBody): Promise<{ action: 'created' | 'updated', contact: Contact }> {
  const payload = toContactPayload(body)
  const update = async (id: string) => (await client.call<Contact>(ctx, { operationId: 'UpdateContact', method: 'PUT', path: ipath`/contacts/${id}`, body: payload })).data
  return upsertWithKnownId(client, body, async (id) => ({ action: 'updated' as const, contact: await update(id) }), async () => upsertByLookup(client, ctx, body, payload, update))
}

/** The upsert without a known id: match, then update or create (settling a concurrent create's 409). */
async function upsertByLookup (client: IntercomClient, ctx: CallContext, body: CreateContactBody, payload: Record<string, unknown>, update: (id: string) => Promise<Contact>): Promise<{ action: 'created' | 'updated', contact: Contact }> {
  const match = await findContact(client, ctx, body)
  if (match) return { action: 'updated', contact: await update(match.id) }
  try {
    const created = await client.call<Contact>(ctx, { operationId: 'CreateContact', method: 'POST', path: '/contacts', body: payload })
    return { action: 'created', contact: created.data }
  } catch (err) {
    if (!(err instanceof UpstreamHttpError) || err.status !== 409) throw err
    const id = idFromConflict(err) ?? (await findContact(client, ctx, body))?.id
    if (id === undefined) throw err
    return { action: 'updated', contact: await update(id) }
  }
}
