/**
 * Corrections to Intercom's OpenAPI 2.14 description (spec/intercom/api.intercom.io.2.14.yaml),
 * applied to the parsed document at load time (load.ts), before the request validator is built.
 *
 * Each entry fixes one defect that would make the emulator or the operation catalog reject (or fail to validate) a request
 * the real Intercom accepts. Validation is never loosened as a whole: a patch touches one schema
 * node and says why. A patch whose target is missing throws, so a spec upgrade cannot silently
 * drop a correction.
 *
 * Defects seen but NOT patched (they only affect response schemas or examples, which the emulator
 * does not validate, or are harmless to Ajv):
 * - Integer Unix-seconds fields declared `format: date-time` (contact.created_at, create_contact_request
 *   .signed_up_at / .last_seen_at, create_conversation_request.created_at, conversation.*_at, ...):
 *   wrong, but Ajv applies string formats to strings only, so integers still pass.
 *   replyConversation's `created_at` (admin and contact reply) is a plain integer: fine.
 * - replyConversation request examples `admin_note_reply` / `admin_quick_reply_reply` send `admin_id` as
 *   an integer although admin_reply_conversation_request.admin_id is a string (callers must send a string).
 * - replyConversation request example `contact_quick_reply_reply` uses message_type `quick_reply` and no
 *   `body`, which contact_reply_base_request (enum [comment], body required) does not allow.
 * - retrieveConversation response example: conversation_parts[].id are integers (schema: string).
 * - identifyAdmin response example: app.secure is not in the `app` schema.
 * - Contact response examples omit `email_domain` which the `contact` schema lists.
 */

/** One correction: where, why, and the in-place edit. */
export interface SpecPatch {
  /** JSON-pointer-like location of the node edited (for messages). */
  target: string
  /** Why the original is wrong. */
  reason: string
  apply: (doc: Record<string, unknown>) => void
}

type Node = Record<string, unknown>

/** Walk `path` from `doc`; throw if any step is missing (the spec changed and the patch must be reviewed). */
function at (doc: Node, path: string[]): Node {
  let node: unknown = doc
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(key in (node as Node))) {
      throw new Error(`spec patch target missing: /${path.join('/')} (stopped at ${key})`)
    }
    node = (node as Node)[key]
  }
  if (node === null || typeof node !== 'object') throw new Error(`spec patch target is not an object: /${path.join('/')}`)
  return node as Node
}

const schema = (name: string): string[] => ['components', 'schemas', name]

/** The list of corrections, applied in order by {@link applySpecPatches}. */
export const SPEC_PATCHES: SpecPatch[] = [
  {
    target: '/components/schemas/create_conversation_request/properties/from/properties/id',
    reason: 'createConversation: from.id is declared `format: uuid` with minLength/maxLength 24, but contact ids are ' +
      '24-hex strings (the property\'s own example 536e564f316c83104c000020 is not a uuid), and the operation\'s ' +
      '`contact_not_found` example sends id "123_doesnt_exist" and documents a 404, not a validation error. ' +
      'Drop the format and the length bounds; it stays a required string.',
    apply: (doc) => {
      const id = at(doc, [...schema('create_conversation_request'), 'properties', 'from', 'properties', 'id'])
      if (id.format !== 'uuid') throw new Error('spec patch: create_conversation_request.from.id is no longer format uuid')
      delete id.format
      delete id.minLength
      delete id.maxLength
    }
  },
  {
    target: '/components/schemas/single_filter_search_request/properties/value',
    reason: 'SearchContacts: `value` has `nullable: true` next to a bare `oneOf` (no `type`), which Ajv refuses to ' +
      'compile ("nullable" cannot be used without "type"), so no search request could be validated. Move the ' +
      'nullability into the string branch: null still matches exactly one branch.',
    apply: (doc) => {
      const value = at(doc, [...schema('single_filter_search_request'), 'properties', 'value'])
      const branches = value.oneOf
      if (value.nullable !== true || !Array.isArray(branches)) throw new Error('spec patch: single_filter_search_request.value changed shape')
      delete value.nullable
      const stringBranch = branches.find((b: Node) => b.type === 'string') as Node | undefined
      if (stringBranch === undefined) throw new Error('spec patch: single_filter_search_request.value has no string branch')
      stringBranch.nullable = true
    }
  },
  {
    target: '/components/schemas/multiple_filter_search_request/properties/value',
    reason: 'SearchContacts: a group\'s `value` is `oneOf` [array of groups, array of filters], which rejects the ' +
      'documented mixed nesting such as `(1 OR 2) AND 3` = AND[group, filter] (and an empty array matches both ' +
      'branches). Intercom accepts a mix: make it one array whose items are a group or a filter.',
    apply: (doc) => {
      const group = at(doc, [...schema('multiple_filter_search_request'), 'properties'])
      const value = at(group, ['value'])
      if (!Array.isArray(value.oneOf)) throw new Error('spec patch: multiple_filter_search_request.value changed shape')
      group.value = {
        type: 'array',
        description: 'Filters and/or nested groups.',
        items: {
          anyOf: [
            { $ref: '#/components/schemas/multiple_filter_search_request' },
            { $ref: '#/components/schemas/single_filter_search_request' }
          ]
        }
      }
    }
  }
]

/** Apply every {@link SPEC_PATCHES} entry to a parsed OpenAPI document, in place. Returns the document. */
export function applySpecPatches<T extends Record<string, unknown>> (doc: T): T {
  for (const patch of SPEC_PATCHES) patch.apply(doc)
  return doc
}
