/**
 * The emulator's webhook notifications: after a successful write it POSTs a notification to the
 * service's intake, as Intercom would, signed `X-Hub-Signature: sha1=<HMAC-SHA1 of the body>` with
 * the app's client secret (INTERCOM_CLIENT_SECRET, or a secret the sandbox generated at start-up).
 *
 * It attaches at one point of the emulator (`attach`: the emulator's answer listeners, where the
 * operation, its path parameters, the request body, status and answer body are known) and maps operations to
 * Intercom topics (`topicsFor`):
 * CreateContact → contact.user.created | contact.lead.created; UpdateContact → contact.user.updated |
 * contact.lead.updated; DeleteContact → contact.deleted; createConversation →
 * conversation.user.created; replyConversation → conversation.user.replied |
 * conversation.admin.replied | conversation.admin.noted; manageConversation →
 * conversation.admin.closed | .snoozed | .opened | .assigned; createTicket → ticket.created;
 * createOrUpdateCompany (a new company) → company.created; attachTagToContact →
 * contact.user.tag.created | contact.lead.tag.created.
 *
 * Notifications are sent one at a time in the order of the writes, after the emulator's answer is
 * on its way (never delaying it); a failed POST is retried (the same notification id) up to
 * `attempts` times, as Intercom retries. Without a target (`setTarget`) nothing is sent.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, request } from 'undici'
import { signIntercom } from '../webhooks/signature.js'
import type { EmulatorStore } from './store.js'
import type { AnswerListener } from './pipeline.js'
import { render } from './handlers/conversations.js'

/** Options: the signing secret, the intake URL (or later with setTarget), retry attempts (default 3). */
export interface WebhookEmitterOptions {
  secret: string
  /** The secret was generated at start-up (no INTERCOM_CLIENT_SECRET), for the start-up log. */
  secretGenerated?: boolean
  target?: string
  attempts?: number
  retryDelayMs?: number
}

/** One notification to send: Intercom's topic and the object (`data.item`). */
export interface TopicItem { topic: string, item: unknown }

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Obj : {})
const roleOf = (contact: Obj): string => (contact.role === 'lead' ? 'lead' : 'user')

/**
 * The notifications Intercom would send for a successful write (an empty list for anything else).
 * `request`/`answer` are the parsed JSON bodies; `params` the decoded path parameters.
 */
export function topicsFor (operationId: string, params: Record<string, string>, requestBody: unknown, answer: unknown, store: EmulatorStore): TopicItem[] {
  const body = obj(requestBody)
  const out = obj(answer)
  switch (operationId) {
    case 'CreateContact':
      return [{ topic: `contact.${roleOf(out)}.created`, item: answer }]
    case 'UpdateContact':
      return [{ topic: `contact.${roleOf(out)}.updated`, item: answer }]
    case 'DeleteContact':
      return [{ topic: 'contact.deleted', item: answer }]
    case 'createConversation': {
      const conversation = store.conversations.get(String(out.conversation_id))
      return [{ topic: 'conversation.user.created', item: conversation === undefined ? answer : render(store, conversation) }]
    }
    case 'replyConversation': {
      const topic = body.message_type === 'note' ? 'conversation.admin.noted' : body.type === 'admin' ? 'conversation.admin.replied' : 'conversation.user.replied'
      return [{ topic, item: answer }]
    }
    case 'manageConversation': {
      const topic = ({ close: 'conversation.admin.closed', snoozed: 'conversation.admin.snoozed', open: 'conversation.admin.opened', assignment: 'conversation.admin.assigned' } as Record<string, string>)[String(body.message_type)]
      return topic === undefined ? [] : [{ topic, item: answer }]
    }
    case 'createTicket':
      return [{ topic: 'ticket.created', item: answer }]
    case 'createOrUpdateCompany':
      return out.created_at !== undefined && out.created_at === out.updated_at ? [{ topic: 'company.created', item: answer }] : []
    case 'attachTagToContact': {
      const contact = store.contacts.get(params.contact_id) as unknown as Obj | undefined
      const role = contact === undefined ? 'user' : roleOf(contact)
      return [{ topic: `contact.${role}.tag.created`, item: { type: 'contact_tag', created_at: store.nowSeconds(), tag: answer, contact: { type: 'contact', id: params.contact_id } } }]
    }
    default:
      return []
  }
}

/** Sends the emulator's notifications to one intake URL. */
export class WebhookEmitter {
  readonly secret: string
  /** Counters: notifications acknowledged 2xx by the target, and given up after every attempt. */
  readonly stats = { sent: 0, failed: 0 }
  private target: string | undefined
  private readonly queue: Array<{ body: string, id: string }> = []
  private pumping: Promise<void> | undefined
  private readonly agent = new Agent({ connections: 2, headersTimeout: 10_000, bodyTimeout: 10_000 })

  constructor (private readonly opts: WebhookEmitterOptions) {
    this.secret = opts.secret
    this.target = opts.target
  }

  /** Where to POST notifications (the service's `/webhooks/intercom`). */
  setTarget (url: string): void {
    this.target = url
  }

  /** Target the intake of the service listening at `address` (`server.address()`; a wildcard host becomes loopback), and log it. */
  sendTo (address: AddressInfo | string | null, log?: { info: (o: object, m: string) => void }): void {
    if (address === null || typeof address === 'string') throw new Error('webhooks: the service is not listening on TCP')
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address
    this.setTarget(`http://${host}:${address.port}/webhooks/intercom`)
    log?.info({ webhooks: { emulator: this.target } }, `sandbox: the emulator sends webhook notifications for its writes to ${this.target}, signed with ${this.opts.secretGenerated === true ? 'a secret generated at start-up' : 'INTERCOM_CLIENT_SECRET'}`)
  }

  /**
   * Listen to the emulator's answers (`onAnswer`, its one hook point: src/emulator/pipeline.ts) and
   * queue the notifications of each successful write.
   */
  attach (onAnswer: (listener: AnswerListener) => void, store: EmulatorStore): void {
    onAnswer((ex, request) => {
      if (this.target === undefined || ex.method === 'GET' || ex.route === undefined || ex.answer.status < 200 || ex.answer.status >= 300) return
      try {
        for (const { topic, item } of topicsFor(ex.route.operationId, ex.route.params, ex.body, ex.answer.body, store)) this.enqueue(store.app.id_code, topic, item)
      } catch (err) {
        request.log.warn({ err }, 'emulator: webhook notification not built')
      }
    })
  }

  /** Queue one notification (Intercom's envelope) for sending. */
  enqueue (appId: string, topic: string, item: unknown): void {
    const now = Math.floor(Date.now() / 1000)
    const id = `notif_${randomUUID()}`
    const envelope = {
      type: 'notification_event', app_id: appId, data: { type: 'notification_event_data', item },
      links: {}, id, topic, delivery_status: 'pending', delivery_attempts: 1, delivered_at: 0, first_sent_at: now, created_at: now, self: null
    }
    this.queue.push({ body: JSON.stringify(envelope), id })
    this.pumping ??= this.pump().finally(() => { this.pumping = undefined })
  }

  /** Resolves once every queued notification was sent or given up. */
  async idle (): Promise<void> {
    while (this.pumping !== undefined) await this.pumping
  }

  private async pump (): Promise<void> {
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      const attempts = this.opts.attempts ?? 3
      let ok = false
      for (let n = 1; n <= attempts && !ok && this.target !== undefined; n++) {
        try {
          const res = await request(this.target, {
            method: 'POST',
            dispatcher: this.agent,
            headers: { 'content-type': 'application/json', 'user-agent': 'intercom-parrot-service-client/1.0', 'x-hub-signature': signIntercom(next.body, this.secret) },
            body: next.body
          })
          await res.body.dump()
          ok = res.statusCode >= 200 && res.statusCode < 300
        } catch {
          ok = false
        }
        if (!ok && n < attempts) await sleep((this.opts.retryDelayMs ?? 500) * n)
      }
      if (ok) this.stats.sent++
      else this.stats.failed++
    }
  }

  async close (): Promise<void> {
    await this.idle()
    await this.agent.close()
  }
}

/** Sandbox mode's emitter: signed with INTERCOM_CLIENT_SECRET when set, else a secret generated now. */
export function sandboxEmitter (clientSecret: string | undefined): WebhookEmitter {
  return new WebhookEmitter({ secret: clientSecret ?? randomBytes(24).toString('base64url'), secretGenerated: clientSecret === undefined })
}
