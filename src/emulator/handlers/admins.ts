/**
 * Admins: identifyAdmin (GET /me) answers the token's admin with its workspace (`app`).
 * The store always holds that admin (default id '991267460').
 */
import { renderMe } from '../models.js'
import type { HandlerEntry } from './types.js'

/** The admin handlers, by Intercom operationId. */
export const adminHandlers: HandlerEntry[] = [
  {
    operationId: 'identifyAdmin',
    handler: ({ store }) => renderMe(store.me(), store.app)
  }
]
