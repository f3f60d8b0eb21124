/**
 * Known contact ids, so that an upsert of a contact seen before costs one Intercom call
 * (`UpdateContact`, PUT /contacts/{id}) instead of two (a find, then the update).
 *
 * The mapping `external_id → contact id`, and `email → contact id` for users (role `user`; Intercom
 * keeps one user per email), is learned from every facade answer that carries a contact (create,
 * get, get by external_id, update, upsert) and dropped when a contact is deleted or an update by a
 * known id answers 404 (deleted, merged). It lives in Redis when REDIS_URL is set (shared by the
 * replicas, keys `<prefix>contact-id:<hash>` with CONTACT_ID_CACHE_TTL_MS), else in a bounded
 * in-process LRU (CONTACT_ID_CACHE_MAX_ENTRIES). Keys are hashes: no email or external_id is
 * written to Redis in clear. A mapping that cannot be read (Redis away) is a miss: the upsert
 * takes today's two-call flow; nothing fails because of the mapping.
 *
 * Within one process, upserts of the same contact run one after the other (`exclusive`), so the
 * second of two concurrent upserts of a new contact finds the id the first learned. Across
 * replicas a concurrent create is settled as before: Intercom's 409 names the contact to update.
 *
 * The default export is the Fastify plugin that builds the mapping, attaches it to the app's
 * Intercom client (`contactIdsOf(fastify.intercom)`) and learns from the contact routes' answers.
 */
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import type { RouteOptions, onSendHookHandler } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { Redis } from 'ioredis'
import type { AppConfig } from '../config.js'
import type { IntercomClient } from '../upstream/client.js'
import { UpstreamHttpError } from '../upstream/errors.js'

/** What identifies a contact for an upsert: external_id if given, else email. */
export interface ContactKey { external_id?: string, email?: string }
/** The fields of a contact answer that are learned. */
export interface ContactFacts { id?: unknown, external_id?: unknown, email?: unknown, role?: unknown, type?: unknown }

/** Where mappings live (keys are already hashed). */
interface MappingStore {
  get (key: string): Promise<string | undefined>
  set (key: string, id: string): Promise<void>
  delete (key: string): Promise<void>
  close (): Promise<void>
}

class LocalMappings implements MappingStore {
  private readonly cache: LRUCache<string, string>
  constructor (maxEntries: number, ttlMs: number) {
    this.cache = new LRUCache<string, string>({ max: maxEntries, ttl: ttlMs })
  }

  async get (key: string): Promise<string | undefined> { return this.cache.get(key) }
  async set (key: string, id: string): Promise<void> { this.cache.set(key, id) }
  async delete (key: string): Promise<void> { this.cache.delete(key) }
  async close (): Promise<void> { this.cache.clear() }
}

class RedisMappings implements MappingStore {
  constructor (private readonly redis: Redis, private readonly ttlMs: number) {}
  async get (key: string): Promise<string | undefined> { return (await this.redis.get(`contact-id:${key}`)) ?? undefined }
  async set (key: string, id: string): Promise<void> { await this.redis.set(`contact-id:${key}`, id, 'PX', this.ttlMs) }
  async delete (key: string): Promise<void> { await this.redis.del(`contact-id:${key}`) }
  async close (): Promise<void> { this.redis.disconnect() }
}

function hashed (kind: 'e' | 'm', value: string): string {
  return `${kind}:${createHash('sha256').update(value, 'utf8').digest('base64url').slice(0, 32)}`
}

/** The mapping, with the per-contact ordering of upserts in this process. */
export class ContactIds {
  private readonly running = new Map<string, Promise<unknown>>()

  constructor (private readonly store: MappingStore, private readonly log?: { warn: (obj: object, msg: string) => void }) {}

  /** The mapping key an upsert body is matched by (the same precedence as findContact). */
  static keyOf (body: ContactKey): string | undefined {
    if (body.external_id !== undefined) return hashed('e', body.external_id)
    if (body.email !== undefined) return hashed('m', body.email)
    return undefined
  }

  /** The known contact id for an upsert body; undefined when none is known or the store failed. */
  async idFor (body: ContactKey): Promise<string | undefined> {
    const key = ContactIds.keyOf(body)
    if (key === undefined) return undefined
    try {
      return await this.store.get(key)
    } catch (err) {
      this.log?.warn({ err: { message: (err as Error).message } }, 'contact id mapping unavailable')
      return undefined
    }
  }

  /** Learn the mappings a contact answer carries (never throws). */
  async learn (contact: ContactFacts | null | undefined): Promise<void> {
    if (contact === null || contact === undefined || typeof contact.id !== 'string') return
    const writes: Array<Promise<void>> = []
    if (typeof contact.external_id === 'string' && contact.external_id !== '') writes.push(this.store.set(hashed('e', contact.external_id), contact.id))
    if (contact.role === 'user' && typeof contact.email === 'string' && contact.email !== '') writes.push(this.store.set(hashed('m', contact.email), contact.id))
    await Promise.all(writes).catch(() => {})
  }

  /** Drop the mapping of an upsert body, or of a deleted contact (never throws). */
  async forget (body: ContactKey): Promise<void> {
    const keys = [body.external_id !== undefined ? hashed('e', body.external_id) : undefined, body.email !== undefined ? hashed('m', body.email) : undefined]
    await Promise.all(keys.filter((k): k is string => k !== undefined).map(async (k) => this.store.delete(k))).catch(() => {})
  }

  /** Run `fn` after every earlier call for the same contact key in this process has finished. */
  async exclusive<T> (body: ContactKey, fn: () => Promise<T>): Promise<T> {
    const key = ContactIds.keyOf(body)
    if (key === undefined) return fn()
    const before = this.running.get(key)
    const run = (before === undefined ? fn() : before.then(fn, fn))
    const settled = run.then(() => {}, () => {})
    this.running.set(key, settled)
    void settled.then(() => { if (this.running.get(key) === settled) this.running.delete(key) })
    return run
  }

  async close (): Promise<void> {
    await this.store.close()
  }
}

const attached = new WeakMap<IntercomClient, ContactIds>()

/** The mapping attached to a client (by this module's plugin), if any. */
export function contactIdsOf (client: IntercomClient): ContactIds | undefined {
  return attached.get(client)
}

/**
 * An upsert through the mapping: with a known id, one `update(id)` (UpdateContact); a 404 drops the
 * mapping and falls back to `lookup()` (today's find-then-write flow). Whatever answers is learned.
 * Without a mapping attached to `client`, just `lookup()`.
 * @throws what `update` (other than a 404) or `lookup` throw
 */
export async function upsertWithKnownId<R extends { contact: ContactFacts }> (client: IntercomClient, body: ContactKey, update: (id: string) => Promise<R>, lookup: () => Promise<R>): Promise<R> {
  const ids = contactIdsOf(client)
  if (ids === undefined) return lookup()
  return ids.exclusive(body, async () => {
    const known = await ids.idFor(body)
    if (known !== undefined) {
      try {
        const result = await update(known)
        await ids.learn(result.contact)
        return result
      } catch (err) {
        if (!(err instanceof UpstreamHttpError && err.status === 404)) throw err
        await ids.forget(body)
      }
    }
    const result = await lookup()
    await ids.learn(result.contact)
    return result
  })
}

/** Facade routes whose 200 answer is one contact (learned) or a deleted contact (forgotten). */
const LEARN_FROM = new Set(['POST /contacts', 'PATCH /contacts/:id', 'GET /contacts/by-external-id/:external_id'])
const FORGET_FROM = new Set(['DELETE /contacts/:id'])
/** Answers larger than this are not parsed for learning. */
const MAX_PARSED_BYTES = 64 * 1024

function parsed (payload: unknown): ContactFacts | undefined {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined
  if (text === undefined || text.length > MAX_PARSED_BYTES) return undefined
  try {
    const value = JSON.parse(text) as ContactFacts
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

export default fp<{ config: AppConfig }>(async function contactIdsPlugin (fastify, { config }) {
  const { ttlMs, maxEntries } = config.contactIds
  if (ttlMs === 0) return
  let store: MappingStore
  if (config.policy.redis.url !== undefined) {
    const { fastFailRedis } = await import('../idempotency/redis-store.js')
    store = new RedisMappings(fastFailRedis({ url: config.policy.redis.url, keyPrefix: config.policy.redis.keyPrefix }), ttlMs)
  } else {
    store = new LocalMappings(maxEntries, ttlMs)
  }
  const ids = new ContactIds(store, fastify.log)
  attached.set(fastify.intercom, ids)
  fastify.addHook('onClose', async () => { await ids.close() })

  const learn: onSendHookHandler = function (_request, reply, payload, done) {
    if (reply.statusCode === 200) {
      const contact = parsed(payload)
      if (contact?.type === 'contact') void ids.learn(contact)
    }
    done(null, payload)
  }
  const forget: onSendHookHandler = function (_request, reply, payload, done) {
    const deleted = reply.statusCode === 200 ? parsed(payload) : undefined
    if (typeof deleted?.external_id === 'string') void ids.forget({ external_id: deleted.external_id })
    done(null, payload)
  }
  fastify.addHook('onRoute', function (route: RouteOptions) {
    if (Array.isArray(route.method)) return
    const pattern = `${route.method} ${route.url}`
    const hook = LEARN_FROM.has(pattern) ? learn : FORGET_FROM.has(pattern) ? forget : undefined
    if (hook === undefined) return
    route.onSend = [...(route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend]), hook]
  })
}, { name: 'contact-ids', dependencies: ['upstream'] })
