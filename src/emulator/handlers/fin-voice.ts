/**
 * Fin Voice calls (2.15, 2.16; platform.ts `finVoiceCalls`): registerFinVoiceCall stores the call
 * (status `registered`, `source` default `aws_connect`) and links it, as Intercom does, to a new
 * Intercom call id and a new conversation of the caller (the contact with that phone number, else
 * a new lead with it); a second registration of the same `call_id` is a 409 conflict. The look-ups
 * find what was registered: collectFinVoiceCallById (the answer's integer `id`),
 * collectFinVoiceCallByExternalId (the registered `call_id`), collectFinVoiceCallByPhoneNumber (the
 * most recently registered call of that number), each a 404 not_found when there is none, and
 * collectFinVoiceCallsByConversationId (every call of the conversation, oldest first; [] for none).
 * Answers are the description's ai_call_response.
 */
import { EmulatorError } from '../errors.js'
import { contactConversation } from '../models.js'
import { APP_NUMERIC_ID, platform, type FinVoiceCall } from '../platform.js'
import type { EmulatorStore } from '../store.js'
import { bodyObject, type HandlerEntry } from './types.js'

/** A call as the description's ai_call_response has it. */
function render (c: FinVoiceCall): Record<string, unknown> {
  const { source: _s, data: _d, registered_at: _r, ...answer } = c
  return answer
}

const callNotFound = (): EmulatorError => new EmulatorError(404, 'Fin Voice call not found', 'not_found')

/** The caller's conversation for a new call: their contact by phone number (else a new lead), and a new conversation. */
function callConversation (store: EmulatorStore, phone: string, at: number): string {
  const contact = [...store.contacts.values()].find((c) => c.phone === phone) ?? store.createContact({ role: 'lead', phone })
  const conversation = contactConversation({ conversation: store.newConversationId(), message: store.newMessageId() }, contact, { body: `Fin Voice call from ${phone}`, createdAt: at })
  store.conversations.set(conversation.id, conversation)
  return conversation.id
}

/** The Fin Voice handlers, by Intercom operationId. */
export const finVoiceHandlers: HandlerEntry[] = [
  {
    operationId: 'registerFinVoiceCall',
    handler: ({ store, body }) => {
      const input = bodyObject(body)
      const calls = platform(store).finVoiceCalls
      const phone = String(input.phone_number)
      const callId = String(input.call_id)
      if ([...calls.values()].some((c) => c.external_call_id === callId)) throw new EmulatorError(409, `A Fin Voice call with call_id ${callId} is already registered`, 'conflict')
      const now = store.nowSeconds()
      const state = platform(store)
      const call: FinVoiceCall = {
        id: state.nextId('finVoiceCall'),
        app_id: APP_NUMERIC_ID,
        user_phone_number: phone,
        status: 'registered',
        intercom_call_id: String(state.nextId('intercomCall')),
        external_call_id: callId,
        intercom_conversation_id: callConversation(store, phone, now),
        call_transcript: [],
        call_summary: '',
        intent: [],
        source: typeof input.source === 'string' ? input.source : 'aws_connect',
        data: typeof input.data === 'object' && input.data !== null ? input.data as Record<string, unknown> : null,
        registered_at: now
      }
      calls.set(call.id, call)
      return render(call)
    }
  },
  {
    operationId: 'collectFinVoiceCallById',
    handler: ({ store, params }) => {
      const call = platform(store).finVoiceCalls.get(Number(params.id))
      if (call === undefined) throw callNotFound()
      return render(call)
    }
  },
  {
    operationId: 'collectFinVoiceCallByExternalId',
    handler: ({ store, params }) => {
      const call = [...platform(store).finVoiceCalls.values()].find((c) => c.external_call_id === params.external_id)
      if (call === undefined) throw callNotFound()
      return render(call)
    }
  },
  {
    operationId: 'collectFinVoiceCallByPhoneNumber',
    handler: ({ store, params }) => {
      const call = [...platform(store).finVoiceCalls.values()].filter((c) => c.user_phone_number === params.phone_number).at(-1)
      if (call === undefined) throw callNotFound()
      return render(call)
    }
  },
  {
    operationId: 'collectFinVoiceCallsByConversationId',
    handler: ({ store, params }) =>
      [...platform(store).finVoiceCalls.values()].filter((c) => c.intercom_conversation_id === params.conversation_id).map(render)
  }
]
