/**
 * /articles: the help center's articles (list, one by id, search).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { upstreamErrorResponses } from '../../schemas/common.js'
import { ArticleParamsSchema, ListArticlesQuerySchema, SearchArticlesQuerySchema } from '../../schemas/articles.js'
import { ipath } from '../../src/upstream/path.js'
import { sendList, sendPage } from '../../src/facade/listing.js'

const tags = ['articles']

const articles: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

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
    const perPage = request.query.all === true ? request.query.per_page ?? 150 : request.query.per_page
    return sendList(request, reply, { items: 'data', paging: 'pages' }, request.query, (paging) =>
      ({ operationId: 'listArticles', method: 'GET', path: '/articles', query: { ...paging, per_page: perPage } }))
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
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'searchArticles', method: 'GET', path: '/articles/search', query: request.query })
    return sendPage(reply, r.data, { items: 'data.articles', paging: 'none' })
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
