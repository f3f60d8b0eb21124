/**
 * Corrections to Intercom's 2.14 description for the contact sub-resources, companies and data
 * events (spread into SPEC_PATCHES by spec-patch.ts). Same rules as there: each patch touches one
 * node, says why, and throws when its target is missing.
 */
import type { SpecPatch } from './spec-patch.js'

type Node = Record<string, unknown>

/** Walk `path` from `doc`; throw if any step is missing. */
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

/** The corrections, applied in order after the base ones. */
export const ROUTES_A_SPEC_PATCHES: SpecPatch[] = [
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
  }))
]
