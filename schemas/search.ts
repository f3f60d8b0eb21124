/**
 * The search body shared by the search routes (contacts, conversations, tickets): exactly one of
 * three forms — Intercom's `query` object, the shorthand `field`/`operator`/`value`, or a `filter`
 * formula — plus paging (`per_page`/`starting_after`, or Intercom's `pagination` object) and sorting.
 */
import { Type, type Static } from '@sinclair/typebox'
import { PageQueryProps } from './common.js'

/** The operators of the shorthand form (Intercom's, plus `>=`/`<=`). */
export const SearchOperatorSchema = Type.Union(['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<=', '~', '!~', '^', '$'].map((o) => Type.Literal(o)))

/** A search body: exactly one of `query`, shorthand or `filter`; plus paging and sorting. */
export const SearchBodySchema = Type.Object({
  query: Type.Optional(Type.Object({}, { additionalProperties: true, description: "Intercom's query object, passed through as is (Intercom's nesting and group-size limits are checked first)" })),
  field: Type.Optional(Type.String({ minLength: 1, maxLength: 255, examples: ['email'] })),
  operator: Type.Optional(SearchOperatorSchema),
  value: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.Union([Type.String(), Type.Number()]))])),
  filter: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: "Filter formula, e.g. role = 'user' AND (created_at > '2024-01-01' OR email ~ 'acme'): AND/OR, parentheses, = != > >= < <= ~ !~ ^ $ IN NIN, quoted strings, numbers, true/false/null, [a, b] lists; ISO dates become Unix seconds", examples: ["role = 'user' AND email ~ 'example.com'"] })),
  ...PageQueryProps,
  pagination: Type.Optional(Type.Object(PageQueryProps, { additionalProperties: false, description: "Intercom's own paging object, the same as top-level per_page / starting_after (give one or the other)" })),
  sort_field: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  sort_order: Type.Optional(Type.Union([Type.Literal('ascending'), Type.Literal('descending')]))
}, {
  additionalProperties: false,
  examples: [
    { field: 'email', operator: '=', value: 'ada@example.com' },
    { filter: "role = 'user' AND created_at > '2024-01-01'", per_page: 50 },
    { query: { operator: 'AND', value: [{ field: 'role', operator: '=', value: 'user' }] }, per_page: 50 }
  ]
})
export type SearchBody = Static<typeof SearchBodySchema>
