/**
 * Emulator state beside the store for the help-desk side of a workspace: teams, ticket types,
 * tickets, articles and admin-initiated messages. Kept in its own module (one state object per
 * store, created on first use) so the store's own file stays as it is.
 *
 * Tests may read and write the maps directly, e.g. `helpdesk(emulator.store).teams.set(...)`.
 */
import type { EmulatorStore } from './store.js'
import type { PartAuthor } from './models.js'

/** A team, as listTeams / retrieveTeam answer it. `id` is a numeric string. */
export interface Team {
  type: 'team'
  id: string
  name: string
  admin_ids: number[]
  admin_priority_level: { primary_admin_ids: number[] | null, secondary_admin_ids: number[] | null } | null
}

/** One state of a ticket type. */
export interface TicketState {
  type: 'ticket_state'
  id: string
  category: 'submitted' | 'in_progress' | 'waiting_on_customer' | 'resolved'
  internal_label: string
  external_label: string
}

/** A ticket type (only what tickets render). */
export interface TicketType {
  type: 'ticket_type'
  id: string
  category: 'Customer' | 'Back-office' | 'Tracker'
  name: string
  description: string
  icon: string
  workspace_id: string
  archived: boolean
  created_at: number
  updated_at: number
  states: TicketState[]
}

/** A ticket part (replies, notes, state changes). */
export interface TicketPart {
  type: 'ticket_part'
  id: string
  part_type: string
  body: string | null
  created_at: number
  updated_at: number
  author: PartAuthor
  attachments: unknown[]
  redacted: boolean
}

/** A stored ticket. */
export interface TicketRecord {
  id: string
  ticket_id: string
  type_id: string
  state_id: string
  ticket_attributes: Record<string, unknown>
  contact_ids: string[]
  admin_assignee_id: string | null
  team_assignee_id: string | null
  company_id: string | null
  created_at: number
  updated_at: number
  open: boolean
  is_shared: boolean
  snoozed_until: number | null
  parts: TicketPart[]
}

/**
 * A stored help center article: 2.14's article_list_item fields (`help_center_id` kept beside, not
 * answered), then the optional ones later versions answer (shapes.ts articleShape picks a version's).
 */
export interface Article {
  type: 'article'
  id: string
  workspace_id: string
  parent_id: number | null
  parent_type: string | null
  parent_ids: number[]
  tags: { type: 'tag.list', tags: unknown[] }
  title: string
  description: string
  body: string
  author_id: number
  state: 'published' | 'draft'
  created_at: number
  updated_at: number
  url: string | null
  help_center_id?: number
  // Optional: what createArticle / updateArticle store beyond 2.14's fields (absent = the default
  // handlers/articles.ts answers). Timestamps in Unix seconds.
  body_markdown?: string | null
  default_locale?: string
  translated_content?: Record<string, unknown> | null
  ai_chatbot_availability?: boolean
  ai_copilot_availability?: boolean
  ai_sales_agent_availability?: boolean
  created_by_id?: number | null
  updated_by_id?: number | null
  audience_ids?: number[] | null
  scheduled_publish_at?: number | null
  scheduled_unpublish_at?: number | null
}

/** The help-desk state of one store. */
export interface Helpdesk {
  teams: Map<string, Team>
  ticketTypes: Map<string, TicketType>
  tickets: Map<string, TicketRecord>
  articles: Map<string, Article>
  nextId: (kind: 'ticket' | 'ticketNumber' | 'ticketPart' | 'adminMessage' | 'article') => string
}

/** Id of the ticket type every emulated workspace has ("Bug report", Customer category). */
export const DEFAULT_TICKET_TYPE_ID = '1'

const states = new WeakMap<EmulatorStore, Helpdesk>()

/** The help-desk state of `store` (created, with the default ticket type, on first use). */
export function helpdesk (store: EmulatorStore): Helpdesk {
  let state = states.get(store)
  if (state !== undefined) return state
  const counters: Record<string, number> = { ticket: 1, ticketNumber: 1, ticketPart: 1, adminMessage: 1, article: 1 }
  const now = store.nowSeconds()
  const stateOf = (id: string, category: TicketState['category'], label: string): TicketState =>
    ({ type: 'ticket_state', id, category, internal_label: label, external_label: label })
  state = {
    teams: new Map(),
    ticketTypes: new Map([[DEFAULT_TICKET_TYPE_ID, {
      type: 'ticket_type',
      id: DEFAULT_TICKET_TYPE_ID,
      category: 'Customer',
      name: 'Bug report',
      description: 'Something is broken',
      icon: '🐞',
      workspace_id: store.workspaceId,
      archived: false,
      created_at: now,
      updated_at: now,
      states: [stateOf('1', 'submitted', 'Submitted'), stateOf('2', 'in_progress', 'In progress'),
        stateOf('3', 'waiting_on_customer', 'Waiting on customer'), stateOf('4', 'resolved', 'Resolved')]
    }]]),
    tickets: new Map(),
    articles: new Map(),
    nextId: (kind) => String(counters[kind]++)
  }
  states.set(store, state)
  return state
}
