/**
 * Help center article shapes: Intercom's `article` object, the normalised article list, and the
 * list and search query strings.
 */
import { Type } from '@sinclair/typebox'
import { ListSchema, PageQueryProps } from './common.js'

const NullableString = Type.Union([Type.String(), Type.Null()])

/** Intercom's article, returned as Intercom returns it (fields beyond these pass through). */
export const ArticleSchema = Type.Object({
  type: Type.String({ examples: ['article'] }),
  id: Type.String({ examples: ['39'] }),
  workspace_id: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  description: Type.Optional(NullableString),
  body: Type.Optional(NullableString),
  author_id: Type.Optional(Type.Integer()),
  state: Type.Optional(Type.String({ examples: ['published'] })),
  created_at: Type.Optional(Type.Integer({ description: 'Unix seconds' })),
  updated_at: Type.Optional(Type.Integer({ description: 'Unix seconds' })),
  url: Type.Optional(NullableString)
}, { $id: 'Article', title: 'Article', additionalProperties: true, description: "Intercom's article object" })

/** A normalised page of articles. */
export const ArticleListSchema = ListSchema(Type.Ref('Article'), { $id: 'ArticleList', title: 'ArticleList' })

/** GET /articles query: paging (page numbers underneath), or `all=true` for NDJSON. */
export const ListArticlesQuerySchema = Type.Object({
  ...PageQueryProps,
  all: Type.Optional(Type.Boolean({ description: 'true: stream every article of every page as NDJSON (application/x-ndjson)' }))
}, { additionalProperties: false })

/** GET /articles/search query (Intercom's searchArticles parameters). */
export const SearchArticlesQuerySchema = Type.Object({
  phrase: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Words to find in the articles', examples: ['export'] })),
  state: Type.Optional(Type.Union([Type.Literal('published'), Type.Literal('draft'), Type.Literal('all')])),
  help_center_id: Type.Optional(Type.Integer({ minimum: 1, description: 'Search one help center' })),
  highlight: Type.Optional(Type.Boolean({ description: "true: Intercom also returns highlights (dropped from the normalised answer's data)" }))
}, { additionalProperties: false })

/** `{ id }` of an article: Intercom's article ids are integers. */
export const ArticleParamsSchema = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,20}$', description: "The article's Intercom id", examples: ['39'] }) })
