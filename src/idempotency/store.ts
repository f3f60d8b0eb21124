/**
 * The Idempotency-Key store: what is kept per key, and the store interface with its in-process
 * implementation (a bounded LRU, lru-cache). The Redis one is redis-store.ts.
 *
 * A key holds one record, serialised as one JSON string (so a compare-and-swap compares strings):
 * - `in_flight`: a request with this key is running (its claim, with a random `token`, expires after
 *   the request's deadline plus a margin, so a crashed replica cannot hold a key for ever);
 * - `done`: its final answer (status, body as base64, the headers a caller needs);
 * - `doubt`: its answer said the outcome is unknown (502/504 "may have been applied"); a retry
 *   reconciles (src/idempotency/reconcile.ts) instead of replaying it as final.
 * Every record carries `fp`, the request's fingerprint (fingerprint.ts).
 */
import { LRUCache } from 'lru-cache'

/** The answer kept for replays. `body` is base64; null when it was larger than the cap (`omittedBytes`). */
export interface StoredAnswer {
  status: number
  /** content-type, x-request-id (of the first run), retry-after: those the first answer had. */
  headers: Record<string, string>
  body: string | null
  omittedBytes?: number
}

/** One key's record. */
export interface IdempotencyRecord {
  state: 'in_flight' | 'done' | 'doubt'
  fp: string
  /** Random per claim, so a claim is only ever replaced by its owner. */
  token?: string
  answer?: StoredAnswer
}

/** Serialise a record (the exact string is what compare-and-swap compares). */
export function encodeRecord (record: IdempotencyRecord): string {
  return JSON.stringify(record)
}

/** Parse a stored record. */
export function decodeRecord (value: string): IdempotencyRecord {
  return JSON.parse(value) as IdempotencyRecord
}

/** Raised by a store that cannot answer (Redis unreachable); the plugin answers 503. */
export class IdempotencyStoreUnavailableError extends Error {
  override name = 'IdempotencyStoreUnavailableError'
}

/**
 * Where records live. Keys are already scoped to the caller (plugin). Values are encoded records.
 * @throws IdempotencyStoreUnavailableError from any method when the store cannot be reached
 */
export interface IdempotencyStore {
  readonly mode: 'redis' | 'local'
  /** Set `key` to `value` for `ttlMs` if it holds nothing (SET NX PX). Answers null when claimed, else what the key holds. */
  claim (key: string, value: string, ttlMs: number): Promise<string | null>
  /** If `key` holds exactly `expected`, replace it by `next` (for `ttlMs`), or delete it when `next` is null. Answers whether it did. */
  swap (key: string, expected: string, next: string | null, ttlMs: number): Promise<boolean>
  close (): Promise<void>
}

/** Options of the in-process store: its size bound in bytes (values are counted by length). */
export interface LocalStoreOptions { maxBytes: number }

/**
 * The in-process store: an LRU bounded by the total length of its values, each with its own TTL.
 * Not shared between replicas; when full, the least recently used records go first (a dropped
 * `in_flight` claim could let a concurrent retry run: size the bound for the traffic, or use Redis).
 */
export class LocalIdempotencyStore implements IdempotencyStore {
  readonly mode = 'local' as const
  private readonly cache: LRUCache<string, string>

  constructor (opts: LocalStoreOptions) {
    this.cache = new LRUCache<string, string>({ maxSize: opts.maxBytes, sizeCalculation: (v, k) => v.length + k.length, ttlAutopurge: false })
  }

  async claim (key: string, value: string, ttlMs: number): Promise<string | null> {
    const held = this.cache.get(key)
    if (held !== undefined) return held
    this.cache.set(key, value, { ttl: ttlMs })
    return null
  }

  async swap (key: string, expected: string, next: string | null, ttlMs: number): Promise<boolean> {
    if (this.cache.get(key) !== expected) return false
    if (next === null) this.cache.delete(key)
    else this.cache.set(key, next, { ttl: ttlMs })
    return true
  }

  async close (): Promise<void> {
    this.cache.clear()
  }
}
