/**
 * The handler table: every implemented Intercom operation, by operationId. To add operations,
 * write a handlers/<area>.ts exporting `HandlerEntry[]` and spread it here; the router matches
 * requests to operationIds from the OpenAPI description's paths, so no route needs declaring.
 * The few operations Intercom serves that no description has (the custom-channel events) are not
 * in this table: handlers/custom-channel.ts declares their routes (CUSTOM_CHANNEL_ROUTES).
 */
import { adminHandlers } from './admins.js'
import { contactHandlers } from './contacts.js'
import { conversationHandlers } from './conversations.js'
import { contactRelationHandlers } from './contact-relations.js'
import { companyHandlers } from './companies.js'
import { tagHandlers } from './tags.js'
import { eventHandlers } from './events.js'
import { conversationManageHandlers } from './conversations-manage.js'
import { messageHandlers } from './messages.js'
import { ticketHandlers } from './tickets.js'
import { articleHandlers } from './articles.js'
import { workspaceHandlers } from './workspace.js'
import { finVoiceHandlers } from './fin-voice.js'
import { reportingExportHandlers } from './reporting-export.js'
import type { HandlerEntry, OperationHandler } from './types.js'

/** All implemented operations. */
export const HANDLER_TABLE: readonly HandlerEntry[] = [
  ...contactRelationHandlers,
  ...companyHandlers,
  ...tagHandlers,
  ...eventHandlers,
  ...adminHandlers,
  ...contactHandlers,
  ...conversationHandlers,
  ...conversationManageHandlers,
  ...messageHandlers,
  ...ticketHandlers,
  ...articleHandlers,
  ...workspaceHandlers,
  ...finVoiceHandlers,
  ...reportingExportHandlers
]

/**
 * The table as a map, after checking each operationId appears once (throws otherwise). A handler
 * serves every version whose description has its operation; that each operationId is in at least
 * one description (no typo, no unreachable handler) is checked by test/emulator/versions.test.ts,
 * so that building the emulator needs no description.
 */
export function handlerMap (table: readonly HandlerEntry[] = HANDLER_TABLE): Map<string, OperationHandler> {
  const map = new Map<string, OperationHandler>()
  for (const { operationId, handler } of table) {
    if (map.has(operationId)) throw new Error(`emulator: two handlers for ${operationId}`)
    map.set(operationId, handler)
  }
  return map
}
