/**
 * The acting admin of a write that needs one (a reply, a note, a conversation action, a message):
 * the one the caller named, else the default admin (`fastify.defaultAdminId`:
 * INTERCOM_DEFAULT_ADMIN_ID, else the token's own admin from `identifyAdmin`).
 */
import type { FastifyRequest } from 'fastify'
import type { ReplyBody } from '../../schemas/conversations.js'
import { replyAuthor, type ReplyAuthor } from './conversations.js'

/**
 * `given`, else the default admin's id.
 * @throws NoDefaultAdminError (422) when none is given and no default can be found
 */
export async function actingAdminId (request: FastifyRequest, given: string | undefined): Promise<string> {
  return given ?? await request.server.defaultAdminId(request)
}

/**
 * The author of a reply (conversations, tickets): the one the body names (`replyAuthor`), else the
 * default admin.
 * @throws InvalidInputError (400) from `replyAuthor`; NoDefaultAdminError (422)
 */
export async function replyAuthorOrDefault (request: FastifyRequest, body: ReplyBody): Promise<ReplyAuthor> {
  return replyAuthor(body) ?? { type: 'admin', admin_id: await actingAdminId(request, undefined) }
}
