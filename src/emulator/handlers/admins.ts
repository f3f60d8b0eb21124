/**
 * Admins: identifyAdmin (GET /me) answers the token's admin with its workspace (`app`).
 * The store always holds that admin (default id '991267460').
 * listAdmins / retrieveAdmin answer the store's admins in the examples' shape (the avatar only
 * with `display_avatar=true`); listTeams / retrieveTeam answer the help-desk teams.
 */
import { EmulatorError } from '../errors.js'
import { helpdesk } from '../helpdesk.js'
import { renderMe, type Admin } from '../models.js'
import { queryValue, type HandlerEntry } from './types.js'

/** An admin as listAdmins / retrieveAdmin answer it. */
function renderAdmin (admin: Admin, withAvatar: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'admin',
    id: admin.id,
    name: admin.name,
    email: admin.email,
    job_title: admin.job_title,
    away_mode_enabled: admin.away_mode_enabled,
    away_mode_reassign: admin.away_mode_reassign,
    away_status_reason_id: null,
    has_inbox_seat: admin.has_inbox_seat,
    team_ids: admin.team_ids
  }
  if (withAvatar) out.avatar = admin.avatar.image_url
  return out
}

/** The admin handlers, by Intercom operationId. */
export const adminHandlers: HandlerEntry[] = [
  {
    operationId: 'identifyAdmin',
    handler: ({ store }) => renderMe(store.me(), store.app)
  },
  {
    operationId: 'listAdmins',
    handler: ({ store, query }) => ({
      type: 'admin.list',
      admins: [...store.admins.values()].map((a) => renderAdmin(a, queryValue(query, 'display_avatar') === 'true'))
    })
  },
  {
    operationId: 'retrieveAdmin',
    handler: ({ store, params }) => {
      const admin = store.admins.get(params.admin_id)
      if (admin === undefined) throw new EmulatorError(404, 'Admin not found', 'admin_not_found')
      return renderAdmin(admin, false)
    }
  },
  {
    operationId: 'listTeams',
    handler: ({ store }) => ({ type: 'team.list', teams: [...helpdesk(store).teams.values()] })
  },
  {
    operationId: 'retrieveTeam',
    handler: ({ store, params }) => {
      const team = helpdesk(store).teams.get(params.team_id)
      if (team === undefined) throw new EmulatorError(404, 'Team not found', 'team_not_found')
      return team
    }
  }
]
