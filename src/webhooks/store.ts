/**
 * The webhook store: what the intake writes and the delivery loops read. Two implementations with
 * one contract: `RedisWebhookStore` (redis-store.ts: a Redis Stream per workspace, one consumer
 * group per subscriber, durable and shared by replicas) and `MemoryWebhookStore` (below: an
 * in-process log, for a single process without REDIS_URL; NOT durable, lost on restart).
 *
 * Cursors are stream entry ids (`<ms>-<seq>`), in both stores, so they compare the same way.
 * Times are epoch milliseconds.
 */
import type { DeliveryStatus } from '../../schemas/webhooks.js'

/**
 * One stored notification. `body` is the raw JSON text exactly as Intercom sent it; `traceparent`
 * the W3C trace context of the intake's span, kept only when tracing is on (delivery spans link to it).
 */
export interface StoredEvent {
  cursor: string
  workspace: string
  topic: string
  notificationId: string
  receivedAt: number
  body: string
  traceparent?: string
}

/** What the intake appends. */
export type AppendInput = Omit<StoredEvent, 'cursor'>

/** A delivery that needed more than one attempt (kept for operators). `id` is `<subscriber>~<notification id>`. */
export interface DeliveryRecord {
  id: string
  subscriber: string
  notificationId: string
  topic: string
  workspace: string
  cursor: string
  status: DeliveryStatus
  attempts: number
  lastError: string | null
  receivedAt: number
  updatedAt: number
}

/** The delivery id of a notification for a subscriber. */
export function deliveryId (subscriber: string, notificationId: string): string {
  return `${subscriber}~${notificationId}`
}

/** A page of stored events. `total` is null when it would cost a scan (a topic filter on Redis). */
export interface EventPage { data: StoredEvent[], total: number | null, next: string | null }

/** Outcome of asking for a subscriber's delivery lease. */
export type LeaseResult = 'acquired' | 'renewed' | 'lost'

/** The store contract (see the file header). Every method may reject when the backend is unreachable. */
export interface WebhookStore {
  readonly kind: 'redis' | 'memory'
  /** True when accepted notifications survive a restart of the service. */
  readonly durable: boolean
  /** Store a notification unless its id was stored within the dedupe TTL (then `duplicate`, nothing stored). */
  append (event: AppendInput): Promise<{ duplicate: boolean, cursor: string | null }>
  /** Events stored after `after` (oldest first), at most `limit`, those whose topic `match` accepts. */
  list (query: { after?: string, limit: number, match?: (topic: string) => boolean }): Promise<EventPage>
  /** One stored event by workspace and cursor (undefined once trimmed). */
  get (workspace: string, cursor: string): Promise<StoredEvent | undefined>
  /** Make sure every subscriber has its consumer position (new ones start at the end). */
  ensureSubscribers (names: string[]): Promise<void>
  /** Take or renew a subscriber's delivery lease for `ms`; 'lost' when another owner holds it. */
  lease (subscriber: string, owner: string, ms: number): Promise<LeaseResult>
  releaseLease (subscriber: string, owner: string): Promise<void>
  /** After acquiring the lease: take over the events other owners read and did not acknowledge. */
  claim (subscriber: string, owner: string): Promise<void>
  /** The owner's unacknowledged events first, else new ones, waiting up to `blockMs` for one; oldest first. */
  read (subscriber: string, owner: string, count: number, blockMs: number): Promise<StoredEvent[]>
  /** Done with these events for a subscriber (delivered, dead-lettered or not matching); one round trip. */
  ack (subscriber: string, events: StoredEvent[]): Promise<void>
  putDelivery (record: DeliveryRecord): Promise<void>
  getDelivery (id: string): Promise<DeliveryRecord | undefined>
  /** Delivery records, most recently updated first. */
  listDeliveries (): Promise<DeliveryRecord[]>
  /** Queue a dead-lettered delivery for another round of attempts by its subscriber's loop. */
  queueRetry (subscriber: string, id: string): Promise<void>
  takeRetry (subscriber: string): Promise<string | undefined>
  close (): Promise<void>
}

/** Options of the in-process store. `now` is injectable for tests. */
export interface MemoryStoreOptions { dedupeTtlMs: number, retentionMs: number, maxEvents?: number, now?: () => number }

/** Compare two cursors (`<ms>-<seq>`): negative when a is older. */
export function compareCursors (a: string, b: string): number {
  const [am, as] = a.split('-').map(Number)
  const [bm, bs] = b.split('-').map(Number)
  return am !== bm ? am - bm : as - bs
}

/**
 * The in-process store: one array log (all workspaces), a Map for dedupe, a read position and an
 * unacknowledged list per subscriber. Single process only (the lease is always granted). Bounded by
 * retention and by `maxEvents` (default 100 000: the oldest go first).
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly kind = 'memory' as const
  readonly durable = false
  private readonly events: StoredEvent[] = []
  private readonly seen = new Map<string, number>()
  private readonly positions = new Map<string, { next: string | null, pending: StoredEvent[] }>()
  private readonly deliveries = new Map<string, DeliveryRecord>()
  private readonly retries = new Map<string, string[]>()
  private waiters = new Set<() => void>()
  private lastMs = 0
  private seq = 0
  private readonly now: () => number

  constructor (private readonly opts: MemoryStoreOptions) {
    this.now = opts.now ?? Date.now
  }

  async append (event: AppendInput): Promise<{ duplicate: boolean, cursor: string | null }> {
    const now = this.now()
    const seenAt = this.seen.get(event.notificationId)
    if (seenAt !== undefined && now - seenAt < this.opts.dedupeTtlMs) return { duplicate: true, cursor: null }
    this.seen.set(event.notificationId, now)
    if (now > this.lastMs) { this.lastMs = now; this.seq = 0 } else this.seq++
    const cursor = `${this.lastMs}-${this.seq}`
    this.events.push({ ...event, cursor })
    this.trim(now)
    for (const wake of this.waiters) wake()
    this.waiters.clear()
    return { duplicate: false, cursor }
  }

  private trim (now: number): void {
    const max = this.opts.maxEvents ?? 100_000
    let drop = 0
    while (drop < this.events.length && (this.events.length - drop > max || now - this.events[drop].receivedAt > this.opts.retentionMs)) drop++
    if (drop > 0) this.events.splice(0, drop)
    if (this.seen.size > max * 2) {
      for (const [id, at] of this.seen) if (now - at >= this.opts.dedupeTtlMs) this.seen.delete(id)
    }
  }

  /** Index of the first event after `cursor` (binary search: the log is in cursor order). */
  private indexAfter (cursor: string | undefined): number {
    if (cursor === undefined) return 0
    let lo = 0
    let hi = this.events.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareCursors(this.events[mid].cursor, cursor) <= 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  async list (query: { after?: string, limit: number, match?: (topic: string) => boolean }): Promise<EventPage> {
    const data: StoredEvent[] = []
    let total = 0
    let i = this.indexAfter(query.after)
    for (const e of this.events) if (query.match === undefined || query.match(e.topic)) total++
    let more = false
    for (; i < this.events.length; i++) {
      const e = this.events[i]
      if (query.match !== undefined && !query.match(e.topic)) continue
      if (data.length === query.limit) { more = true; break }
      data.push(e)
    }
    return { data, total, next: more ? data[data.length - 1].cursor : null }
  }

  async get (workspace: string, cursor: string): Promise<StoredEvent | undefined> {
    const i = this.indexAfter(cursor) - 1
    const e = this.events[i]
    return e !== undefined && e.cursor === cursor && e.workspace === workspace ? e : undefined
  }

  async ensureSubscribers (names: string[]): Promise<void> {
    const last = this.events.at(-1)?.cursor ?? null
    for (const name of names) if (!this.positions.has(name)) this.positions.set(name, { next: last, pending: [] })
  }

  async lease (): Promise<LeaseResult> { return 'renewed' }
  async releaseLease (): Promise<void> {}
  async claim (): Promise<void> {}

  async read (subscriber: string, _owner: string, count: number, blockMs: number): Promise<StoredEvent[]> {
    const pos = this.positions.get(subscriber)
    if (pos === undefined) throw new Error(`webhooks: unknown subscriber ${subscriber}`)
    if (pos.pending.length > 0) return pos.pending.slice(0, count)
    let i = this.indexAfter(pos.next ?? undefined)
    if (i >= this.events.length && blockMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.waiters.delete(wake); resolve() }, blockMs)
        const wake = (): void => { clearTimeout(timer); resolve() }
        this.waiters.add(wake)
      })
      i = this.indexAfter(pos.next ?? undefined)
    }
    const batch = this.events.slice(i, i + count)
    if (batch.length > 0) {
      pos.next = batch[batch.length - 1].cursor
      pos.pending.push(...batch)
    }
    return batch
  }

  async ack (subscriber: string, events: StoredEvent[]): Promise<void> {
    const pos = this.positions.get(subscriber)
    if (pos === undefined) return
    for (const event of events) {
      const i = pos.pending.findIndex((e) => e.cursor === event.cursor && e.workspace === event.workspace)
      if (i !== -1) pos.pending.splice(i, 1)
    }
  }

  async putDelivery (record: DeliveryRecord): Promise<void> {
    this.deliveries.set(record.id, { ...record })
  }

  async getDelivery (id: string): Promise<DeliveryRecord | undefined> {
    const r = this.deliveries.get(id)
    return r === undefined ? undefined : { ...r }
  }

  async listDeliveries (): Promise<DeliveryRecord[]> {
    return [...this.deliveries.values()].map((r) => ({ ...r })).sort((a, b) => b.updatedAt - a.updatedAt)
  }

  async queueRetry (subscriber: string, id: string): Promise<void> {
    const list = this.retries.get(subscriber) ?? []
    list.push(id)
    this.retries.set(subscriber, list)
    for (const wake of this.waiters) wake()
    this.waiters.clear()
  }

  async takeRetry (subscriber: string): Promise<string | undefined> {
    return this.retries.get(subscriber)?.shift()
  }

  async close (): Promise<void> {
    for (const wake of this.waiters) wake()
    this.waiters.clear()
  }
}
