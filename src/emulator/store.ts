/**
 * The emulator's in-memory data: contacts, admins, conversations, id generators, and the lagging
 * view of contacts that POST /contacts/search sees.
 *
 * Every operation is synchronous, so a check-and-insert (e.g. "is this external_id taken? then
 * insert") cannot interleave with another request: 20 concurrent creates of one external_id make
 * exactly one contact.
 *
 * Tests may read and write the maps directly. `contacts` keeps its uniqueness indexes (external_id,
 * user email) on `set`/`delete`, so replace a contact object rather than mutating it in place.
 * Contacts written directly are visible to search at once; writes through the store's methods
 * become visible `searchLagMs` later.
 */
import { randomBytes } from 'node:crypto'
import { EmulatorError, contactConflict, contactNotFound } from './errors.js'
import {
  applyContactInput, newContact, toUnixSeconds,
  type Admin, type AppInfo, type Contact, type ContactInput, type ConversationRecord
} from './models.js'

/** Lower-cased, trimmed email for uniqueness checks (null when empty). */
export function normalizeEmail (email: string | null | undefined): string | null {
  if (email == null) return null
  const e = email.trim().toLowerCase()
  return e === '' ? null : e
}

/**
 * Map of contacts by id that also indexes external_id (all contacts) and email (users only),
 * the two keys Intercom keeps unique.
 */
export class ContactMap extends Map<string, Contact> {
  readonly #byExternalId = new Map<string, string>()
  readonly #userByEmail = new Map<string, string>()

  override set (id: string, contact: Contact): this {
    const previous = super.get(id)
    if (previous !== undefined) this.#unindex(id, previous)
    super.set(id, contact)
    if (contact.external_id != null && contact.external_id !== '') this.#byExternalId.set(contact.external_id, id)
    const email = normalizeEmail(contact.email)
    if (contact.role === 'user' && email !== null) this.#userByEmail.set(email, id)
    return this
  }

  override delete (id: string): boolean {
    const previous = super.get(id)
    if (previous !== undefined) this.#unindex(id, previous)
    return super.delete(id)
  }

  override clear (): void {
    this.#byExternalId.clear()
    this.#userByEmail.clear()
    super.clear()
  }

  /** The contact with this external_id, if any. */
  byExternalId (externalId: string): Contact | undefined {
    const id = this.#byExternalId.get(externalId)
    return id === undefined ? undefined : super.get(id)
  }

  /** The user (role 'user') with this email, case-insensitive, if any. */
  userByEmail (email: string): Contact | undefined {
    const key = normalizeEmail(email)
    const id = key === null ? undefined : this.#userByEmail.get(key)
    return id === undefined ? undefined : super.get(id)
  }

  #unindex (id: string, contact: Contact): void {
    if (contact.external_id != null && this.#byExternalId.get(contact.external_id) === id) this.#byExternalId.delete(contact.external_id)
    const email = normalizeEmail(contact.email)
    if (email !== null && this.#userByEmail.get(email) === id) this.#userByEmail.delete(email)
  }
}

/** Store settings. */
export interface StoreOptions {
  /** Milliseconds before a write is visible to search (default 0). */
  searchLagMs?: number
  /**
   * How search compares Date fields (created_at, updated_at, ...): 'day' (default) truncates to the
   * UTC calendar day like Intercom (`>` matches from the start of the next day); 'second' compares
   * the exact timestamps.
   */
  searchDatePrecision?: 'day' | 'second'
  /** Workspace id (also the app's id_code). Default 'sbx0emu1'. */
  workspaceId?: string
  /** Clock in milliseconds (default Date.now). */
  now?: () => number
}

/** One version of a contact as search sees it; `doc` null = deleted. Times in ms. */
interface SearchVersion { visibleAt: number; doc: Contact | null }

/** Id of the admin that always exists (the token's owner, answered by GET /me). */
export const DEFAULT_ADMIN_ID = '991267460'

/** In-memory Intercom workspace. */
export class EmulatorStore {
  readonly workspaceId: string
  readonly app: AppInfo
  /** Contacts by id (24-hex). */
  readonly contacts = new ContactMap()
  /** Admins by id (numeric string). */
  readonly admins = new Map<string, Admin>()
  /** Conversations by id (numeric string). */
  readonly conversations = new Map<string, ConversationRecord>()
  /** The admin the token belongs to (GET /me). */
  meAdminId = DEFAULT_ADMIN_ID
  /** Milliseconds before a write through the store's methods is visible to search. */
  searchLagMs: number
  /** See {@link StoreOptions.searchDatePrecision}. */
  searchDatePrecision: 'day' | 'second'
  /** Clock in milliseconds. */
  readonly now: () => number

  readonly #searchVersions = new Map<string, SearchVersion[]>()
  readonly #idEntropy = randomBytes(5).toString('hex')
  #idCounter = randomBytes(3).readUIntBE(0, 3)
  #nextConversationId = 1
  #nextMessageId = 1
  #nextPartId = 1

  constructor (options: StoreOptions = {}) {
    this.searchLagMs = options.searchLagMs ?? 0
    this.searchDatePrecision = options.searchDatePrecision ?? 'day'
    this.workspaceId = options.workspaceId ?? 'sbx0emu1'
    this.now = options.now ?? Date.now
    this.app = {
      type: 'app',
      id_code: this.workspaceId,
      name: 'Emulated Workspace',
      created_at: toUnixSeconds(this.now()),
      secure: false,
      identity_verification: false,
      timezone: 'Etc/UTC',
      region: 'US'
    }
    this.admins.set(DEFAULT_ADMIN_ID, {
      type: 'admin',
      id: DEFAULT_ADMIN_ID,
      email: 'admin@emulator.example',
      name: 'Emulator Admin',
      email_verified: true,
      job_title: null,
      away_mode_enabled: false,
      away_mode_reassign: false,
      has_inbox_seat: true,
      team_ids: [],
      avatar: { type: 'avatar', image_url: null }
    })
  }

  /** Current time in Unix seconds. */
  nowSeconds (): number {
    return toUnixSeconds(this.now())
  }

  /** A new contact id: 24 hex like a Mongo ObjectId (seconds, per-store random, counter). */
  newContactId (): string {
    this.#idCounter = (this.#idCounter + 1) % 0x1000000
    return this.nowSeconds().toString(16).padStart(8, '0').slice(-8) + this.#idEntropy + this.#idCounter.toString(16).padStart(6, '0')
  }

  /** Next conversation id (numeric string, from '1'). */
  newConversationId (): string {
    return String(this.#nextConversationId++)
  }

  /** Next message id (numeric string): the id of a conversation's source message. */
  newMessageId (): string {
    return String(this.#nextMessageId++)
  }

  /** Next conversation part id (numeric string). */
  newPartId (): string {
    return String(this.#nextPartId++)
  }

  /** The admin GET /me answers with (always present). */
  me (): Admin {
    const admin = this.admins.get(this.meAdminId) ?? this.admins.values().next().value
    if (admin === undefined) throw new EmulatorError(500, 'The emulator has no admin')
    return admin
  }

  /** The contact another contact would duplicate (same external_id, or user with the same email), if any. */
  findDuplicate (candidate: Pick<Contact, 'external_id' | 'email' | 'role'>, exceptId?: string): Contact | undefined {
    if (candidate.external_id != null && candidate.external_id !== '') {
      const other = this.contacts.byExternalId(candidate.external_id)
      if (other !== undefined && other.id !== exceptId) return other
    }
    if (candidate.role === 'user' && candidate.email != null) {
      const other = this.contacts.userByEmail(candidate.email)
      if (other !== undefined && other.id !== exceptId) return other
    }
    return undefined
  }

  /**
   * Create a contact (role defaults to 'user'). Throws 409 `conflict` naming the existing id when
   * the external_id or (for a user) the email is taken. `id`/`createdAt` are for seeding.
   */
  createContact (input: ContactInput, opts: { id?: string; createdAt?: number } = {}): Contact {
    const id = opts.id ?? this.newContactId()
    const contact = newContact(id, this.workspaceId, opts.createdAt ?? this.nowSeconds(), input)
    const duplicate = this.findDuplicate(contact)
    if (duplicate !== undefined) throw contactConflict(duplicate.id)
    if (this.contacts.has(id)) throw contactConflict(id)
    this.#recordSearchVersion(id, contact)
    this.contacts.set(id, contact)
    return contact
  }

  /** Apply a partial update. Throws 404 when missing, 409 when it would duplicate another contact. */
  updateContact (id: string, input: ContactInput): Contact {
    const current = this.contacts.get(id)
    if (current === undefined) throw contactNotFound()
    const next = applyContactInput(current, input, this.nowSeconds())
    const duplicate = this.findDuplicate(next, id)
    if (duplicate !== undefined) throw contactConflict(duplicate.id)
    this.#recordSearchVersion(id, next)
    this.contacts.set(id, next)
    return next
  }

  /** Delete a contact; returns it. Throws 404 when missing. */
  deleteContact (id: string): Contact {
    const current = this.contacts.get(id)
    if (current === undefined) throw contactNotFound()
    this.#recordSearchVersion(id, null)
    this.contacts.delete(id)
    return current
  }

  /** The contacts search sees at `nowMs`: each contact's latest version visible by then. */
  searchableContacts (nowMs: number = this.now()): Contact[] {
    const out: Contact[] = []
    for (const [id, contact] of this.contacts) if (!this.#searchVersions.has(id)) out.push(contact)
    for (const [id, versions] of this.#searchVersions) {
      let visible = -1
      for (let i = 0; i < versions.length; i++) if (versions[i].visibleAt <= nowMs) visible = i
      if (visible > 0) versions.splice(0, visible) // older versions can never be seen again
      if (visible === -1) continue
      const doc = versions[0].doc
      if (doc === null) {
        if (versions.length === 1) this.#searchVersions.delete(id)
        continue
      }
      out.push(doc)
    }
    return out
  }

  /** Remember what search will see for `id` from `now + searchLagMs` on (doc null = deleted). */
  #recordSearchVersion (id: string, doc: Contact | null): void {
    if (this.searchLagMs <= 0) {
      // Search reads the live map; drop any history still pending from a time with lag.
      this.#searchVersions.delete(id)
      return
    }
    let versions = this.#searchVersions.get(id)
    if (versions === undefined) {
      versions = []
      const current = this.contacts.get(id)
      // A contact written directly (or before lag was on) was visible as it is until now.
      if (current !== undefined) versions.push({ visibleAt: 0, doc: current })
      this.#searchVersions.set(id, versions)
    }
    versions.push({ visibleAt: this.now() + this.searchLagMs, doc })
  }
}
