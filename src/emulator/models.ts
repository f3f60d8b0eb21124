/**
 * Intercom object shapes the emulator stores and answers with, following the 2.14 description's
 * schemas and response examples (key order included). All timestamps are Unix seconds.
 *
 * Contacts are stored in their answer shape; conversations are stored as a {@link ConversationRecord}
 * and rendered by {@link renderConversation} (contact references, teammates and statistics are
 * computed at read time).
 */

/** Intercom's nested list object on a contact (`tags`, `notes`, `companies`, subscriptions). */
export interface ContactSubList {
  type: 'list'
  data: Array<Record<string, unknown>>
  url: string
  total_count: number
  has_more: boolean
}

/** A contact (user or lead), exactly as GET /contacts/{id} answers it. */
export interface Contact {
  type: 'contact'
  /** 24 lower-case hex characters. */
  id: string
  workspace_id: string
  external_id: string | null
  role: 'user' | 'lead'
  email: string | null
  phone: string | null
  name: string | null
  avatar: { type: 'avatar'; image_url: string | null } | null
  owner_id: number | null
  social_profiles: { type: 'list'; data: unknown[] }
  has_hard_bounced: boolean
  marked_email_as_spam: boolean
  unsubscribed_from_emails: boolean
  created_at: number
  updated_at: number
  signed_up_at: number | null
  last_seen_at: number | null
  last_replied_at: number | null
  last_contacted_at: number | null
  last_email_opened_at: number | null
  last_email_clicked_at: number | null
  language_override: string | null
  browser: string | null
  browser_version: string | null
  browser_language: string | null
  os: string | null
  location: {
    type: 'location'
    country: string | null
    region: string | null
    city: string | null
    country_code: string | null
    continent_code: string | null
  }
  android_app_name: string | null
  android_app_version: string | null
  android_device: string | null
  android_os_version: string | null
  android_sdk_version: string | null
  android_last_seen_at: number | null
  ios_app_name: string | null
  ios_app_version: string | null
  ios_device: string | null
  ios_os_version: string | null
  ios_sdk_version: string | null
  ios_last_seen_at: number | null
  custom_attributes: Record<string, unknown>
  tags: ContactSubList
  notes: ContactSubList
  companies: ContactSubList
  opted_out_subscription_types: ContactSubList
  opted_in_subscription_types: ContactSubList
  utm_campaign: string | null
  utm_content: string | null
  utm_medium: string | null
  utm_source: string | null
  utm_term: string | null
  referrer: string | null
  enabled_push_messaging: boolean | null
}

/** Writable contact fields (CreateContact / UpdateContact bodies). */
export interface ContactInput {
  role?: 'user' | 'lead'
  external_id?: string | null
  email?: string | null
  phone?: string | null
  name?: string | null
  /** Image URL; stored as `{ type: 'avatar', image_url }`. */
  avatar?: string | null
  signed_up_at?: number | null
  last_seen_at?: number | null
  owner_id?: number | null
  unsubscribed_from_emails?: boolean | null
  /** Merged into the existing attributes on update. */
  custom_attributes?: Record<string, unknown> | null
}

/** The workspace ("app") the token belongs to. */
export interface AppInfo {
  type: 'app'
  id_code: string
  name: string
  created_at: number
  secure: boolean
  identity_verification: boolean
  timezone: string
  region: string
}

/** A teammate. `id` is a numeric string. */
export interface Admin {
  type: 'admin'
  id: string
  email: string
  name: string
  email_verified: boolean
  job_title: string | null
  away_mode_enabled: boolean
  away_mode_reassign: boolean
  has_inbox_seat: boolean
  team_ids: number[]
  avatar: { type: 'avatar'; image_url: string | null }
}

/** Who wrote a part: an admin, or a contact (`type` 'user' or 'lead'). */
export interface PartAuthor {
  id: string
  type: 'admin' | 'user' | 'lead' | 'bot' | 'team'
  name: string | null
  email: string | null
}

/** An attachment of a part (from `attachment_urls`). */
export interface PartAttachment {
  type: 'upload'
  name: string
  url: string
  content_type: string
  filesize: number
  width: number | null
  height: number | null
}

/** One conversation part as answered. `id` is a numeric string. */
export interface ConversationPart {
  type: 'conversation_part'
  id: string
  part_type: string
  body: string | null
  created_at: number
  updated_at: number
  notified_at: number
  assigned_to: { type: string; id: string } | null
  author: PartAuthor
  attachments: PartAttachment[]
  external_id: string | null
  redacted: boolean
  metadata: Record<string, unknown>
  email_message_metadata: null
  state: 'open' | 'closed' | 'snoozed'
  tags: unknown[]
  event_details: unknown
  app_package_code: string | null
}

/** The message that started a conversation. */
export interface ConversationSource {
  type: 'conversation'
  /** The message id (numeric string) — what createConversation answers as `id`. */
  id: string
  delivered_as: string
  subject: string
  body: string
  author: PartAuthor
  attachments: PartAttachment[]
  url: string | null
  redacted: boolean
}

/** A stored conversation. `id` is a numeric string; `contact_ids` reference store contacts. */
export interface ConversationRecord {
  id: string
  created_at: number
  updated_at: number
  waiting_since: number | null
  snoozed_until: number | null
  state: 'open' | 'closed' | 'snoozed'
  read: boolean
  priority: 'priority' | 'not_priority'
  admin_assignee_id: number | null
  team_assignee_id: number | null
  title: string | null
  source: ConversationSource
  contact_ids: string[]
  /** external_id of each contact when it joined, used if the contact is later deleted. */
  contact_external_ids: Record<string, string | null>
  first_contact_reply: { created_at: number; type: 'conversation'; url: string | null } | null
  custom_attributes: Record<string, unknown>
  tags: unknown[]
  parts: ConversationPart[]
  count_reopens: number
}

/** Unix seconds from milliseconds. */
export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000)

/** An empty nested list object of a contact, e.g. `/contacts/<id>/tags`. */
function subList (id: string, what: string): ContactSubList {
  return { type: 'list', data: [], url: `/contacts/${id}/${what}`, total_count: 0, has_more: false }
}

/** A new contact in Intercom's shape; fields not given are null/false/empty like Intercom's answers. */
export function newContact (id: string, workspaceId: string, nowSeconds: number, input: ContactInput): Contact {
  return {
    type: 'contact',
    id,
    workspace_id: workspaceId,
    external_id: input.external_id ?? null,
    role: input.role ?? 'user',
    email: input.email ?? null,
    phone: input.phone ?? null,
    name: input.name ?? null,
    avatar: input.avatar != null ? { type: 'avatar', image_url: input.avatar } : null,
    owner_id: input.owner_id ?? null,
    social_profiles: { type: 'list', data: [] },
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: input.unsubscribed_from_emails ?? false,
    created_at: nowSeconds,
    updated_at: nowSeconds,
    signed_up_at: input.signed_up_at ?? null,
    last_seen_at: input.last_seen_at ?? null,
    last_replied_at: null,
    last_contacted_at: null,
    last_email_opened_at: null,
    last_email_clicked_at: null,
    language_override: null,
    browser: null,
    browser_version: null,
    browser_language: null,
    os: null,
    location: { type: 'location', country: null, region: null, city: null, country_code: null, continent_code: null },
    android_app_name: null,
    android_app_version: null,
    android_device: null,
    android_os_version: null,
    android_sdk_version: null,
    android_last_seen_at: null,
    ios_app_name: null,
    ios_app_version: null,
    ios_device: null,
    ios_os_version: null,
    ios_sdk_version: null,
    ios_last_seen_at: null,
    custom_attributes: { ...(input.custom_attributes ?? {}) },
    tags: subList(id, 'tags'),
    notes: subList(id, 'notes'),
    companies: subList(id, 'companies'),
    opted_out_subscription_types: subList(id, 'subscriptions'),
    opted_in_subscription_types: subList(id, 'subscriptions'),
    utm_campaign: null,
    utm_content: null,
    utm_medium: null,
    utm_source: null,
    utm_term: null,
    referrer: null,
    enabled_push_messaging: null
  }
}

/** A copy of `contact` with `input` applied (custom attributes merged), `updated_at` set to `nowSeconds`. */
export function applyContactInput (contact: Contact, input: ContactInput, nowSeconds: number): Contact {
  const next: Contact = structuredClone(contact)
  if (input.role !== undefined) next.role = input.role
  if (input.external_id !== undefined) next.external_id = input.external_id
  if (input.email !== undefined) next.email = input.email
  if (input.phone !== undefined) next.phone = input.phone
  if (input.name !== undefined) next.name = input.name
  if (input.avatar !== undefined) next.avatar = input.avatar === null ? null : { type: 'avatar', image_url: input.avatar }
  if (input.signed_up_at !== undefined) next.signed_up_at = input.signed_up_at
  if (input.last_seen_at !== undefined) next.last_seen_at = input.last_seen_at
  if (input.owner_id !== undefined) next.owner_id = input.owner_id
  if (input.unsubscribed_from_emails !== undefined) next.unsubscribed_from_emails = input.unsubscribed_from_emails ?? false
  if (input.custom_attributes != null) next.custom_attributes = { ...next.custom_attributes, ...input.custom_attributes }
  next.updated_at = nowSeconds
  return next
}

/** `{ type: 'contact', id, external_id }` as used in conversation contact lists and delete answers. */
export function contactReference (id: string, externalId: string | null): { type: 'contact'; id: string; external_id: string | null } {
  return { type: 'contact', id, external_id: externalId }
}

/** A part author for a contact: `type` is the contact's role ('user' or 'lead'). */
export function contactAuthor (contact: Contact): PartAuthor {
  return { id: contact.id, type: contact.role, name: contact.name, email: contact.email }
}

/** A part author for an admin. */
export function adminAuthor (admin: Admin): PartAuthor {
  return { id: admin.id, type: 'admin', name: admin.name, email: admin.email }
}

/**
 * A new open conversation started by `contact` (createConversation; also the sandbox seed):
 * its source is the contact's message. Timestamps are Unix seconds.
 */
export function contactConversation (ids: { conversation: string, message: string }, contact: Contact, message: { body: string, createdAt: number, subject?: string, attachments?: PartAttachment[] }): ConversationRecord {
  return {
    id: ids.conversation,
    created_at: message.createdAt,
    updated_at: message.createdAt,
    waiting_since: message.createdAt,
    snoozed_until: null,
    state: 'open',
    read: false,
    priority: 'not_priority',
    admin_assignee_id: null,
    team_assignee_id: null,
    title: null,
    source: {
      type: 'conversation',
      id: ids.message,
      delivered_as: 'customer_initiated',
      subject: message.subject ?? '',
      body: toHtmlBody(message.body),
      author: contactAuthor(contact),
      attachments: message.attachments ?? [],
      url: null,
      redacted: false
    },
    contact_ids: [contact.id],
    contact_external_ids: { [contact.id]: contact.external_id },
    first_contact_reply: { created_at: message.createdAt, type: 'conversation', url: null },
    custom_attributes: {},
    tags: [],
    parts: [],
    count_reopens: 0
  }
}

/** Intercom stores message bodies as HTML: plain text is wrapped in `<p>`, HTML kept. */
export function toHtmlBody (body: string): string {
  return /^\s*</.test(body) ? body : `<p>${body}</p>`
}

/** Strip tags (for `display_as=plaintext`). */
export function toPlainText (html: string | null): string | null {
  if (html === null) return null
  return html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>\s*<p>/gi, '\n').replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim()
}

/** Attachments from `attachment_urls` (name = last path segment, content type guessed from the extension). */
export function attachmentsFromUrls (urls: readonly string[] | undefined): PartAttachment[] {
  return (urls ?? []).map((url) => {
    let name = url
    try {
      name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? url) || url
    } catch { /* keep the url as name */ }
    const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : ''
    const types: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', pdf: 'application/pdf', txt: 'text/plain' }
    return { type: 'upload', name, url, content_type: types[ext] ?? 'application/octet-stream', filesize: 0, width: null, height: null }
  })
}

/** Conversation statistics computed from the parts (only the fields that can be known). */
function statistics (c: ConversationRecord): Record<string, unknown> {
  const contactTimes = [c.source.author.type === 'admin' ? undefined : c.created_at,
    ...c.parts.filter((p) => p.author.type === 'user' || p.author.type === 'lead').map((p) => p.created_at)]
    .filter((t): t is number => t !== undefined)
  const adminTimes = c.parts.filter((p) => p.author.type === 'admin' && p.part_type !== 'note').map((p) => p.created_at)
  const stats: Record<string, unknown> = { type: 'conversation_statistics' }
  if (contactTimes.length > 0) stats.first_contact_reply_at = contactTimes[0]
  if (adminTimes.length > 0) stats.first_admin_reply_at = adminTimes[0]
  if (contactTimes.length > 0 && adminTimes.length > 0 && adminTimes[0] >= contactTimes[0]) {
    stats.time_to_admin_reply = adminTimes[0] - contactTimes[0]
  }
  if (contactTimes.length > 0) stats.last_contact_reply_at = contactTimes[contactTimes.length - 1]
  if (adminTimes.length > 0) stats.last_admin_reply_at = adminTimes[adminTimes.length - 1]
  stats.count_reopens = c.count_reopens
  stats.count_assignments = 0
  stats.count_conversation_parts = c.parts.length + 1
  return stats
}

/**
 * The conversation as retrieveConversation / replyConversation answer it.
 * `externalIdOf` gives a contact's current external_id (undefined when the contact no longer exists).
 * `plaintext` strips HTML from bodies (`display_as=plaintext`).
 */
export function renderConversation (
  c: ConversationRecord,
  externalIdOf: (contactId: string) => string | null | undefined,
  opts: { plaintext?: boolean } = {}
): Record<string, unknown> {
  const body = (b: string | null): string | null => (opts.plaintext === true ? toPlainText(b) : b)
  const teammateIds = [...new Set(c.parts.filter((p) => p.author.type === 'admin').map((p) => p.author.id))]
  return {
    type: 'conversation',
    id: c.id,
    created_at: c.created_at,
    updated_at: c.updated_at,
    waiting_since: c.waiting_since,
    snoozed_until: c.snoozed_until,
    source: { ...c.source, body: body(c.source.body) ?? '' },
    contacts: {
      type: 'contact.list',
      contacts: c.contact_ids.map((id) => contactReference(id, externalIdOf(id) ?? c.contact_external_ids[id] ?? null))
    },
    first_contact_reply: c.first_contact_reply,
    admin_assignee_id: c.admin_assignee_id,
    team_assignee_id: c.team_assignee_id,
    open: c.state === 'open',
    state: c.state,
    read: c.read,
    tags: { type: 'tag.list', tags: c.tags },
    priority: c.priority,
    sla_applied: null,
    statistics: statistics(c),
    conversation_rating: null,
    teammates: { type: 'admin.list', teammates: teammateIds.map((id) => ({ type: 'admin', id })) },
    title: c.title,
    custom_attributes: c.custom_attributes,
    topics: {},
    ticket: null,
    linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
    ai_agent: null,
    ai_agent_participated: false,
    conversation_parts: {
      type: 'conversation_part.list',
      conversation_parts: c.parts.map((p) => ({ ...p, body: body(p.body) })),
      total_count: c.parts.length
    }
  }
}

/** The answer of GET /me: the admin with its workspace, in the example's key order. */
export function renderMe (admin: Admin, app: AppInfo): Record<string, unknown> {
  return {
    type: 'admin',
    id: admin.id,
    email: admin.email,
    name: admin.name,
    email_verified: admin.email_verified,
    app,
    avatar: admin.avatar,
    has_inbox_seat: admin.has_inbox_seat
  }
}
