/**
 * /companies: create or update by your `company_id`, get, update, delete, list (page numbers
 * underneath, carried in an opaque cursor), lookup by `company_id` or `name`, and members.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, toUnixSeconds, upstreamErrorResponses } from '../../schemas/common.js'
import {
  CompanyListQuerySchema, CreateCompanyBodySchema, DeletedCompanySchema, UpdateCompanyBodySchema
} from '../../schemas/companies.js'
import { ListQuerySchema } from '../../schemas/list-query.js'
import { InvalidInputError } from '../../src/errors.js'
import { sendList } from '../../src/facade/listing.js'
import { ipath } from '../../src/upstream/path.js'
import { answerFor } from '../../src/facade/versions.js'
import { versionOf } from '../../src/plugins/intercom-version.js'

const tags = ['companies']
const CompanyRef = Type.Ref('Company')
const ndjsonNote = ' With `all=true` the answer is every item of every page as NDJSON (`application/x-ndjson`).'

const companies: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.post('/', {
    schema: {
      tags,
      operationId: 'createOrUpdateCompany',
      summary: 'Create or update a company',
      description: 'Creates the company with your `company_id`, or updates it when it exists. Calls Intercom `createOrUpdateCompany` (POST /companies). Intercom shows a company only once a contact is attached to it.',
      body: CreateCompanyBodySchema,
      response: { 200: CompanyRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const payload: Record<string, unknown> = { ...request.body }
    if (request.body.remote_created_at !== undefined) payload.remote_created_at = toUnixSeconds(request.body.remote_created_at)
    const r = await intercom.call(request, { operationId: 'createOrUpdateCompany', method: 'POST', path: '/companies', body: payload })
    return r.data
  })

  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listCompanies',
      summary: 'List companies, or look one up by company_id or name',
      description: 'Calls Intercom `retrieveCompany` (GET /companies): with `company_id` or `name` a lookup (404 when none matches), else every company (optionally those with `tag_id`), page numbers underneath carried in `next_cursor`.' + ndjsonNote,
      querystring: CompanyListQuerySchema,
      response: { 200: Type.Ref('CompanyList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const { company_id: companyId, name, tag_id: tagId, per_page: perPage } = request.query
    const filters = [['company_id', companyId], ['name', name], ['tag_id', tagId]].filter(([, v]) => v !== undefined)
    if (filters.length > 1) throw new InvalidInputError(filters.slice(1).map(([k]) => ({ field: `querystring.${k as string}`, message: `cannot be combined with ${filters[0][0] as string}: give one` })))
    return sendList(request, reply, { items: 'data', paging: 'pages' }, request.query, (paging) =>
      ({ operationId: 'retrieveCompany', method: 'GET', path: '/companies', query: { company_id: companyId, name, tag_id: tagId, ...paging, per_page: perPage } }))
  })

  fastify.get('/:id', {
    schema: {
      tags,
      operationId: 'getCompany',
      summary: 'Get a company',
      description: "Calls Intercom `RetrieveACompanyById` (GET /companies/{id}, Intercom's id).",
      params: IdParamsSchema,
      response: { 200: CompanyRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'RetrieveACompanyById', method: 'GET', path: ipath`/companies/${request.params.id}` })
    return r.data
  })

  fastify.patch('/:id', {
    schema: {
      tags,
      operationId: 'updateCompany',
      summary: 'Update a company',
      description: "Partial update (company_id cannot change). Calls Intercom `UpdateCompany` (PUT /companies/{id}, Intercom's id).",
      params: IdParamsSchema,
      body: UpdateCompanyBodySchema,
      response: { 200: CompanyRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'UpdateCompany', method: 'PUT', path: ipath`/companies/${request.params.id}`, body: request.body })
    return r.data
  })

  fastify.delete('/:id', {
    schema: {
      tags,
      operationId: 'deleteCompany',
      summary: 'Delete a company',
      description: 'Calls Intercom `deleteCompany` (DELETE /companies/{id}); Intercom archives the company and detaches its contacts (the contacts stay).',
      params: IdParamsSchema,
      response: { 200: DeletedCompanySchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'deleteCompany', method: 'DELETE', path: ipath`/companies/${request.params.id}` })
    return r.data
  })

  fastify.get('/:id/contacts', {
    schema: {
      tags,
      operationId: 'listCompanyContacts',
      summary: "List a company's contacts",
      description: 'Calls Intercom `ListAttachedContacts` (GET /companies/{id}/contacts, page numbers underneath carried in `next_cursor`).' + ndjsonNote,
      params: IdParamsSchema,
      querystring: ListQuerySchema,
      response: { 200: Type.Ref('ContactList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    return sendList(request, reply, { items: 'data', paging: 'pages' }, request.query, (paging) =>
      ({ operationId: 'ListAttachedContacts', method: 'GET', path: ipath`/companies/${request.params.id}/contacts`, query: { ...paging, per_page: request.query.per_page } }), 'contact')
  })
}

export default companies
