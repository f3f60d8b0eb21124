/**
 * The list and search routes' common step, over the one list answer path (pagination.ts): Intercom's
 * answer bytes → the facade's page `{ data, total_count, next_cursor }`, sent as bytes; or, with
 * `?all=true`, every page as NDJSON. The first page is fetched before anything is sent, so an error
 * on it (404, 401...) is still an ordinary problem answer; a failure on a later page, a cursor that
 * repeats, or more than `ALL_MAX_PAGES` pages end the stream with one error line
 * `{"error": <problem>}` made by the one error mapper (problem-details `problemFor`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IntercomCall } from '../upstream/client.js'
import { problemFor } from '../plugins/problem-details.js'
import { ndjsonAllPages, listPageBytes, readListPage, upstreamPaging, type ListShape } from './pagination.js'
import { sendJsonBytes } from './send.js'
import { answerBytesFor, type AnswerKind } from './versions.js'
import { versionOf } from '../plugins/intercom-version.js'

/** The most pages one `?all=true` request streams (150 items a page: 150,000 items). */
export const ALL_MAX_PAGES = 1000

/** Intercom's paging parameters for one page: `{ starting_after }` (cursor lists) or `{ page }` (page numbers). */
export type UpstreamPaging = ReturnType<typeof upstreamPaging>

/** Answer Intercom's list answer `bytes` (read as `shape` says) as the facade's page. */
export function sendPage (reply: FastifyReply, bytes: Buffer, shape: ListShape): FastifyReply {
  return sendJsonBytes(reply, listPageBytes(bytes, shape))
}

/**
 * A paged list route: the page after the caller's `starting_after` (`call(paging)` builds the
 * Intercom call for Intercom's paging parameters), or with `all` every page from there as an
 * `application/x-ndjson` stream. `kind` names the objects listed when their answer shape differs
 * between Intercom versions (src/facade/versions.ts): each page is then brought to the facade's shape.
 * @throws InvalidInputError (400) for a cursor this list did not give; the first page's upstream errors
 */
export async function sendList (
  request: FastifyRequest,
  reply: FastifyReply,
  shape: ListShape,
  query: { all?: boolean, starting_after?: string },
  call: (paging: UpstreamPaging) => IntercomCall,
  kind?: AnswerKind
): Promise<FastifyReply> {
  const intercom = request.server.intercom
  const fetchPage = async (cursor: string | undefined): Promise<Buffer> => {
    const bytes = (await intercom.callRaw(request, call(upstreamPaging(shape, cursor)))).data
    if (kind === undefined) return bytes
    const v = versionOf(request)
    return typeof shape.items === 'string' ? answerBytesFor(v, kind, bytes, shape.items) : shape.items.reduce((b, key) => answerBytesFor(v, kind, b, key), bytes)
  }
  const first = await fetchPage(query.starting_after)
  if (query.all !== true) return sendPage(reply, first, shape)
  let pending: Buffer | undefined = first
  const stream = ndjsonAllPages(async (cursor) => {
    const bytes = pending ?? await fetchPage(cursor)
    pending = undefined
    return readListPage(bytes, shape)
  }, (err) => JSON.stringify({ error: problemFor(request, err).problem }), { first: query.starting_after, maxPages: ALL_MAX_PAGES })
  return reply.type('application/x-ndjson').send(stream)
}
