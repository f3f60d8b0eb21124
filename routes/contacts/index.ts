/**
 * /contacts: create, upsert, get (by id or external_id), update, delete, search.
 * Each handler is a small translation onto the shared Intercom client.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, upstreamErrorResponses } from '../../schemas/common.js'
import {
  ContactListSchema, CreateContactBodySchema, DeletedContactSchema, ExternalIdParamsSchema, SearchBodySchema,
  UpdateContactBodySchema, UpsertContactBodySchema, UpsertResultSchema, type Contact
} from '../../schemas/contacts.js'
import { ipath } from '../../src/upstream/path.js'
import { upsertContact, writeContact } from '../../src/facade/contacts.js'
import { answerBytesFor } from '../../src/facade/versions.js'
import { versionOf } from '../../src/plugins/intercom-version.js'
import { toIntercomSearch } from '../../src/facade/search.js'
import { CONTACT_SEARCH_FIELDS } from '../../src/facade/formula.js'
import { sendJsonBytes } from '../../src/facade/send.js'
import { sendPage } from '../../src/facade/listing.js'

const tags = ['contacts']
const ContactRef = Type.Ref('Contact')

const contacts: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.post('/', {
    schema: {
      tags,
      operationId: 'createContact',
      summary: 'Create a contact',
      description: 'Creates a user or lead. Calls Intercom `CreateContact` (POST /contacts); with `company_id`, then `attachContactToACompany` (POST /contacts/{id}/companies): create, then attach, and a failed attach is a 422 that says the contact was created. A duplicate external_id or email answers 409.',
      body: CreateContactBodySchema,
      response: { 200: ContactRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    return writeContact(intercom, request, versionOf(request), request.body)
  })

  fastify.post('/upsert', {
    schema: {
      tags,
      operationId: 'upsertContact',
      summary: 'Create or update a contact',
      description: 'Matches by external_id (Intercom `ShowContactByExternalId`), else by email (`SearchContacts`), then `UpdateContact` (PUT /contacts/{id}) or `CreateContact` (POST /contacts). When a concurrent call created the contact first (409), updates the contact the conflict names.',
      body: UpsertContactBodySchema,
      response: { 200: UpsertResultSchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    return upsertContact(intercom, request, versionOf(request), request.body)
  })

  fastify.post('/search', {
    schema: {
      tags,
      operationId: 'searchContacts',
      summary: 'Search contacts',
      description: "Exactly one form: Intercom's `query` object, the shorthand `field` + `operator` + `value`, or a `filter` formula. Calls Intercom `SearchContacts` (POST /contacts/search); the answer is normalised to `{ data, total_count, next_cursor }`.",
      body: SearchBodySchema,
      response: { 200: ContactListSchema, ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'SearchContacts', method: 'POST', path: '/contacts/search', body: toIntercomSearch(request.body, CONTACT_SEARCH_FIELDS) })
    return sendPage(reply, answerBytesFor(versionOf(request), 'contact', r.data, 'data'), { items: 'data', paging: 'cursor' })
  })

  fastify.get('/by-external-id/:external_id', {
    schema: {
      tags,
      operationId: 'getContactByExternalId',
      summary: 'Get a contact by your external_id',
      description: 'Calls Intercom `ShowContactByExternalId` (GET /contacts/find_by_external_id/{external_id}); users only, as in Intercom.',
      params: ExternalIdParamsSchema,
      response: { 200: ContactRef, ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'ShowContactByExternalId', method: 'GET', path: ipath`/contacts/find_by_external_id/${request.params.external_id}` })
    return sendJsonBytes(reply, answerBytesFor(versionOf(request), 'contact', r.data))
  })

  fastify.get('/:id', {
    schema: {
      tags,
      operationId: 'getContact',
      summary: 'Get a contact',
      description: 'Calls Intercom `ShowContact` (GET /contacts/{id}).',
      params: IdParamsSchema,
      response: { 200: ContactRef, ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'ShowContact', method: 'GET', path: ipath`/contacts/${request.params.id}` })
    return sendJsonBytes(reply, answerBytesFor(versionOf(request), 'contact', r.data))
  })

  fastify.patch('/:id', {
    schema: {
      tags,
      operationId: 'updateContact',
      summary: 'Update a contact',
      description: 'Partial update. Calls Intercom `UpdateContact` (PUT /contacts/{id}); with `company_id`, then `attachContactToACompany` (a failed attach is a 422 that says the contact was updated).',
      params: IdParamsSchema,
      body: UpdateContactBodySchema,
      response: { 200: ContactRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    return writeContact(intercom, request, versionOf(request), request.body, request.params.id)
  })

  fastify.delete('/:id', {
    schema: {
      tags,
      operationId: 'deleteContact',
      summary: 'Delete a contact',
      description: 'Calls Intercom `DeleteContact` (DELETE /contacts/{id}).',
      params: IdParamsSchema,
      response: { 200: DeletedContactSchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call<{ id: string, type: string, deleted: boolean }>(request, { operationId: 'DeleteContact', method: 'DELETE', path: ipath`/contacts/${request.params.id}` })
    return r.data
  })
}

export default contacts
