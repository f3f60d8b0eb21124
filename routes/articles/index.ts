/**
 * /articles: the help center's articles (list, one by id, search).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { upstreamErrorResponses } from '../../schemas/common.js'
import { ArticleParamsSchema, ListArticlesQuerySchema, SearchArticlesQuerySchema } from '../../schemas/articles.js'
import { ipath } from '../../src/upstream/path.js'
import { decodePageCursor, fromPagedList, type IntercomPagedList, type Page } from '../../src/facade/pagination.js'
import { pageOrStream } from '../../src/facade/listing.js'

const tags = ['articles']

const articles: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  /** One normalised page of listArticles (page numbers inside the cursor). */
  const listPage = async (request: FastifyRequest, perPage: number | undefined, cursor: string | undefined): Promise<Page<unknown>> => {
    const page = decodePageCursor(cursor)
    const r = await intercom.call<IntercomPagedList<unknown>>(request, { operationId: 'listArticles', method: 'GET', path: '/articles', query: { page, per_page: perPage } })
    return fromPagedList(r.data)
  }

  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listArticles',
      summary: 'List articles',
      description: 'Calls Intercom `listArticles` (GET /articles, page numbers underneath, most recently updated first); answers `{ data, total_count, next_cursor }`. With `all=true`, streams every article as NDJSON (application/x-ndjson).',
      querystring: ListArticlesQuerySchema,
      response: { 200: Type.Ref('ArticleList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const { per_page: perPage, starting_after: startingAfter, all } = request.query
    return pageOrStream(reply, all, startingAfter, (cursor) => listPage(request, all === true ? perPage ?? 150 : perPage, cursor))
  })

  fastify.get('/search', {
    schema: {
      tags,
      operationId: 'searchArticles',
      summary: 'Search articles',
      description: "Calls Intercom `searchArticles` (GET /articles/search) with `phrase`, `state`, `help_center_id` and `highlight`; answers `{ data, total_count, next_cursor }` with the matching articles (Intercom's search answers one page and takes no paging: next_cursor is null).",
      querystring: SearchArticlesQuerySchema,
      response: { 200: Type.Ref('ArticleList'), ...upstreamErrorResponses }
    }
  }, async function (request): Promise<Page<unknown>> {
    const r = await intercom.call<{ total_count?: number, data?: { articles?: unknown[] } }>(request, { operationId: 'searchArticles', method: 'GET', path: '/articles/search', query: request.query })
    const data = r.data.data?.articles ?? []
    return { data, total_count: typeof r.data.total_count === 'number' ? r.data.total_count : data.length, next_cursor: null }
  })

  fastify.get('/:id', {
    schema: {
      tags,
      operationId: 'getArticle',
      summary: 'Get an article',
      description: 'Calls Intercom `retrieveArticle` (GET /articles/{id}).',
      params: ArticleParamsSchema,
      response: { 200: Type.Ref('Article'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'retrieveArticle', method: 'GET', path: ipath`/articles/${request.params.id}` })
    return r.data
  })
}

export default articles
