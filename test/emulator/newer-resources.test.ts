import { test } from 'tap'
import { SEED_IDS } from '../../src/emulator/index.js'
import { MAX_PENDING_EXPORT_JOBS } from '../../src/emulator/handlers/reporting-export.js'
import { build, json, seedContact, upstream } from '../helper.js'
import { answerErrors, harness, isErrorList } from './helpers.js'

const WORKSPACE = 'sbx0emu1'

test('brands and email settings (2.16): seeded, listed, each found by its id; an unknown id is a 404', async (t) => {
  const { call, emulator } = await harness(t, { seed: true }, '2.16')
  const brands = await call('GET', '/brands')
  t.equal(brands.status, 200)
  t.same(await answerErrors('2.16', 'listBrands', 200, brands.body), [])
  t.match(brands.body, { type: 'list', data: [{ type: 'brand', id: WORKSPACE, is_default: true }, { type: 'brand', id: SEED_IDS.premiumBrand, is_default: false, name: 'Sandbox Premium' }] })
  t.equal(brands.body.data.length, 2)
  for (const brand of brands.body.data) {
    const one = await call('GET', `/brands/${brand.id as string}`)
    t.same(one.body, brand, `retrieveBrand ${brand.id as string}`)
    t.same(await answerErrors('2.16', 'retrieveBrand', 200, one.body), [])
  }
  const noBrand = await call('GET', '/brands/404404')
  t.equal(noBrand.status, 404)
  t.ok(isErrorList(noBrand.body, 'not_found'))
  t.equal(noBrand.body.errors[0].message, 'Brand not found')

  const emails = await call('GET', '/emails')
  t.same(await answerErrors('2.16', 'listEmails', 200, emails.body), [])
  t.same(emails.body.data.map((e: { id: string, brand_id: string }) => [e.id, e.brand_id]), [['1', WORKSPACE], [SEED_IDS.premiumEmailSetting, SEED_IDS.premiumBrand]], 'each brand\'s sender address')
  for (const email of emails.body.data) {
    const one = await call('GET', `/emails/${email.id as string}`)
    t.same(one.body, email)
    t.same(await answerErrors('2.16', 'retrieveEmail', 200, one.body), [])
  }
  const noEmail = await call('GET', '/emails/777')
  t.equal(noEmail.status, 404)
  t.equal(noEmail.body.errors[0].message, 'Email setting not found')
  t.same(emulator.violations, [])
  t.equal((await call('GET', '/brands', undefined, { headers: { 'intercom-version': '2.14' } })).status, 404, 'not in 2.14')
})

test('an emulator without seed still has its default brand and sender address', async (t) => {
  const { call } = await harness(t, {}, '2.16')
  t.same((await call('GET', '/brands')).body.data.map((b: { id: string }) => b.id), [WORKSPACE])
  t.same((await call('GET', '/emails')).body.data.map((e: { id: string }) => e.id), ['1'])
  t.equal((await call('GET', '/export/workflows/1001')).status, 404, 'workflows come with the seed')
})

test('exportWorkflow (2.16): a seeded workflow\'s export; an unknown id is a 404', async (t) => {
  const { call } = await harness(t, { seed: true }, '2.16')
  const res = await call('GET', `/export/workflows/${SEED_IDS.liveWorkflow}`)
  t.equal(res.status, 200)
  t.same(await answerErrors('2.16', 'exportWorkflow', 200, res.body), [])
  t.match(res.body, { export_version: '1.0', exported_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, app_id: Number, workflow: { id: SEED_IDS.liveWorkflow, title: 'Route billing questions', state: 'live', created_at: /Z$/, target_channels: ['chat', 'email'] } })
  t.match((await call('GET', `/export/workflows/${SEED_IDS.draftWorkflow}`)).body.workflow, { state: 'draft', description: null })
  const missing = await call('GET', '/export/workflows/12345')
  t.equal(missing.status, 404)
  t.ok(isErrorList(missing.body, 'not_found'))
  t.equal(missing.body.errors[0].message, 'Workflow not found')
})

test('Fin Voice (2.16): register stores the call; the collect look-ups find it by id, external id, phone number and conversation', async (t) => {
  const { call, emulator } = await harness(t, { seed: true }, '2.16')
  const first = await call('POST', '/fin_voice/register', { phone_number: '+15550001111', call_id: 'ext-1', source: 'five9', data: { queue: 'billing' } })
  t.equal(first.status, 200)
  t.same(await answerErrors('2.16', 'registerFinVoiceCall', 200, first.body), [])
  t.match(first.body, { id: Number, app_id: Number, user_phone_number: '+15550001111', status: 'registered', external_call_id: 'ext-1', intercom_call_id: String, intercom_conversation_id: String, call_transcript: [], intent: [] })
  t.notOk('source' in first.body || 'data' in first.body, 'only ai_call_response fields')
  const conversation = await call('GET', `/conversations/${first.body.intercom_conversation_id as string}`)
  t.equal(conversation.status, 200, 'the call\'s conversation exists')
  const lead = await call('GET', `/contacts/${conversation.body.contacts.contacts[0].id as string}`)
  t.match(lead.body, { role: 'lead', phone: '+15550001111' }, 'a new lead for an unknown number')

  const second = await call('POST', '/fin_voice/register', { phone_number: '+15550001111', call_id: 'ext-2' })
  t.equal(second.status, 200)
  t.not(second.body.id, first.body.id)
  const again = await call('POST', '/fin_voice/register', { phone_number: '+15550002222', call_id: 'ext-1' })
  t.equal(again.status, 409, 'a call_id registers once')
  t.ok(isErrorList(again.body, 'conflict'))

  const byId = await call('GET', `/fin_voice/collect/${first.body.id as number}`)
  t.same(byId.body, first.body)
  t.same(await answerErrors('2.16', 'collectFinVoiceCallById', 200, byId.body), [])
  t.same((await call('GET', '/fin_voice/external_id/ext-2')).body, second.body)
  const byPhone = await call('GET', `/fin_voice/phone_number/${encodeURIComponent('+15550001111')}`)
  t.same(byPhone.body, second.body, 'the most recent call of the number')
  const byConversation = await call('GET', `/fin_voice/conversation/${first.body.intercom_conversation_id as string}`)
  t.same(byConversation.body, [first.body])
  t.same(await answerErrors('2.16', 'collectFinVoiceCallsByConversationId', 200, byConversation.body), [])
  t.same((await call('GET', '/fin_voice/conversation/999999')).body, [], 'no calls: an empty list')
  for (const path of ['/fin_voice/collect/987654', '/fin_voice/external_id/nope', `/fin_voice/phone_number/${encodeURIComponent('+19990000000')}`]) {
    const miss = await call('GET', path)
    t.equal(miss.status, 404, path)
    t.ok(isErrorList(miss.body, 'not_found'))
  }
  t.equal((await call('POST', '/fin_voice/register', { call_id: 'ext-3' })).status, 400, 'phone_number is required')
  t.same(emulator.violations.length, 1)
})

test('reporting-data export: datasets, enqueue → status (pending, then complete) → download as CSV', async (t) => {
  const { call, emulator } = await harness(t, { seed: true }, '2.16')
  const datasets = await call('GET', '/export/reporting_data/get_datasets')
  t.equal(datasets.status, 200)
  t.same(await answerErrors('2.16', 'getExportReportingDataGetDatasets', 200, datasets.body), [])
  t.match(datasets.body.data, [{ id: 'conversation', default_time_attribute_id: 'conversation_started_at' }, { id: 'ticket' }])
  t.equal(emulator.requests.at(-1)?.operationId, 'getExportReportingDataGetDatasets', 'routed by its derived name')

  const now = Math.floor(Date.now() / 1000)
  const enqueued = await call('POST', '/export/reporting_data/enqueue', { dataset_id: 'conversation', attribute_ids: ['conversation.conversation_id', 'conversation_state'], start_time: now - 86400, end_time: now + 60 })
  t.equal(enqueued.status, 200)
  t.same(await answerErrors('2.16', 'postExportReportingDataEnqueue', 200, enqueued.body), [])
  t.match(enqueued.body, { job_identifier: String, status: 'pending' })
  const job = enqueued.body.job_identifier as string
  t.equal(emulator.requests.at(-1)?.operationId, 'postExportReportingDataEnqueue')

  const early = await call('GET', `/download/reporting_data/${job}?app_id=${WORKSPACE}`, undefined, { headers: { accept: 'application/octet-stream' } })
  t.equal(early.status, 404, 'not downloadable before it is complete')
  const status1 = await call('GET', `/export/reporting_data/${job}?app_id=${WORKSPACE}&client_id=c`)
  t.equal(status1.status, 200)
  t.same(await answerErrors('2.16', 'getExportReportingDataByJobIdentifier', 200, status1.body), [])
  t.match(status1.body, { job_identifier: job, status: 'pending' }, 'the first poll: pending')
  t.match((await call('GET', `/export/reporting_data/${job}?app_id=${WORKSPACE}&client_id=c`)).body, { status: 'complete' }, 'complete from the second poll on')

  const res = await fetch(`${emulator.url}/download/reporting_data/${job}?app_id=${WORKSPACE}`, { headers: { authorization: `Bearer ${emulator.token}`, accept: 'application/octet-stream', 'intercom-version': '2.16' } })
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^application\/octet-stream/)
  t.equal(emulator.requests.at(-1)?.operationId, 'getDownloadReportingDataByJobIdentifier')
  t.same((await res.text()).split('\r\n'), ['conversation.conversation_id,conversation_state', `${SEED_IDS.conversation},open`, ''], 'a header line of the attributes asked, then the seeded conversation')

  const wrongApp = await call('GET', `/export/reporting_data/${job}?app_id=other&client_id=c`)
  t.equal(wrongApp.status, 404)
  t.equal(wrongApp.body.errors[0].message, `Export job not found for identifier: ${job}`)
  t.equal((await call('GET', `/export/reporting_data/job_nope?app_id=${WORKSPACE}&client_id=c`)).status, 404)
  t.equal((await call('GET', `/export/reporting_data/${job}?app_id=${WORKSPACE}`)).status, 400, 'client_id is required')
})

test('reporting-data export refuses unknown datasets and attributes, and more than 5 pending jobs', async (t) => {
  const { call } = await harness(t, {}, '2.14')
  const body = { dataset_id: 'conversation', attribute_ids: ['conversation_id'], start_time: 0, end_time: 1 }
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...body, dataset_id: 'imaginary' }, 'imaginary is not a valid dataset_id'],
    [{ ...body, attribute_ids: [] }, 'attribute_ids must contain at least one attribute_id'],
    [{ ...body, attribute_ids: ['non_existent'] }, 'attribute_ids invalid for conversation dataset: non_existent']
  ]
  for (const [b, message] of cases) {
    const res = await call('POST', '/export/reporting_data/enqueue', b)
    t.equal(res.status, 400)
    t.ok(isErrorList(res.body, 'bad_request'))
    t.equal(res.body.errors[0].message, message)
  }
  for (let i = 0; i < MAX_PENDING_EXPORT_JOBS; i++) t.equal((await call('POST', '/export/reporting_data/enqueue', body)).status, 200)
  const sixth = await call('POST', '/export/reporting_data/enqueue', body)
  t.equal(sixth.status, 429)
  t.ok(isErrorList(sixth.body, 'rate_limit_exceeded'))
})

const base = (kind: 'user' | 'lead' = 'user'): Record<string, unknown> => ({
  event_id: `evt-${Math.random()}`,
  external_conversation_id: 'ext-conv-1',
  contact: kind === 'user' ? { type: 'user', external_id: 'ext-user-1', name: 'Ext User', email: 'ext@example.com' } : { type: 'lead', external_id: 'ext-lead-1' }
})

test('custom-channel events: a new conversation, a message, a quick reply and a collected attribute land on one Intercom conversation', async (t) => {
  for (const version of ['2.14', '2.16']) {
    const { call, emulator } = await harness(t, {}, version)
    const created = await call('POST', '/custom_channel_events/notify_new_conversation', base())
    t.equal(created.status, 200)
    t.match(created.body, { external_conversation_id: 'ext-conv-1', conversation_id: String, external_contact_id: 'ext-user-1', contact_id: /^[0-9a-f]{24}$/ })
    t.equal(emulator.requests.at(-1)?.operationId, 'notifyNewConversation')
    t.match((await call('GET', `/contacts/${created.body.contact_id as string}`)).body, { role: 'user', external_id: 'ext-user-1', email: 'ext@example.com' })
    t.same((await call('POST', '/custom_channel_events/notify_new_conversation', base())).body, created.body, 'the same external conversation: the same mapping')

    const message = { ...base(), body: 'Where is my order?' }
    t.same((await call('POST', '/custom_channel_events/notify_new_message', message)).body, created.body)
    t.same((await call('POST', '/custom_channel_events/notify_new_message', message)).body, created.body, 'a repeated event_id')
    t.same((await call('POST', '/custom_channel_events/notify_quick_reply_selected', { ...base(), quick_reply_option_id: 'opt-1' })).body, created.body)
    t.same((await call('POST', '/custom_channel_events/notify_attribute_collected', { ...base(), attribute: { id: 'order_number', value: 'A-17' } })).body, created.body)
    const conversation = (await call('GET', `/conversations/${created.body.conversation_id as string}`)).body
    const parts = conversation.conversation_parts.conversation_parts
    t.equal(parts.length, 2, 'one message (the repeat changed nothing) and one quick reply')
    t.match(parts, [{ part_type: 'comment', body: '<p>Where is my order?</p>', author: { type: 'user' } }, { part_type: 'comment', metadata: { quick_reply_option_id: 'opt-1' } }])
    t.equal(conversation.custom_attributes.order_number, 'A-17')
    t.same(emulator.violations, [])
  }
})

test('custom-channel events: 400 for a missing field, 422 for a user without name or email, 404 for an unknown conversation', async (t) => {
  const { call } = await harness(t, {}, '2.16')
  const bad: Array<[string, Record<string, unknown>, number, string]> = [
    ['notify_new_conversation', { ...base(), event_id: undefined }, 400, 'event_id'],
    ['notify_new_conversation', { ...base(), external_conversation_id: 7 }, 400, 'external_conversation_id'],
    ['notify_new_conversation', { ...base(), contact: undefined }, 400, 'contact'],
    ['notify_new_conversation', { ...base(), contact: { type: 'visitor', external_id: 'x' } }, 400, 'contact.type'],
    ['notify_new_conversation', { ...base(), contact: { type: 'lead' } }, 400, 'contact.external_id'],
    ['notify_new_conversation', { ...base(), contact: { type: 'user', external_id: 'u', name: 'U' } }, 422, 'contact.email'],
    ['notify_new_message', base(), 400, 'body'],
    ['notify_quick_reply_selected', base(), 400, 'quick_reply_option_id'],
    ['notify_attribute_collected', { ...base(), attribute: { id: 'a' } }, 400, 'attribute.value']
  ]
  for (const [event, body, status, field] of bad) {
    const res = await call('POST', `/custom_channel_events/${event}`, body)
    t.equal(res.status, status, `${event} without a valid ${field}`)
    t.ok(isErrorList(res.body, 'parameter_invalid'))
    t.equal(res.body.errors[0].field, field)
  }
  for (const [event, extra] of [['notify_new_message', { body: 'hi' }], ['notify_quick_reply_selected', { quick_reply_option_id: 'o' }], ['notify_attribute_collected', { attribute: { id: 'a', value: 'b' } }]] as const) {
    const res = await call('POST', `/custom_channel_events/${event}`, { ...base('lead'), ...extra })
    t.equal(res.status, 404, `${event} before notify_new_conversation`)
    t.ok(isErrorList(res.body, 'not_found'))
  }
  const lead = await call('POST', '/custom_channel_events/notify_new_conversation', base('lead'))
  t.equal(lead.status, 200, 'a lead needs no name or email')
  t.equal((await call('GET', '/custom_channel_events/notify_new_conversation')).status, 404, 'POST only')
  t.equal((await call('POST', '/custom_channel_events/notify_something_else', base())).status, 404)
})

test('facade in sandbox: the passthrough answers the custom-channel events', async (t) => {
  const { app, emulator } = await build(t, { emulator: { seed: true } })
  const contact = await seedContact(emulator, { role: 'user', external_id: 'facade-user', email: 'facade@example.com', name: 'Facade User' })
  const res = await app.inject({ method: 'POST', url: '/intercom/custom_channel_events/notify_new_conversation', payload: { event_id: 'e-1', external_conversation_id: 'fc-1', contact: { type: 'user', external_id: 'facade-user', name: 'Facade User', email: 'facade@example.com' } } })
  t.equal(res.statusCode, 200)
  t.match(json(res), { external_conversation_id: 'fc-1', conversation_id: String, external_contact_id: 'facade-user', contact_id: contact.id }, 'mapped to the existing contact')
  const msg = await app.inject({ method: 'POST', url: '/intercom/custom_channel_events/notify_new_message', payload: { event_id: 'e-2', external_conversation_id: 'fc-1', contact: { type: 'user', external_id: 'facade-user', name: 'Facade User', email: 'facade@example.com' }, body: 'Hello' } })
  t.equal(msg.statusCode, 200)
  const invalid = await app.inject({ method: 'POST', url: '/intercom/custom_channel_events/notify_new_message', payload: { event_id: 'e-3', external_conversation_id: 'fc-1' } })
  t.equal(invalid.statusCode, 400)
  t.match(json(invalid), { errors: [{ code: 'parameter_invalid', field: 'contact' }] }, "Intercom's error list comes back as is")
  const conversation = await app.inject({ method: 'GET', url: `/conversations/${json(res).conversation_id as string}` })
  t.equal(conversation.statusCode, 200)
  t.same(upstream(t, emulator).map((r) => r.operationId), ['notifyNewConversation', 'notifyNewMessage', 'notifyNewMessage', 'retrieveConversation'])
})
