/**
 * /contacts beyond CRUD and search: list, merge, archive / unarchive, notes, tags (by id, or by
 * name created when missing) and companies of a contact. Registered with the `/contacts` prefix
 * beside routes/contacts/index.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, upstreamErrorResponses } from '../../schemas/common.js'
import {
  AttachCompanyBodySchema, ContactArchivedSchema, ContactCompanyParamsSchema, CreateNoteBodySchema, MergeContactsBodySchema
} from '../../schemas/contact-relations.js'
import { ListQuerySchema } from '../../schemas/list-query.js'
import { ContactTagParamsSchema, TagContactBodySchema } from '../../schemas/tags.js'
import { InvalidInputError } from '../../src/errors.js'
import { findOrCreateTag } from '../../src/facade/tags.js'
import { sendList, sendPage } from '../../src/facade/listing.js'
import { actingAdminId } from '../../src/facade/admin.js'
import { ipath } from '../../src/upstream/path.js'
import { answerFor } from '../../src/facade/versions.js'
import type { Contact } from '../../schemas/contacts.js'
import { versionOf } from '../../src/plugins/intercom-version.js'

const tags = ['contacts']
const ContactRef = Type.Ref('Contact')
const ndjsonNote = ' With `all=true` the answer is every item of every page as NDJSON (`application/x-ndjson`).'

const contactRelations: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listContacts',
      summary: 'List contacts',
      description: 'Calls Intercom `ListContacts` (GET /contacts, cursor pages: `per_page`, `starting_after`); answers `{ data, total_count, next_cursor }`.' + ndjsonNote,
      querystring: ListQuerySchema,
      response: { 200: Type.Ref('ContactList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    return sendList(request, reply, { items: 'data', paging: 'cursor' }, request.query, (paging) =>
      ({ operationId: 'ListContacts', method: 'GET', path: '/contacts', query: { per_page: request.query.per_page, ...paging } }), 'contact')
  })

  fastify.post('/merge', {
    schema: {
      tags,
      operationId: 'mergeContacts',
      summary: 'Merge a lead into a user',
      description: 'Merges the lead `from` into the user `into` (Intercom ids). Calls Intercom `MergeContact` (POST /contacts/merge); answers the user. The lead is gone afterwards.',
      body: MergeContactsBodySchema,
      response: { 200: ContactRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    if (request.body.from === request.body.into) throw new InvalidInputError([{ field: 'body.into', message: 'must differ from from' }])
    const r = await intercom.call<Contact>(request, { operationId: 'MergeContact', method: 'POST', path: '/contacts/merge', body: { from: request.body.from, into: request.body.into } })
    return answerFor(versionOf(request), 'contact', r.data)
  })

  for (const [action, operationId] of [['archive', 'ArchiveContact'], ['unarchive', 'UnarchiveContact']] as const) {
    fastify.post(`/:id/${action}`, {
      schema: {
        tags,
        operationId: `${action}Contact`,
        summary: `${action === 'archive' ? 'Archive' : 'Unarchive'} a contact`,
        description: `Calls Intercom \`${operationId}\` (POST /contacts/{id}/${action}); answers \`{ type, id, external_id, archived }\`.`,
        params: IdParamsSchema,
        response: { 200: ContactArchivedSchema, ...upstreamErrorResponses }
      }
    }, async function (request) {
      const r = await intercom.call(request, { operationId, method: 'POST', path: `${ipath`/contacts/${request.params.id}`}/${action}` })
      return r.data
    })
  }

  fastify.get('/:id/notes', {
    schema: {
      tags,
      operationId: 'listContactNotes',
      summary: "List a contact's notes",
      description: 'Calls Intercom `listNotes` (GET /contacts/{id}/notes, page numbers underneath, carried in `next_cursor`); newest first.' + ndjsonNote,
      params: IdParamsSchema,
      querystring: ListQuerySchema,
      response: { 200: Type.Ref('NoteList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    return sendList(request, reply, { items: 'data', paging: 'pages' }, request.query, (paging) =>
      ({ operationId: 'listNotes', method: 'GET', path: ipath`/contacts/${request.params.id}/notes`, query: { ...paging, per_page: request.query.per_page } }))
  })

  fastify.post('/:id/notes', {
    schema: {
      tags,
      operationId: 'createContactNote',
      summary: 'Add a note to a contact',
      description: "Calls Intercom `createNote` (POST /contacts/{id}/notes). Without `admin_id` the note is the default admin's (INTERCOM_DEFAULT_ADMIN_ID, else the token's admin from `identifyAdmin`).",
      params: IdParamsSchema,
      body: CreateNoteBodySchema,
      response: { 200: Type.Ref('Note'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const adminId = await actingAdminId(request, request.body.admin_id)
    const r = await intercom.call(request, { operationId: 'createNote', method: 'POST', path: ipath`/contacts/${request.params.id}/notes`, body: { body: request.body.body, admin_id: adminId } })
    return r.data
  })

  fastify.get('/:id/tags', {
    schema: {
      tags,
      operationId: 'listContactTags',
      summary: "List a contact's tags",
      description: 'Calls Intercom `listTagsForAContact` (GET /contacts/{id}/tags). Intercom answers every tag at once, so `next_cursor` is null.',
      params: IdParamsSchema,
      response: { 200: Type.Ref('TagList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'listTagsForAContact', method: 'GET', path: ipath`/contacts/${request.params.id}/tags` })
    return sendPage(reply, r.data, { items: 'data', paging: 'none' })
  })

  fastify.post('/:id/tags', {
    schema: {
      tags,
      operationId: 'tagContact',
      summary: 'Tag a contact',
      description: 'By `tag_id`: calls Intercom `attachTagToContact` (POST /contacts/{id}/tags). By `tag_name`: finds the tag with `listTags` (GET /tags, case-insensitive), creates it with `createTag` (POST /tags) when missing, then `attachTagToContact`. Answers the applied tag.',
      params: IdParamsSchema,
      body: TagContactBodySchema,
      response: { 200: Type.Ref('Tag'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const { tag_id: tagId, tag_name: tagName } = request.body
    if (tagId !== undefined && tagName !== undefined) throw new InvalidInputError([{ field: 'body.tag_name', message: 'cannot be combined with tag_id: give one' }])
    const id = tagId ?? (await findOrCreateTag(intercom, request, tagName as string)).tag.id
    const r = await intercom.call(request, { operationId: 'attachTagToContact', method: 'POST', path: ipath`/contacts/${request.params.id}/tags`, body: { id } })
    return r.data
  })

  fastify.delete('/:id/tags/:tag_id', {
    schema: {
      tags,
      operationId: 'untagContact',
      summary: 'Remove a tag from a contact',
      description: 'Calls Intercom `detachTagFromContact` (DELETE /contacts/{id}/tags/{tag_id}); answers the removed tag.',
      params: ContactTagParamsSchema,
      response: { 200: Type.Ref('Tag'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'detachTagFromContact', method: 'DELETE', path: ipath`/contacts/${request.params.id}/tags/${request.params.tag_id}` })
    return r.data
  })

  fastify.get('/:id/companies', {
    schema: {
      tags,
      operationId: 'listContactCompanies',
      summary: "List a contact's companies",
      description: 'Calls Intercom `listCompaniesForAContact` (GET /contacts/{id}/companies, page numbers underneath, carried in `next_cursor`).' + ndjsonNote,
      params: IdParamsSchema,
      querystring: ListQuerySchema,
      response: { 200: Type.Ref('CompanyList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    // The description's schema names the array `companies`; its example (and Intercom) `data`.
    return sendList(request, reply, { items: ['data', 'companies'], paging: 'pages' }, request.query, (paging) =>
      ({ operationId: 'listCompaniesForAContact', method: 'GET', path: ipath`/contacts/${request.params.id}/companies`, query: { ...paging, per_page: request.query.per_page } }))
  })

  fastify.post('/:id/companies', {
    schema: {
      tags,
      operationId: 'attachContactToCompany',
      summary: 'Attach a contact to a company',
      description: "Calls Intercom `attachContactToACompany` (POST /contacts/{id}/companies with the company's Intercom id); answers the company.",
      params: IdParamsSchema,
      body: AttachCompanyBodySchema,
      response: { 200: Type.Ref('Company'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'attachContactToACompany', method: 'POST', path: ipath`/contacts/${request.params.id}/companies`, body: { id: request.body.company_id } })
    return r.data
  })

  fastify.delete('/:id/companies/:company_id', {
    schema: {
      tags,
      operationId: 'detachContactFromCompany',
      summary: 'Detach a contact from a company',
      description: 'Calls Intercom `detachContactFromACompany` (DELETE /contacts/{id}/companies/{company_id}, Intercom ids); answers the company.',
      params: ContactCompanyParamsSchema,
      response: { 200: Type.Ref('Company'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'detachContactFromACompany', method: 'DELETE', path: ipath`/contacts/${request.params.id}/companies/${request.params.company_id}` })
    return r.data
  })
}

export default contactRelations
