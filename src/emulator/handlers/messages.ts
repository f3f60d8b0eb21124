/**
 * Messages: createMessage, an admin-initiated in-app message or email to one contact. Answers
 * Intercom's `admin_message` (with the sending admin as `owner`); as in Intercom, no conversation
 * exists until the contact replies. An email needs a subject (422 `parameter_not_found`, as Intercom).
 */
import { EmulatorError, contactNotFound, parameterInvalid } from '../errors.js'
import { helpdesk } from '../helpdesk.js'
import { bodyObject, type HandlerEntry } from './types.js'

/** The message handlers, by Intercom operationId. */
export const messageHandlers: HandlerEntry[] = [
  {
    operationId: 'createMessage',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      if (typeof body.body !== 'string' || body.body === '') throw parameterInvalid('Body is required', 'body')
      const messageType = body.message_type
      if (messageType !== 'in_app' && messageType !== 'email') throw parameterInvalid('message_type must be in_app or email', 'message_type')
      if (messageType === 'email' && (typeof body.subject !== 'string' || body.subject === '')) {
        throw new EmulatorError(422, 'No subject supplied for email message', 'parameter_not_found')
      }
      const from = bodyObject(body.from)
      const admin = store.admins.get(String(from.id))
      if (admin === undefined) throw new EmulatorError(404, 'Admin not found', 'admin_not_found')
      const recipients = Array.isArray(body.to) ? body.to : [body.to]
      for (const r of recipients) {
        const to = bodyObject(r)
        const contact = store.contacts.get(String(to.id))
        if (contact === undefined) throw contactNotFound()
        if (to.type !== contact.role) throw parameterInvalid(`to.type must be ${contact.role} for this contact`, 'to')
      }
      const out: Record<string, unknown> = {
        type: 'admin_message',
        id: helpdesk(store).nextId('adminMessage'),
        created_at: typeof body.created_at === 'number' ? body.created_at : store.nowSeconds(),
        subject: typeof body.subject === 'string' ? body.subject : '',
        body: body.body,
        message_type: messageType === 'in_app' ? 'inapp' : 'email',
        owner: { type: 'admin', id: admin.id, name: admin.name, email: admin.email, away_mode_enabled: admin.away_mode_enabled, away_mode_reassign: admin.away_mode_reassign }
      }
      return out
    }
  }
]
