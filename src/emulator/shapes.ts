/**
 * The emulator's answers in the shape of the request's Intercom version. Objects are stored (and
 * built by the handlers) in 2.14's shapes; from 2.16 Intercom answers some fields with other types,
 * and the emulator does too, as Intercom's 2.16 description says:
 * - a contact's `owner_id` is a string (an integer before 2.16);
 * - a conversation's `admin_assignee_id` / `team_assignee_id` is an integer, `0` when unassigned
 *   (null before 2.16);
 * - a ticket's `admin_assignee_id` / `team_assignee_id` is an integer, `0` when unassigned (a
 *   string before 2.16).
 * Articles are the one object whose FIELD SET differs by version; handlers build every field of
 * every version and {@link articleShape} keeps the version's (article_list_item, + statistics):
 * - 2.14 and 2.15: `parent_id` and `parent_type` beside `parent_ids`;
 * - 2.16: no `parent_id` / `parent_type`; `body_markdown`, `has_unpublished_changes`,
 *   `draft_updated_at`, the three `ai_*_availability` flags, `created_by_id`, `updated_by_id`,
 *   `exclude_from_article_suggestions`, `help_center_audience`, `scheduled_publish_at` and
 *   `scheduled_unpublish_at` added.
 * Kept independent of the facade's own reading of the same changes (src/facade/versions.ts), so
 * that each checks the other.
 */
import { versionAtLeast, type IntercomVersion } from '../intercom-spec/versions.js'

type Obj = Record<string, unknown>

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)

/** An assignee id as 2.16 has it: an integer, 0 for none. */
function assignee (v: unknown): unknown {
  if (v === null || v === undefined || v === '') return 0
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v)
  return v
}

function reshape (x: unknown): void {
  if (Array.isArray(x)) {
    for (const item of x) reshape(item)
    return
  }
  if (!isObj(x)) return
  if (x.type === 'contact' && typeof x.owner_id === 'number') x.owner_id = String(x.owner_id)
  if (x.type === 'conversation' || x.type === 'ticket') {
    if ('admin_assignee_id' in x) x.admin_assignee_id = assignee(x.admin_assignee_id)
    if ('team_assignee_id' in x) x.team_assignee_id = assignee(x.team_assignee_id)
  }
  for (const v of Object.values(x)) if (typeof v === 'object' && v !== null) reshape(v)
}

/** `body` as version `version` answers it: the same object before 2.16, else a reshaped copy (stored objects are never changed). */
export function answerShape (body: unknown, version: IntercomVersion | undefined): unknown {
  if (version === undefined || !versionAtLeast(version, '2.16') || typeof body !== 'object' || body === null) return body
  const copy = JSON.parse(JSON.stringify(body)) as unknown
  reshape(copy)
  return copy
}

/** article_list_item's properties in 2.14 and 2.15, in the description's order. */
export const ARTICLE_FIELDS_2_14: readonly string[] = ['type', 'id', 'workspace_id', 'title', 'description', 'body', 'author_id', 'state',
  'created_at', 'updated_at', 'url', 'parent_id', 'parent_ids', 'parent_type', 'default_locale', 'translated_content', 'tags']

/** article_list_item's properties in 2.16, in the description's order. */
export const ARTICLE_FIELDS_2_16: readonly string[] = ['type', 'id', 'workspace_id', 'title', 'description', 'body', 'body_markdown', 'author_id',
  'state', 'created_at', 'updated_at', 'has_unpublished_changes', 'draft_updated_at', 'url', 'parent_ids', 'ai_chatbot_availability',
  'ai_copilot_availability', 'ai_sales_agent_availability', 'created_by_id', 'updated_by_id', 'exclude_from_article_suggestions',
  'help_center_audience', 'scheduled_publish_at', 'scheduled_unpublish_at', 'default_locale', 'translated_content', 'tags']

/**
 * An article as `version` answers it: the version's article_list_item fields of `full` (which
 * holds every version's), and `statistics` when `full` has it (the `article` schema).
 */
export function articleShape (full: Record<string, unknown>, version: IntercomVersion | undefined): Record<string, unknown> {
  const fields = version !== undefined && versionAtLeast(version, '2.16') ? ARTICLE_FIELDS_2_16 : ARTICLE_FIELDS_2_14
  const out: Record<string, unknown> = {}
  for (const k of fields) if (k in full) out[k] = full[k]
  if ('statistics' in full) out.statistics = full.statistics
  return out
}
