/**
 * Sandbox seed data (option `seed: true`), fixed so a README can refer to it:
 * - admin '991267460' "Sandbox Admin" <admin@sandbox.example> (the token's admin, GET /me);
 * - users Ada Lovelace (id 6762f0dd1bb69f9f2193bb01, external_id 'user-ada', ada@example.com) and
 *   Grace Hopper (6762f0dd1bb69f9f2193bb02, 'user-grace', grace@example.com);
 * - lead Alan Turing (6762f0dd1bb69f9f2193bb03, alan@example.com, no external_id);
 * - conversation '1' started by Ada, with one admin reply;
 * - articles '1' "Exporting your data" (published) and '2' "Billing FAQ" (draft), by the admin, in
 *   help center 1;
 * - brands: the default one (id = the workspace id, 'sbx0emu1', with email setting '1'
 *   support@sandbox.example; platform.ts makes both for every workspace) and '2' "Sandbox Premium"
 *   (email setting '2' hello@premium.sandbox.example);
 * - workflows '1001' "Route billing questions" (live) and '1002' "Welcome new leads" (draft), for
 *   exportWorkflow.
 * Timestamps are the seeding time (Unix seconds), the workspace has no teams.
 */
import { DEFAULT_ADMIN_ID, type EmulatorStore } from './store.js'
import { adminAuthor, contactAuthor, contactConversation, toHtmlBody, type ConversationRecord } from './models.js'
import { helpdesk, type Article } from './helpdesk.js'
import { platform } from './platform.js'
import { articleUrl, newArticle } from './handlers/articles.js'

/** Fixed ids of the seeded records. */
export const SEED_IDS = {
  admin: DEFAULT_ADMIN_ID,
  ada: '6762f0dd1bb69f9f2193bb01',
  grace: '6762f0dd1bb69f9f2193bb02',
  alan: '6762f0dd1bb69f9f2193bb03',
  conversation: '1',
  publishedArticle: '1',
  draftArticle: '2',
  premiumBrand: '2',
  premiumEmailSetting: '2',
  liveWorkflow: '1001',
  draftWorkflow: '1002'
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
  seedHelpCenterAndSettings(store, now)
}

/** The seeded articles, the second brand with its email setting, and the workflows. */
function seedHelpCenterAndSettings (store: EmulatorStore, now: number): void {
  const day = 86400
  const desk = helpdesk(store)
  const adminId = Number(store.me().id)
  const article = (id: string, title: string, body: string, state: Article['state'], at: number): Article =>
    newArticle(store, { id, title, body, state, author_id: adminId, url: articleUrl({ id, title, state }), created_by_id: adminId, updated_by_id: adminId }, at)
  desk.articles.set(SEED_IDS.publishedArticle, article(SEED_IDS.publishedArticle, 'Exporting your data', '<p>Go to Settings → Export and pick a format.</p>', 'published', now - 10 * day))
  desk.articles.set(SEED_IDS.draftArticle, article(SEED_IDS.draftArticle, 'Billing FAQ', '<p>Invoices are sent on the first of the month.</p>', 'draft', now - 2 * day))

  const settings = platform(store)
  settings.brands.set(SEED_IDS.premiumBrand, {
    type: 'brand', id: SEED_IDS.premiumBrand, name: 'Sandbox Premium', is_default: false, created_at: now - 20 * day, updated_at: now - 20 * day,
    help_center_id: '1', default_address_settings_id: SEED_IDS.premiumEmailSetting
  })
  settings.emailSettings.set(SEED_IDS.premiumEmailSetting, {
    type: 'email_setting', id: SEED_IDS.premiumEmailSetting, email: 'hello@premium.sandbox.example', verified: true, domain: 'premium.sandbox.example',
    brand_id: SEED_IDS.premiumBrand, forwarding_enabled: true, forwarded_email_last_received_at: now - day, created_at: now - 20 * day, updated_at: now - day
  })
  settings.workflows.set(SEED_IDS.liveWorkflow, {
    id: SEED_IDS.liveWorkflow,
    title: 'Route billing questions',
    description: 'Sends conversations that mention billing to the billing inbox',
    trigger_type: 'inbound_conversation',
    state: 'live',
    target_channels: ['chat', 'email'],
    preferred_devices: ['desktop', 'mobile'],
    created_at: now - 30 * day,
    updated_at: now - 3 * day,
    targeting: { predicates: [{ attribute: 'conversation.body', comparison: 'contains', value: 'billing' }] },
    snapshot: { steps: [{ type: 'assign', inbox: 'Billing' }] },
    attributes: [],
    embedded_rules: []
  })
  settings.workflows.set(SEED_IDS.draftWorkflow, {
    id: SEED_IDS.draftWorkflow,
    title: 'Welcome new leads',
    description: null,
    trigger_type: 'customer_facing_outbound',
    state: 'draft',
    target_channels: ['chat'],
    preferred_devices: ['desktop'],
    created_at: now - 5 * day,
    updated_at: now - 5 * day,
    targeting: null,
    snapshot: null,
    attributes: [],
    embedded_rules: []
  })
}
