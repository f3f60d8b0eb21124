/**
 * The query of a facade list: `per_page`, `starting_after` (the previous `next_cursor`) and
 * `all=true` (every page, streamed as NDJSON).
 */
import { Type, type Static } from '@sinclair/typebox'
import { PageQueryProps } from './common.js'

/** `?all=true` on a list: every page as NDJSON. */
export const AllQueryProp = {
  all: Type.Optional(Type.Boolean({ description: 'true: stream every item of every page as NDJSON (application/x-ndjson), one JSON object a line, instead of one page' }))
}

/** `per_page`, `starting_after` and `all`, nothing else. */
export const ListQuerySchema = Type.Object({ ...PageQueryProps, ...AllQueryProp }, { additionalProperties: false })
export type ListQuery = Static<typeof ListQuerySchema>
