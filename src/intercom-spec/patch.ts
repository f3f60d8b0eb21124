/**
 * Corrections to Intercom's OpenAPI descriptions (spec/intercom/api.intercom.io.<version>.yaml),
 * applied to a parsed document at load time (load.ts), before the request validator is built. Each
 * patch names the versions whose description has its defect (`versions`); a version gets only its
 * own patches, in list order ({@link patchesFor}).
 *
 * Each entry fixes one defect that would make the emulator or the operation catalog reject (or fail to validate) a request
 * the real Intercom accepts. Validation is never loosened as a whole: a patch touches one schema
 * node and says why. A patch whose target is missing throws, so a spec upgrade cannot silently
 * drop a correction.
 *
 * Defects seen but NOT patched (they only affect response schemas or examples, which the emulator
 * does not validate, or are harmless to Ajv); 2.14's, and still in 2.15 and 2.16:
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
import type { IntercomVersion } from './versions.js'

/** One correction: where, why, for which versions, and the in-place edit. */
export interface SpecPatch {
  /** JSON-pointer-like location of the node edited (for messages). */
  target: string
  /** Why the original is wrong. */
  reason: string
  /** The versions whose description has the defect. Default: every supported version. */
  versions?: readonly IntercomVersion[]
  /** Edit the document in place; throws when the target is gone or changed shape (the patch must be reviewed). */
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

/** The operation object at `paths[path][method]`. */
const operation = (doc: Node, path: string, method: string): Node => at(doc, ['paths', path, method])

/** Append query parameters to an operation (throws if one of that name is already declared). */
function addQueryParams (op: Node, params: Array<{ name: string, schema: Node, description: string }>): void {
  const list = (op.parameters ??= []) as Node[]
  for (const p of params) {
    if (list.some((q) => q.name === p.name && q.in === 'query')) throw new Error(`spec patch: query parameter ${p.name} is already declared`)
    list.push({ name: p.name, in: 'query', required: false, description: p.description, schema: p.schema })
  }
}

const pageParams = [
  { name: 'page', schema: { type: 'integer' }, description: 'The page of results to fetch (1-based).' },
  { name: 'per_page', schema: { type: 'integer' }, description: 'How many results per page.' }
]

/** A custom attribute / metadata value: Intercom takes strings, numbers, booleans, null and (metadata) objects. */
const freeValue = { oneOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }] }

/**
 * `nullable: true` beside a bare `oneOf` (no `type`): Ajv refuses to compile it ("nullable" cannot
 * be used without "type"). Move the nullability into the branch of type `branchType`.
 */
function nullableIntoBranch (node: Node, branchType: string, where: string): void {
  const branches = node.oneOf
  if (node.nullable !== true || node.type !== undefined || !Array.isArray(branches)) throw new Error(`spec patch: ${where} changed shape`)
  const branch = branches.find((b: Node) => b.type === branchType) as Node | undefined
  if (branch === undefined) throw new Error(`spec patch: ${where} has no ${branchType} branch`)
  delete node.nullable
  branch.nullable = true
}

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
  },
  {
    target: '/paths/~1articles/get/parameters',
    reason: 'listArticles: the description declares no query parameters, yet Intercom pages articles by page ' +
      'number (the answer carries `pages: { page, per_page, total_pages }`) and takes `page` and `per_page` ' +
      '(Intercom\'s own client, intercom-client 6.4 ListArticlesRequest: page, per_page default 15). Declare both ' +
      'as integers, so the emulator accepts the page requests Intercom accepts.',
    apply: (doc) => {
      const get = at(doc, ['paths', '/articles', 'get'])
      const params = get.parameters
      if (!Array.isArray(params)) throw new Error('spec patch: listArticles has no parameter list')
      if (params.some((p: Node) => p.name === 'page' || p.name === 'per_page')) throw new Error('spec patch: listArticles now declares page/per_page; drop this patch')
      params.push(
        { name: 'page', in: 'query', required: false, description: 'The page of results to fetch (default 1).', schema: { type: 'integer', minimum: 1 } },
        { name: 'per_page', in: 'query', required: false, description: 'Results per page (default 15).', schema: { type: 'integer', minimum: 1, maximum: 150 } }
      )
    }
  },
  // Contact sub-resources, companies and data events.
  {
    target: '/paths/~1contacts/get/parameters',
    reason: 'ListContacts: the operation\'s own description documents cursor pagination (`per_page`, default 50, and ' +
      '`starting_after`), and the answer\'s `pages.next.starting_after` is that cursor, but no query parameter is ' +
      'declared, so every page after the first would be refused. Declare both.',
    apply: (doc) => addQueryParams(operation(doc, '/contacts', 'get'), [
      { name: 'per_page', schema: { type: 'integer' }, description: 'How many results per page (default 50, at most 150).' },
      { name: 'starting_after', schema: { type: 'string' }, description: 'The previous answer\'s pages.next.starting_after.' }
    ])
  },
  {
    target: '/paths/~1contacts~1{contact_id}~1notes/get/parameters',
    reason: 'listNotes answers a page-numbered `pages` object (page, per_page, total_pages) but declares no way to ask ' +
      'for a page; the 2.11 description declared `page` and `per_page`. Declare them.',
    apply: (doc) => addQueryParams(operation(doc, '/contacts/{contact_id}/notes', 'get'), pageParams)
  },
  {
    target: '/paths/~1contacts~1{contact_id}~1companies/get/parameters',
    reason: 'listCompaniesForAContact: as listNotes (page-numbered answer; `page` and `per_page` in the 2.11 description).',
    apply: (doc) => addQueryParams(operation(doc, '/contacts/{contact_id}/companies', 'get'), pageParams)
  },
  {
    target: '/paths/~1companies~1{company_id}~1contacts/get/parameters',
    reason: 'ListAttachedContacts: as listNotes (page-numbered answer; `page` and `per_page` in the 2.11 description).',
    apply: (doc) => addQueryParams(operation(doc, '/companies/{company_id}/contacts', 'get'), pageParams)
  },
  {
    target: '/paths/~1contacts~1{contact_id}~1notes/post/parameters/contact_id',
    reason: 'createNote declares the path\'s contact_id as an integer, but contact ids are 24-hex strings (the ' +
      'operation\'s own `successful_response` example uses 6762f0ad1bb69f9f2193bb62, and listNotes on the same path ' +
      'declares a string). Make it a string.',
    apply: (doc) => {
      const params = operation(doc, '/contacts/{contact_id}/notes', 'post').parameters as Node[]
      const p = params.find((q) => q.name === 'contact_id' && q.in === 'path')
      if (p === undefined || (p.schema as Node).type !== 'integer') throw new Error('spec patch: createNote contact_id is no longer an integer')
      p.schema = { type: 'string' }
    }
  },
  {
    target: '/paths/~1events/get/parameters/filter',
    reason: 'lisDataEvents declares the identifier as one required `filter` object parameter (style form, explode), ' +
      'which is sent as `user_id=...` (or `intercom_user_id=`, `email=`) but which the validator looks for under ' +
      'the name `filter`, so no request can pass. Declare the three identifiers as optional string parameters (the ' +
      'emulator\'s handler requires exactly one), and `per_page`, which the description says the call accepts.',
    apply: (doc) => {
      const op = operation(doc, '/events', 'get')
      const params = op.parameters as Node[]
      const i = params.findIndex((q) => q.name === 'filter' && q.in === 'query')
      if (i === -1) throw new Error('spec patch: lisDataEvents has no filter parameter any more')
      params.splice(i, 1)
      addQueryParams(op, [
        { name: 'user_id', schema: { type: 'string' }, description: 'Your user id (external_id).' },
        { name: 'intercom_user_id', schema: { type: 'string' }, description: 'The contact\'s Intercom id.' },
        { name: 'email', schema: { type: 'string' }, description: 'The contact\'s email.' },
        { name: 'per_page', schema: { type: 'integer' }, description: 'Page size.' }
      ])
    }
  },
  {
    target: '/components/schemas/create_data_event_request/properties/metadata/additionalProperties',
    reason: 'createDataEvent: metadata values are declared strings only, but the operation\'s description documents ' +
      'Number values, and Rich Link (`{ url, value }`) and Monetary Amount (`{ amount, currency }`) objects. Accept them.',
    apply: (doc) => {
      const metadata = at(doc, ['components', 'schemas', 'create_data_event_request', 'properties', 'metadata'])
      if ((metadata.additionalProperties as Node | undefined)?.type !== 'string') throw new Error('spec patch: create_data_event_request.metadata changed shape')
      metadata.additionalProperties = freeValue
    }
  },
  ...['create_or_update_company_request', 'update_company_request'].map((name): SpecPatch => ({
    target: `/components/schemas/${name}/properties/custom_attributes/additionalProperties`,
    reason: `${name}: custom attribute values are declared strings only, but company data attributes may be numbers, ` +
      'booleans or dates (Unix seconds) as well, as for contacts. Accept string, number, boolean and null.',
    apply: (doc) => {
      const ca = at(doc, ['components', 'schemas', name, 'properties', 'custom_attributes'])
      if ((ca.additionalProperties as Node | undefined)?.type !== 'string') throw new Error(`spec patch: ${name}.custom_attributes changed shape`)
      ca.additionalProperties = { oneOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }] }
    }
  })),
  {
    target: '/components/schemas/update_data_attribute_request/oneOf',
    reason: 'updateDataAttribute: the body is `oneOf` ["list attribute" (requires `options`), "other type" (no ' +
      'constraint)]. A body with `options` matches both branches, so oneOf refuses it, including the operation\'s own ' +
      '`successful` example; only bodies without options could pass. Intercom takes either: make it `anyOf`.',
    apply: (doc) => {
      const node = at(doc, schema('update_data_attribute_request'))
      if (!Array.isArray(node.oneOf) || node.oneOf.length !== 2) throw new Error('spec patch: update_data_attribute_request.oneOf changed shape')
      node.anyOf = node.oneOf
      delete node.oneOf
    }
  },
  ...([['/export/reporting_data/{job_identifier}', 'the export job status'], ['/download/reporting_data/{job_identifier}', 'the export download']] as const).map(([path, what]): SpecPatch => ({
    target: `/paths/${path.replace(/\//g, '~1')}/get/parameters/job_identifier`,
    reason: `The reporting-data export operation GET ${path} (${what}) declares \`job_identifier\` as a required ` +
      'QUERY parameter, but it is the path\'s `{job_identifier}` segment (the enqueue answer\'s job_identifier goes in ' +
      'the path); as declared, the path parameter is undeclared and every request lacks the query one. Declare it in the path.',
    apply: (doc) => {
      const params = operation(doc, path, 'get').parameters as Node[]
      const p = params.find((q) => q.name === 'job_identifier')
      if (p === undefined || p.in !== 'query') throw new Error(`spec patch: GET ${path} job_identifier is no longer a query parameter`)
      p.in = 'path'
      p.required = true
    }
  })),
  // 2.15 and 2.16 only.
  ...['create_content_import_source_request', 'update_content_import_source_request'].map((name): SpecPatch => ({
    target: `/components/schemas/${name}/properties/audience_ids`,
    versions: ['2.15', '2.16'],
    reason: `${name}: \`audience_ids\` (new in 2.15) has \`nullable: true\` next to a bare \`oneOf\` [integer, array of ` +
      'integers], which Ajv refuses to compile, so no content import source could be created or updated. Move the ' +
      'nullability into the integer branch: null still matches exactly one branch.',
    apply: (doc) => nullableIntoBranch(at(doc, [...schema(name), 'properties', 'audience_ids']), 'integer', `${name}.audience_ids`)
  })),
  {
    target: '/paths/~1fin_voice~1phone_number~1{phone_number}/get/responses/200',
    versions: ['2.15', '2.16'],
    reason: 'collectFinVoiceCallByPhoneNumber documents only its 401 and 404 answers, no success answer, although its ' +
      'description says it returns the call, as collectFinVoiceCallById on the same resource does (with a 200 ' +
      '"AI Call Response"). Declare that same 200, so the catalog and the emulator know what a found call looks like.',
    apply: (doc) => {
      const responses = at(doc, ['paths', '/fin_voice/phone_number/{phone_number}', 'get', 'responses'])
      if ('200' in responses) throw new Error('spec patch: collectFinVoiceCallByPhoneNumber now declares a 200; drop this patch')
      responses['200'] = structuredClone(at(doc, ['paths', '/fin_voice/collect/{id}', 'get', 'responses', '200']))
    }
  }
]

/** The patches of `version`'s description, in list order. */
export function patchesFor (version: IntercomVersion): SpecPatch[] {
  return SPEC_PATCHES.filter((p) => p.versions === undefined || p.versions.includes(version))
}

/**
 * Apply `version`'s patches to its parsed OpenAPI document, in place. Returns the document.
 * Throws (naming the version) when a patch's target is gone.
 */
export function applySpecPatches<T extends Record<string, unknown>> (doc: T, version: IntercomVersion): T {
  for (const patch of patchesFor(version)) {
    try {
      patch.apply(doc)
    } catch (err) {
      throw new Error(`Intercom ${version} description: ${(err as Error).message}`, { cause: err })
    }
  }
  return doc
}
