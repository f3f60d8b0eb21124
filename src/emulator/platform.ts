/**
 * Emulator state beside the store for the workspace's newer resources (Intercom 2.15/2.16):
 * brands and email settings (read-only; every workspace has its default brand and its default
 * sender address, the seed adds one more of each), workflows (read-only, seeded; `exportWorkflow`),
 * Fin Voice calls (`registerFinVoiceCall` and the `collectFinVoiceCall*` look-ups), reporting-data
 * export jobs (enqueue → status → download, all versions) and the custom-channel mappings (external
 * conversation and contact ids → Intercom's). One state object per store, created on first use,
 * like helpdesk.ts.
 *
 * Timestamps are Unix seconds. Tests may read and write the maps directly, e.g.
 * `platform(emulator.store).workflows.set(...)`.
 */
import type { EmulatorStore } from './store.js'

/** A brand (brand schema, 2.15+). The default brand's id is the workspace id, as Intercom's description says. */
export interface Brand {
  type: 'brand'
  id: string
  name: string
  is_default: boolean
  created_at: number
  updated_at: number
  help_center_id: string
  default_address_settings_id: string
}

/** An email setting (email_setting schema, 2.15+): a sender address of a brand. */
export interface EmailSetting {
  type: 'email_setting'
  id: string
  email: string
  verified: boolean
  domain: string
  brand_id: string
  forwarding_enabled: boolean
  forwarded_email_last_received_at: number | null
  created_at: number
  updated_at: number
}

/** A registered Fin Voice call (ai_call_response schema, 2.15+), plus what the emulator keeps beside it. */
export interface FinVoiceCall {
  id: number
  app_id: number
  user_phone_number: string
  status: string
  intercom_call_id: string | null
  external_call_id: string
  intercom_conversation_id: string | null
  call_transcript: unknown[]
  call_summary: string
  intent: unknown[]
  /** Not answered: the call's source and data as registered, and when (Unix seconds). */
  source: string
  data: Record<string, unknown> | null
  registered_at: number
}

/** A reporting-data export job. `polls`: status requests answered so far. */
export interface ReportingExportJob {
  job_identifier: string
  dataset_id: string
  /** The attribute ids as asked (simple or qualified), in order: the download's columns. */
  attribute_ids: string[]
  start_time: number
  end_time: number
  status: 'pending' | 'complete'
  polls: number
  created_at: number
}

/** A workflow as exportWorkflow answers it (`workflow_export.workflow`), timestamps in Unix seconds. */
export interface Workflow {
  id: string
  title: string
  description: string | null
  trigger_type: string
  state: 'live' | 'draft' | 'paused'
  target_channels: string[]
  preferred_devices: string[]
  created_at: number
  updated_at: number
  targeting: Record<string, unknown> | null
  snapshot: Record<string, unknown> | null
  attributes: Array<Record<string, unknown>>
  embedded_rules: Array<Record<string, unknown>>
}

/** One custom-channel conversation: the caller's ids mapped to Intercom's. */
export interface CustomChannelMapping {
  external_conversation_id: string
  conversation_id: string
  external_contact_id: string
  contact_id: string
}

/** One attribute of a reporting dataset. */
export interface ReportingAttribute { id: string, qualified_id: string, name: string }

/** A reporting dataset (get_datasets item). */
export interface ReportingDataset {
  id: string
  name: string
  description: string
  default_time_attribute_id: string
  attributes: ReportingAttribute[]
}

const attr = (dataset: string, id: string, name: string): ReportingAttribute => ({ id, qualified_id: `${dataset}.${id}`, name })

/** The datasets the emulator exports (rows from the store: conversations, tickets). */
export const REPORTING_DATASETS: readonly ReportingDataset[] = [
  {
    id: 'conversation',
    name: 'Conversation',
    description: 'Conversation-level details: status, channel, assignee.',
    default_time_attribute_id: 'conversation_started_at',
    attributes: [
      attr('conversation', 'conversation_id', 'Conversation ID'),
      attr('conversation', 'conversation_started_at', 'Conversation started at'),
      attr('conversation', 'conversation_state', 'Conversation state'),
      attr('conversation', 'teammate_assigned', 'Teammate assigned'),
      attr('conversation', 'team_assigned', 'Team assigned'),
      attr('conversation', 'contact_id', 'Contact ID')
    ]
  },
  {
    id: 'ticket',
    name: 'Ticket',
    description: 'Ticket-level details: type, state, assignee.',
    default_time_attribute_id: 'ticket_created_at',
    attributes: [
      attr('ticket', 'ticket_id', 'Ticket ID'),
      attr('ticket', 'ticket_created_at', 'Ticket created at'),
      attr('ticket', 'ticket_type_id', 'Ticket type ID'),
      attr('ticket', 'ticket_state_id', 'Ticket state ID'),
      attr('ticket', 'teammate_assigned', 'Teammate assigned')
    ]
  }
]

/** The workspace's numeric app id (ai_call_response and workflow_export answer one). */
export const APP_NUMERIC_ID = 4242

/** Id of the email setting every workspace has (the default brand's sender address). */
export const DEFAULT_EMAIL_SETTING_ID = '1'

/** The platform state of one store. */
export interface Platform {
  brands: Map<string, Brand>
  emailSettings: Map<string, EmailSetting>
  workflows: Map<string, Workflow>
  /** Fin Voice calls by id, in registration order. */
  finVoiceCalls: Map<number, FinVoiceCall>
  exportJobs: Map<string, ReportingExportJob>
  /** Custom-channel conversations by external_conversation_id. */
  customChannel: Map<string, CustomChannelMapping>
  /** Answers of the custom-channel events handled, by `<event> <event_id>` (a repeated event answers the same). */
  customChannelEvents: Map<string, CustomChannelMapping>
  nextId: (kind: 'finVoiceCall' | 'intercomCall' | 'exportJob') => number
}

const states = new WeakMap<EmulatorStore, Platform>()

/** The platform state of `store` (created, with the default brand and its email setting, on first use). */
export function platform (store: EmulatorStore): Platform {
  let state = states.get(store)
  if (state !== undefined) return state
  const counters = { finVoiceCall: 1, intercomCall: 1, exportJob: 1 }
  const now = store.nowSeconds()
  const brand: Brand = {
    type: 'brand',
    id: store.workspaceId,
    name: 'Default Brand',
    is_default: true,
    created_at: now,
    updated_at: now,
    help_center_id: '1',
    default_address_settings_id: DEFAULT_EMAIL_SETTING_ID
  }
  const email: EmailSetting = {
    type: 'email_setting',
    id: DEFAULT_EMAIL_SETTING_ID,
    email: 'support@sandbox.example',
    verified: true,
    domain: 'sandbox.example',
    brand_id: brand.id,
    forwarding_enabled: false,
    forwarded_email_last_received_at: null,
    created_at: now,
    updated_at: now
  }
  state = {
    brands: new Map([[brand.id, brand]]),
    emailSettings: new Map([[email.id, email]]),
    workflows: new Map(),
    finVoiceCalls: new Map(),
    exportJobs: new Map(),
    customChannel: new Map(),
    customChannelEvents: new Map(),
    nextId: (kind) => counters[kind]++
  }
  states.set(store, state)
  return state
}
