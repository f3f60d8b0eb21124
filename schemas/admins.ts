/**
 * Workspace people: Intercom's `admin` (teammate) and `team` objects, their normalised lists, and
 * the path parameters of /admins and /teams.
 */
import { Type } from '@sinclair/typebox'
import { ListSchema } from './common.js'

const NullableString = Type.Union([Type.String(), Type.Null()])

/** Intercom's admin, returned as Intercom returns it (fields beyond these pass through). */
export const AdminSchema = Type.Object({
  type: Type.String({ examples: ['admin'] }),
  id: Type.String({ examples: ['991267460'] }),
  name: Type.Optional(NullableString),
  email: Type.Optional(NullableString),
  job_title: Type.Optional(NullableString),
  away_mode_enabled: Type.Optional(Type.Boolean()),
  away_mode_reassign: Type.Optional(Type.Boolean()),
  has_inbox_seat: Type.Optional(Type.Boolean()),
  team_ids: Type.Optional(Type.Array(Type.Integer()))
}, { $id: 'Admin', title: 'Admin', additionalProperties: true, description: "Intercom's admin (teammate) object" })

/** The admins of the workspace (Intercom does not page them: next_cursor is always null). */
export const AdminListSchema = ListSchema(Type.Ref('Admin'), { $id: 'AdminList', title: 'AdminList' })

/** Intercom's team, returned as Intercom returns it. */
export const TeamSchema = Type.Object({
  type: Type.String({ examples: ['team'] }),
  id: Type.String({ examples: ['5017691'] }),
  name: Type.Optional(Type.String()),
  admin_ids: Type.Optional(Type.Array(Type.Integer()))
}, { $id: 'Team', title: 'Team', additionalProperties: true, description: "Intercom's team object" })

/** The teams of the workspace (not paged: next_cursor is always null). */
export const TeamListSchema = ListSchema(Type.Ref('Team'), { $id: 'TeamList', title: 'TeamList' })

/** `{ id }` of an admin: Intercom's admin ids are integers. */
export const AdminParamsSchema = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,20}$', description: "The admin's Intercom id", examples: ['991267460'] }) })

/** An empty query string (no parameters accepted). */
export const NoQuerySchema = Type.Object({}, { additionalProperties: false })

/** GET /admins query. */
export const ListAdminsQuerySchema = Type.Object({
  display_avatar: Type.Optional(Type.Boolean({ description: "true: include each admin's avatar URL" }))
}, { additionalProperties: false })
