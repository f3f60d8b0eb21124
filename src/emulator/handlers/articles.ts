/**
 * Help center articles: listArticles (page numbers: `page`, `per_page` default 15, most recently
 * updated first), retrieveArticle, and searchArticles (`phrase` in title, description or body,
 * case-insensitive; `state` published / draft / all; `help_center_id`), which answers one page.
 */
import { EmulatorError } from '../errors.js'
import { helpdesk, type Article } from '../helpdesk.js'
import { queryValue, type HandlerEntry } from './types.js'

/** An article as retrieveArticle answers it (with its statistics). */
function renderArticle (a: Article): Record<string, unknown> {
  const { help_center_id: _hc, ...item } = a
  return { ...item, statistics: null }
}

/** An article as lists show it. */
function listItem (a: Article): Record<string, unknown> {
  const { help_center_id: _hc, ...item } = a
  return item
}

const byUpdatedDesc = (a: Article, b: Article): number => b.updated_at - a.updated_at || Number(b.id) - Number(a.id)

/** The article handlers, by Intercom operationId. */
export const articleHandlers: HandlerEntry[] = [
  {
    operationId: 'listArticles',
    handler: ({ store, query }) => {
      const page = Number(queryValue(query, 'page') ?? 1)
      const perPage = Number(queryValue(query, 'per_page') ?? 15)
      const all = [...helpdesk(store).articles.values()].sort(byUpdatedDesc)
      const totalPages = Math.ceil(all.length / perPage)
      return {
        type: 'list',
        pages: { type: 'pages', page, per_page: perPage, total_pages: totalPages },
        total_count: all.length,
        data: all.slice((page - 1) * perPage, page * perPage).map(listItem)
      }
    }
  },
  {
    operationId: 'retrieveArticle',
    handler: ({ store, params }) => {
      const article = helpdesk(store).articles.get(params.article_id)
      if (article === undefined) throw new EmulatorError(404, 'Resource Not Found', 'not_found')
      return renderArticle(article)
    }
  },
  {
    operationId: 'searchArticles',
    handler: ({ store, query }) => {
      const phrase = (queryValue(query, 'phrase') ?? '').toLowerCase()
      const state = queryValue(query, 'state') ?? 'all'
      const helpCenter = queryValue(query, 'help_center_id')
      const found = [...helpdesk(store).articles.values()].filter((a) =>
        (state === 'all' || a.state === state) &&
        (helpCenter === undefined || String(a.help_center_id) === helpCenter) &&
        (phrase === '' || [a.title, a.description, a.body].some((t) => t.toLowerCase().includes(phrase)))
      ).sort(byUpdatedDesc)
      return {
        type: 'list',
        total_count: found.length,
        data: { articles: found.map(renderArticle), highlights: [] },
        pages: { type: 'pages', page: 1, total_pages: 1, per_page: Math.max(found.length, 10) }
      }
    }
  }
]
