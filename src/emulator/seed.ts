/**
 * Sandbox seed data (option `seed: true`), fixed so a README can refer to it:
 * - admin '991267460' "Sandbox Admin" <admin@sandbox.example> (the token's admin, GET /me);
 * - users Ada Lovelace (id 6762f0dd1bb69f9f2193bb01, external_id 'user-ada', ada@example.com) and
 *   Grace Hopper (6762f0dd1bb69f9f2193bb02, 'user-grace', grace@example.com);
 * - lead Alan Turing (6762f0dd1bb69f9f2193bb03, alan@example.com, no external_id);
 * - conversation '1' started by Ada, with one admin reply.
 * Timestamps are the seeding time (Unix seconds), the workspace has no teams.
 */
import { DEFAULT_ADMIN_ID, type EmulatorStore } from './store.js'
import { adminAuthor, contactAuthor, contactConversation, toHtmlBody, type ConversationRecord } from './models.js'

/** Fixed ids of the seeded records. */
export const SEED_IDS = {
  admin: DEFAULT_ADMIN_ID,
  ada: '6762f0dd1bb69f9f2193bb01',
  grace: '6762f0dd1bb69f9f2193bb02',
  alan: '6762f0dd1bb69f9f2193bb03',
  conversation: '1'
} as const

/** Fill `store` with the seed data (call on an empty store). */
export function seedStore (store: EmulatorStore): void {
  // Seed data exists "since before start": visible to search at once, whatever searchLagMs is.
  const lag = store.searchLagMs
  store.searchLagMs = 0
  try {
    seed(store)
  } finally {
    store.searchLagMs = lag
  }
}

function seed (store: EmulatorStore): void {
  const admin = store.me()
  store.admins.set(admin.id, { ...admin, name: 'Sandbox Admin', email: 'admin@sandbox.example' })
  const now = store.nowSeconds()
  const day = 86400

  const ada = store.createContact({
    role: 'user',
    external_id: 'user-ada',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    phone: '+441234567890',
    signed_up_at: now - 30 * day,
    last_seen_at: now - day,
    custom_attributes: { plan: 'pro', seats: 5 }
  }, { id: SEED_IDS.ada, createdAt: now - 30 * day })
  store.createContact({
    role: 'user',
    external_id: 'user-grace',
    email: 'grace@example.com',
    name: 'Grace Hopper',
    signed_up_at: now - 7 * day,
    custom_attributes: { plan: 'free', seats: 1 }
  }, { id: SEED_IDS.grace, createdAt: now - 7 * day })
  store.createContact({ role: 'lead', email: 'alan@example.com', name: 'Alan Turing' }, { id: SEED_IDS.alan, createdAt: now - day })

  const started = now - 3600
  const replied = now - 3000
  const conversation: ConversationRecord = {
    ...contactConversation({ conversation: store.newConversationId(), message: store.newMessageId() }, ada, { body: 'Hi! Where can I export my data?', createdAt: started }),
    updated_at: replied,
    waiting_since: null,
    read: true
  }
  conversation.parts.push({
    type: 'conversation_part',
    id: store.newPartId(),
    part_type: 'comment',
    body: toHtmlBody('Hello Ada, it is under Settings → Export.'),
    created_at: replied,
    updated_at: replied,
    notified_at: replied,
    assigned_to: null,
    author: adminAuthor(store.me()),
    attachments: [],
    external_id: null,
    redacted: false,
    metadata: {},
    email_message_metadata: null,
    state: 'open',
    tags: [],
    event_details: null,
    app_package_code: null
  })
  store.conversations.set(conversation.id, conversation)
}
