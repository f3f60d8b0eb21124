/**
 * The durable webhook store in Redis (ioredis), shared by every replica. Keys, under
 * `<REDIS_KEY_PREFIX>webhooks:`:
 * - `events:<app_id>`: a Redis Stream per workspace; one entry per accepted notification (fields
 *   t topic, n notification id, r received-at ms, b raw body, and p the intake's W3C traceparent
 *   when tracing is on), trimmed on each XADD with
 *   `MINID ~ <now - retention>`;
 * - `seen:<notification id>`: the dedupe mark (SET NX PX dedupe TTL), written in the same Lua script
 *   as the XADD, so a notification is stored exactly once whichever replica Intercom reaches;
 * - `streams`: the set of workspace streams;
 * - one consumer group per subscriber on every stream (group name = subscriber name), consumers are
 *   replicas: a replica reads with XREADGROUP, acknowledges with XACK once delivered or
 *   dead-lettered, and a replica that takes a subscriber over claims what another replica read and
 *   did not acknowledge (XAUTOCLAIM);
 * - `lease:<subscriber>`: which replica delivers for a subscriber now (SET PX, renewed), so each
 *   subscriber gets its notifications in order from one replica at a time;
 * - `deliveries` (hash: delivery id → JSON record) and `retry:<subscriber>` (list of delivery ids
 *   an operator queued again).
 *
 * Reads that block (XREADGROUP BLOCK) run on one extra connection per subscriber; the shared
 * connection auto-pipelines (ioredis `enableAutoPipelining`: commands of one tick, one write). Intake commands
 * time out after `commandTimeoutMs` (the intake then answers 503 and Intercom retries).
 * For "nothing accepted is lost" across a Redis crash, Redis needs `appendonly yes` with
 * `appendfsync always` (everysec can lose the last second).
 */
import type { Redis } from 'ioredis'
import { openRedis } from '../redis.js'
import { compareCursors, type AppendInput, type DeliveryRecord, type EventPage, type LeaseResult, type StoredEvent, type WebhookStore } from './store.js'

// One round trip per intake: dedupe mark, entry and (first entry of a workspace) the groups, atomically.
// KEYS: seen key, stream key, streams set. ARGV: dedupe ttl, minid, topic, notification id, received ms, body, traceparent ('' for none), groups...
const APPEND = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return false end
local id
if ARGV[7] == '' then
  id = redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 't', ARGV[3], 'n', ARGV[4], 'r', ARGV[5], 'b', ARGV[6])
else
  id = redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 't', ARGV[3], 'n', ARGV[4], 'r', ARGV[5], 'b', ARGV[6], 'p', ARGV[7])
end
if redis.call('SADD', KEYS[3], KEYS[2]) == 1 then
  for i = 8, #ARGV do redis.pcall('XGROUP', 'CREATE', KEYS[2], ARGV[i], '0') end
end
return id
`

// KEYS: lease key. ARGV: owner, ms. Answers 1 acquired, 2 renewed, 0 held by another.
const LEASE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 2 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
`

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

/** How many entries one list() call scans at most before answering a (possibly short) page with a cursor. */
const MAX_SCAN = 10_000

type Entry = [id: string, fields: string[] | null]
type StreamReply = Array<[key: string, entries: Entry[]]> | null

interface WebhookRedis extends Redis {
  webhookAppend (seen: string, stream: string, streams: string, ...argv: Array<string | number>): Promise<string | null>
  webhookLease (key: string, owner: string, ms: number): Promise<number>
  webhookRelease (key: string, owner: string): Promise<number>
}

/** Options: Redis URL and key prefix (REDIS_URL, REDIS_KEY_PREFIX), dedupe TTL and retention in ms. */
export interface RedisStoreOptions {
  url: string
  keyPrefix: string
  dedupeTtlMs: number
  retentionMs: number
  /** Subscriber names: their groups are created on a workspace's stream with its first entry. */
  subscribers: string[]
  commandTimeoutMs?: number
  now?: () => number
}

export class RedisWebhookStore implements WebhookStore {
  readonly kind = 'redis' as const
  readonly durable = true
  readonly redis: WebhookRedis
  private readonly blockers = new Map<string, Redis>()
  private readonly p: string
  private readonly now: () => number
  private closed = false
  /** Subscribers whose own unacknowledged reads are known to be none (reset by claim). */
  private readonly noOwnPending = new Set<string>()
  private keysCache: { keys: string[], at: number } | undefined

  constructor (private readonly opts: RedisStoreOptions) {
    this.p = `${opts.keyPrefix}webhooks:`
    this.now = opts.now ?? Date.now
    // Commands issued in the same tick (concurrent intakes, the loops' XACKs) go out in one write.
    const redis = openRedis(opts.url, { commandTimeoutMs: opts.commandTimeoutMs, autoPipelining: true })
    redis.defineCommand('webhookAppend', { numberOfKeys: 3, lua: APPEND })
    redis.defineCommand('webhookLease', { numberOfKeys: 1, lua: LEASE })
    redis.defineCommand('webhookRelease', { numberOfKeys: 1, lua: RELEASE })
    this.redis = redis as WebhookRedis
  }

  private streamKey (workspace: string): string { return `${this.p}events:${workspace}` }
  private workspaceOf (key: string): string { return key.slice(`${this.p}events:`.length) }

  private parse (key: string, [cursor, fields]: Entry): StoredEvent | undefined {
    if (fields === null) return undefined
    const f: Record<string, string> = {}
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1]
    const event: StoredEvent = { cursor, workspace: this.workspaceOf(key), topic: f.t, notificationId: f.n, receivedAt: Number(f.r), body: f.b }
    if (f.p !== undefined) event.traceparent = f.p
    return event
  }

  async append (event: AppendInput): Promise<{ duplicate: boolean, cursor: string | null }> {
    const minId = Math.max(0, this.now() - this.opts.retentionMs)
    const cursor = await this.redis.webhookAppend(`${this.p}seen:${event.notificationId}`, this.streamKey(event.workspace), `${this.p}streams`,
      this.opts.dedupeTtlMs, minId, event.topic, event.notificationId, event.receivedAt, event.body, event.traceparent ?? '', ...this.opts.subscribers)
    return cursor === null ? { duplicate: true, cursor: null } : { duplicate: false, cursor }
  }

  private async streamKeys (maxAgeMs = 0): Promise<string[]> {
    if (this.keysCache !== undefined && maxAgeMs > 0 && Date.now() - this.keysCache.at < maxAgeMs) return this.keysCache.keys
    const keys = (await this.redis.smembers(`${this.p}streams`)).sort()
    this.keysCache = { keys, at: Date.now() }
    return keys
  }

  async list (query: { after?: string, limit: number, match?: (topic: string) => boolean }): Promise<EventPage> {
    const keys = await this.streamKeys()
    const batch = Math.min(1_000, Math.max(query.limit + 1, 100))
    const heads = keys.map((key) => ({ key, from: query.after !== undefined ? `(${query.after}` : '-', buf: [] as StoredEvent[], done: false }))
    const data: StoredEvent[] = []
    let scanned = 0
    let last: string | null = null
    while (data.length <= query.limit) {
      await Promise.all(heads.map(async (h) => {
        if (h.done || h.buf.length > 0) return
        const entries = await this.redis.xrange(h.key, h.from, '+', 'COUNT', batch) as Entry[]
        if (entries.length < batch) h.done = true
        if (entries.length > 0) h.from = `(${entries[entries.length - 1][0]}`
        for (const e of entries) { const ev = this.parse(h.key, e); if (ev !== undefined) h.buf.push(ev) }
      }))
      let best: typeof heads[number] | undefined
      for (const h of heads) if (h.buf.length > 0 && (best === undefined || compareCursors(h.buf[0].cursor, best.buf[0].cursor) < 0)) best = h
      if (best === undefined) break
      const ev = best.buf.shift() as StoredEvent
      last = ev.cursor
      if (query.match === undefined || query.match(ev.topic)) data.push(ev)
      if (++scanned >= MAX_SCAN && data.length <= query.limit) return { data, total: null, next: last }
    }
    let total: number | null = null
    if (query.match === undefined) total = (await Promise.all(keys.map((k) => this.redis.xlen(k)))).reduce((a, b) => a + b, 0)
    if (data.length > query.limit) {
      data.length = query.limit
      return { data, total, next: data[data.length - 1].cursor }
    }
    return { data, total, next: null }
  }

  async get (workspace: string, cursor: string): Promise<StoredEvent | undefined> {
    const key = this.streamKey(workspace)
    const entries = await this.redis.xrange(key, cursor, cursor) as Entry[]
    return entries.length === 0 ? undefined : this.parse(key, entries[0])
  }

  async ensureSubscribers (names: string[]): Promise<void> {
    for (const key of await this.streamKeys()) {
      for (const name of names) {
        try {
          await this.redis.xgroup('CREATE', key, name, '$')
        } catch (err) {
          if (!String((err as Error).message).includes('BUSYGROUP')) throw err
        }
      }
    }
  }

  async lease (subscriber: string, owner: string, ms: number): Promise<LeaseResult> {
    const r = await this.redis.webhookLease(`${this.p}lease:${subscriber}`, owner, ms)
    return r === 1 ? 'acquired' : r === 2 ? 'renewed' : 'lost'
  }

  async releaseLease (subscriber: string, owner: string): Promise<void> {
    await this.redis.webhookRelease(`${this.p}lease:${subscriber}`, owner)
  }

  async claim (subscriber: string, owner: string): Promise<void> {
    this.noOwnPending.delete(subscriber)
    for (const key of await this.streamKeys()) {
      let start = '0-0'
      do {
        try {
          const [next] = await this.redis.xautoclaim(key, subscriber, owner, 0, start, 'COUNT', 100, 'JUSTID') as [string, unknown]
          start = next
        } catch (err) {
          if (String((err as Error).message).includes('NOGROUP')) break
          throw err
        }
      } while (start !== '0-0')
    }
  }

  private blocker (subscriber: string, blockMs: number): Redis {
    let r = this.blockers.get(subscriber)
    if (r === undefined) {
      r = openRedis(this.opts.url, { commandTimeoutMs: blockMs + 5_000 })
      this.blockers.set(subscriber, r)
    }
    return r
  }

  private events (reply: StreamReply): { events: StoredEvent[], gone: Array<{ key: string, id: string }> } {
    const events: StoredEvent[] = []
    const gone: Array<{ key: string, id: string }> = []
    for (const [key, entries] of reply ?? []) {
      for (const e of entries) {
        const ev = this.parse(key, e)
        if (ev === undefined) gone.push({ key, id: e[0] })
        else events.push(ev)
      }
    }
    events.sort((a, b) => compareCursors(a.cursor, b.cursor))
    return { events, gone }
  }

  async read (subscriber: string, owner: string, count: number, blockMs: number): Promise<StoredEvent[]> {
    // A new workspace's stream is seen within a second.
    const keys = await this.streamKeys(1_000)
    if (keys.length === 0) {
      this.keysCache = undefined
      await new Promise((resolve) => setTimeout(resolve, Math.min(blockMs, 100)))
      return []
    }
    try {
      if (!this.noOwnPending.has(subscriber)) {
        const own = this.events(await this.redis.xreadgroup('GROUP', subscriber, owner, 'COUNT', count, 'STREAMS', ...keys, ...keys.map(() => '0')) as StreamReply)
        // Entries trimmed away while unacknowledged: nothing left to deliver.
        for (const g of own.gone) await this.redis.xack(g.key, subscriber, g.id)
        if (own.events.length > 0) return own.events
        this.noOwnPending.add(subscriber)
      }
      if (this.closed) return []
      const fresh = await this.blocker(subscriber, blockMs).xreadgroup('GROUP', subscriber, owner, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', ...keys, ...keys.map(() => '>')) as StreamReply
      return this.events(fresh).events
    } catch (err) {
      if (String((err as Error).message).includes('NOGROUP')) {
        await this.ensureSubscribers([subscriber])
        return []
      }
      throw err
    }
  }

  async ack (subscriber: string, events: StoredEvent[]): Promise<void> {
    const byStream = new Map<string, string[]>()
    for (const e of events) {
      const key = this.streamKey(e.workspace)
      byStream.set(key, [...(byStream.get(key) ?? []), e.cursor])
    }
    await Promise.all([...byStream].map(([key, ids]) => this.redis.xack(key, subscriber, ...ids)))
  }

  async putDelivery (record: DeliveryRecord): Promise<void> {
    await this.redis.hset(`${this.p}deliveries`, record.id, JSON.stringify(record))
  }

  async getDelivery (id: string): Promise<DeliveryRecord | undefined> {
    const text = await this.redis.hget(`${this.p}deliveries`, id)
    return text === null ? undefined : JSON.parse(text) as DeliveryRecord
  }

  async listDeliveries (): Promise<DeliveryRecord[]> {
    const all = await this.redis.hvals(`${this.p}deliveries`)
    return all.map((t) => JSON.parse(t) as DeliveryRecord).sort((a, b) => b.updatedAt - a.updatedAt)
  }

  async queueRetry (subscriber: string, id: string): Promise<void> {
    await this.redis.rpush(`${this.p}retry:${subscriber}`, id)
  }

  async takeRetry (subscriber: string): Promise<string | undefined> {
    return (await this.redis.lpop(`${this.p}retry:${subscriber}`)) ?? undefined
  }

  async close (): Promise<void> {
    this.closed = true
    for (const b of this.blockers.values()) b.disconnect()
    this.blockers.clear()
    await this.redis.quit().catch(() => { this.redis.disconnect() })
  }
}
