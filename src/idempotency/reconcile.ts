/**
 * Reconciliation: what a retry does when the first run with its key ended in doubt (the write may
 * or may not have been applied). Declared per route, not decided in code paths: a route may carry
 * `config.idempotency.reconcile`, else this table (keyed `METHOD /route/pattern`) gives it one.
 *
 * - `{ rerun: true }`: the route's own flow looks before it writes (an upsert matches again), so
 *   the handler simply runs again.
 * - `{ naturalKey, find }`: the body's natural key (`naturalKey(body)`), looked up with `find`
 *   (Intercom reads only). The object found is the answer (200, stored as final); none found: the
 *   write is sent once more. A body without the key cannot be reconciled: the doubt is answered again.
 * - no entry (a reply, a note, a message, the passthrough, the catalog): the stored doubt is
 *   answered again (`Idempotent-Replayed: true`); the caller must check before writing again.
 */
import type { CallContext, IntercomClient } from '../upstream/client.js'
import { UpstreamHttpError } from '../upstream/errors.js'
import { ipath } from '../upstream/path.js'

/** How a route reconciles a doubt. */
export type ReconcileSpec =
  | { rerun: true }
  | {
    /** The natural key in the (validated) body, or undefined when it has none. */
    naturalKey: (body: unknown) => string | undefined
    /** The object the write would have answered, or null when there is none. Reads only. */
    find: (client: IntercomClient, ctx: CallContext, key: string) => Promise<unknown>
  }

function field (name: string): (body: unknown) => string | undefined {
  return (body) => {
    const v = (body as Record<string, unknown> | undefined)?.[name]
    return typeof v === 'string' && v !== '' ? v : undefined
  }
}

/** A read that answers null for Intercom's 404. */
async function orNull<T> (read: () => Promise<T>): Promise<T | null> {
  try {
    return await read()
  } catch (err) {
    if (err instanceof UpstreamHttpError && err.status === 404) return null
    throw err
  }
}

/** The routes that reconcile, by `METHOD pattern`. README "Idempotency" lists the same. */
export const RECONCILE: Readonly<Record<string, ReconcileSpec>> = {
  // upsertContact matches by external_id, else email, before it writes.
  'POST /contacts/upsert': { rerun: true },
  // A contact by external_id: ShowContactByExternalId is consistent (search is not).
  'POST /contacts': {
    naturalKey: field('external_id'),
    find: async (client, ctx, externalId) => orNull(async () => (await client.call(ctx, { operationId: 'ShowContactByExternalId', method: 'GET', path: ipath`/contacts/find_by_external_id/${externalId}` })).data)
  },
  // A company by company_id: retrieveCompany with company_id answers a list of that one company (or 404).
  'POST /companies': {
    naturalKey: field('company_id'),
    find: async (client, ctx, companyId) => {
      const found = await orNull(async () => (await client.call<{ type?: string, data?: unknown[] }>(ctx, { operationId: 'retrieveCompany', method: 'GET', path: '/companies', query: { company_id: companyId } })).data)
      if (found === null) return null
      return found.type === 'list' ? (found.data?.[0] ?? null) : found
    }
  },
  // A tag by name (case-insensitive, as Intercom compares): listTags answers every tag.
  'POST /tags': {
    naturalKey: field('name'),
    find: async (client, ctx, name) => {
      const r = await client.call<{ data?: Array<{ name?: string }> }>(ctx, { operationId: 'listTags', method: 'GET', path: '/tags' })
      return (r.data?.data ?? []).find((t) => t.name?.toLowerCase() === name.toLowerCase()) ?? null
    }
  }
}
