/**
 * Help center articles, with real state (helpdesk.ts `articles`): listArticles (page numbers:
 * `page`, `per_page` default 15, most recently updated first), retrieveArticle, createArticle,
 * updateArticle, deleteArticle (`{ id, object: 'article', deleted: true }`; the id is then a 404
 * not_found), and searchArticles (`phrase` in title, description or body, case-insensitive;
 * `state` published / draft / all; `help_center_id`), which answers one page.
 *
 * Every answer is in the request version's article shape (shapes.ts articleShape: 2.14/2.15 have
 * `parent_id` / `parent_type`, 2.16 its newer fields instead). createArticle needs `author_id` to
 * be a teammate of the workspace (else 400 parameter_invalid); a new article is a `draft` unless
 * `state` says otherwise, is in help center 1 and has a `url` once published.
 */
import { EmulatorError, parameterInvalid } from '../errors.js'
import { helpdesk, type Article } from '../helpdesk.js'
import { articleShape } from '../shapes.js'
import type { EmulatorStore } from '../store.js'
import type { IntercomVersion } from '../../intercom-spec/versions.js'
import { bodyObject, queryValue, type HandlerEntry } from './types.js'

/** The help center a new article is published in (the default brand's, platform.ts). */
export const DEFAULT_HELP_CENTER_ID = 1

/** Every field any version answers, with the defaults of an article that never set them. */
function fullArticle (a: Article): Record<string, unknown> {
  return {
    type: 'article',
    id: a.id,
    workspace_id: a.workspace_id,
    title: a.title,
    description: a.description,
    body: a.body,
    body_markdown: a.body_markdown ?? null,
    author_id: a.author_id,
    state: a.state,
    created_at: a.created_at,
    updated_at: a.updated_at,
    has_unpublished_changes: false,
    draft_updated_at: null,
    url: a.url,
    parent_id: a.parent_id,
    parent_ids: a.parent_ids,
    parent_type: a.parent_type,
    ai_chatbot_availability: a.ai_chatbot_availability ?? true,
    ai_copilot_availability: a.ai_copilot_availability ?? true,
    ai_sales_agent_availability: a.ai_sales_agent_availability ?? false,
    created_by_id: a.created_by_id ?? a.author_id,
    updated_by_id: a.updated_by_id ?? a.created_by_id ?? a.author_id,
    exclude_from_article_suggestions: false,
    help_center_audience: 'everyone',
    scheduled_publish_at: a.scheduled_publish_at ?? null,
    scheduled_unpublish_at: a.scheduled_unpublish_at ?? null,
    default_locale: a.default_locale ?? 'en',
    translated_content: a.translated_content ?? null,
    tags: a.tags
  }
}

/** An article as retrieve / create / update / search answer it (the `article` schema: with its statistics). */
export function renderArticle (a: Article, version: IntercomVersion): Record<string, unknown> {
  return articleShape({ ...fullArticle(a), statistics: null }, version)
}

/** An article as lists show it (article_list_item). */
function listItem (a: Article, version: IntercomVersion): Record<string, unknown> {
  return articleShape(fullArticle(a), version)
}

const byUpdatedDesc = (a: Article, b: Article): number => b.updated_at - a.updated_at || Number(b.id) - Number(a.id)

const articleNotFound = (): EmulatorError => new EmulatorError(404, 'Resource Not Found', 'not_found')

function findArticle (store: EmulatorStore, id: string): Article {
  const article = helpdesk(store).articles.get(id)
  if (article === undefined) throw articleNotFound()
  return article
}

const slug = (title: string): string => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)

/** A published article's public address; null for a draft. */
export function articleUrl (a: Pick<Article, 'id' | 'title' | 'state'>): string | null {
  return a.state === 'published' ? `https://help.sandbox.example/en/articles/${a.id}-${slug(a.title)}` : null
}

/** A `date-time` request field as Unix seconds (null stays null; absent stays undefined). */
function unixSeconds (v: unknown, field: string): number | null | undefined {
  if (v === undefined || v === null) return v as null | undefined
  const ms = Date.parse(String(v))
  if (Number.isNaN(ms)) throw parameterInvalid(`${field} is not a valid date-time`, field)
  return Math.floor(ms / 1000)
}

/** `translated_content` as stored and answered: Intercom's article_translated_content with article_content per locale. */
function translatedContent (v: unknown, now: number): Record<string, unknown> | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const out: Record<string, unknown> = { type: 'article_translated_content' }
  for (const [locale, content] of Object.entries(v as Record<string, unknown>)) {
    if (locale === 'type' || typeof content !== 'object' || content === null) continue
    out[locale] = { type: 'article_content', ...content, created_at: now, updated_at: now, url: null }
  }
  return out
}

/** Refuse an author who is not a teammate of the workspace. */
function checkAuthor (store: EmulatorStore, authorId: unknown): number {
  if (typeof authorId !== 'number' || !store.admins.has(String(authorId))) throw parameterInvalid('author_id must be the id of a teammate of this workspace', 'author_id')
  return authorId
}

/** Apply a create or update body's fields to `a` (in place). */
function applyArticleInput (store: EmulatorStore, a: Article, body: Record<string, unknown>, now: number): void {
  if (typeof body.title === 'string') a.title = body.title
  if (typeof body.description === 'string') a.description = body.description
  if (typeof body.body === 'string') a.body = body.body
  if (typeof body.body_markdown === 'string') {
    a.body_markdown = body.body_markdown
    if (typeof body.body !== 'string') a.body = markdownToHtml(body.body_markdown)
  }
  if (body.author_id !== undefined) a.author_id = checkAuthor(store, body.author_id)
  if (body.state === 'published' || body.state === 'draft') a.state = body.state
  if (body.parent_id !== undefined) {
    const parent = body.parent_id === null ? null : Number(body.parent_id)
    if (parent !== null && !Number.isInteger(parent)) throw parameterInvalid('parent_id must be the id of a collection or section', 'parent_id')
    a.parent_id = parent
    a.parent_ids = parent === null ? [] : [parent]
    a.parent_type = parent === null ? null : typeof body.parent_type === 'string' ? body.parent_type : 'collection'
  } else if (typeof body.parent_type === 'string' && a.parent_id !== null) {
    a.parent_type = body.parent_type
  }
  const translated = translatedContent(body.translated_content, now)
  if (translated !== undefined) a.translated_content = translated
  for (const flag of ['ai_chatbot_availability', 'ai_copilot_availability', 'ai_sales_agent_availability'] as const) {
    if (typeof body[flag] === 'boolean') a[flag] = body[flag] as boolean
  }
  if (Array.isArray(body.audience_ids) || body.audience_ids === null) a.audience_ids = body.audience_ids as number[] | null
  const publish = unixSeconds(body.scheduled_publish_at, 'scheduled_publish_at')
  if (publish !== undefined) a.scheduled_publish_at = publish
  const unpublish = unixSeconds(body.scheduled_unpublish_at, 'scheduled_unpublish_at')
  if (unpublish !== undefined) a.scheduled_unpublish_at = unpublish
  a.url = articleUrl(a)
}

/** Markdown as HTML, roughly (headings and paragraphs), for an article given only `body_markdown`. */
function markdownToHtml (md: string): string {
  return md.split(/\n{2,}/).map((block) => block.trim()).filter((b) => b !== '').map((block) => {
    const h = /^(#{1,6})\s+(.*)$/.exec(block)
    return h !== null ? `<h${h[1].length}>${h[2]}</h${h[1].length}>` : `<p>${block.replace(/\n/g, ' ')}</p>`
  }).join('')
}

/**
 * A new article of `store`'s workspace with Intercom's defaults (an untitled draft in the default
 * help center, no parent, no tags, locale `en`), `fields` over them; `at` is Unix seconds.
 */
export function newArticle (store: EmulatorStore, fields: Pick<Article, 'id' | 'author_id'> & Partial<Article>, at: number): Article {
  return {
    type: 'article',
    workspace_id: store.workspaceId,
    parent_id: null,
    parent_type: null,
    parent_ids: [],
    tags: { type: 'tag.list', tags: [] },
    title: '',
    description: '',
    body: '',
    state: 'draft',
    created_at: at,
    updated_at: at,
    url: null,
    help_center_id: DEFAULT_HELP_CENTER_ID,
    default_locale: 'en',
    ...fields
  }
}

/** The article handlers, by Intercom operationId. */
export const articleHandlers: HandlerEntry[] = [
  {
    operationId: 'listArticles',
    handler: ({ store, query, version }) => {
      const page = Number(queryValue(query, 'page') ?? 1)
      const perPage = Number(queryValue(query, 'per_page') ?? 15)
      const all = [...helpdesk(store).articles.values()].sort(byUpdatedDesc)
      const totalPages = Math.ceil(all.length / perPage)
      return {
        type: 'list',
        pages: { type: 'pages', page, per_page: perPage, total_pages: totalPages },
        total_count: all.length,
        data: all.slice((page - 1) * perPage, page * perPage).map((a) => listItem(a, version))
      }
    }
  },
  {
    operationId: 'retrieveArticle',
    handler: ({ store, params, version }) => renderArticle(findArticle(store, params.article_id), version)
  },
  {
    operationId: 'createArticle',
    handler: ({ store, body, version }) => {
      const input = bodyObject(body)
      const authorId = checkAuthor(store, input.author_id)
      const desk = helpdesk(store)
      const now = store.nowSeconds()
      let id = desk.nextId('article')
      while (desk.articles.has(id)) id = desk.nextId('article')
      const article = newArticle(store, { id, author_id: authorId, created_by_id: Number(store.me().id) }, now)
      applyArticleInput(store, article, input, now)
      article.updated_by_id = article.created_by_id
      desk.articles.set(id, article)
      return renderArticle(article, version)
    }
  },
  {
    operationId: 'updateArticle',
    handler: ({ store, params, body, version }) => {
      const article = findArticle(store, params.article_id)
      const now = store.nowSeconds()
      applyArticleInput(store, article, bodyObject(body), now)
      article.updated_at = now
      article.updated_by_id = Number(store.me().id)
      return renderArticle(article, version)
    }
  },
  {
    operationId: 'deleteArticle',
    handler: ({ store, params }) => {
      const article = findArticle(store, params.article_id)
      helpdesk(store).articles.delete(article.id)
      return { id: article.id, object: 'article', deleted: true }
    }
  },
  {
    operationId: 'searchArticles',
    handler: ({ store, query, version }) => {
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
        data: { articles: found.map((a) => renderArticle(a, version)), highlights: [] },
        pages: { type: 'pages', page: 1, total_pages: 1, per_page: Math.max(found.length, 10) }
      }
    }
  }
]
