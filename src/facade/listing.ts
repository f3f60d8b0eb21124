/**
 * The list routes' common step: answer one normalised page, or with `?all=true` stream every page
 * as NDJSON. The first page is fetched before anything is sent, so an error on it (404, 401...) is
 * still an ordinary problem answer; a failure on a later page ends the stream with an error line.
 */
import type { FastifyReply } from 'fastify'
import { ndjsonAllPages, type Page } from './pagination.js'

/**
 * One page (`fetchPage(startingAfter)`), or, when `all` is true, every page from `startingAfter` on
 * as an `application/x-ndjson` stream sent on `reply`.
 */
export async function pageOrStream<T> (
  reply: FastifyReply,
  all: boolean | undefined,
  startingAfter: string | undefined,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>
): Promise<Page<T> | FastifyReply> {
  const first = await fetchPage(startingAfter)
  if (all !== true) return first
  let pending: Page<T> | undefined = first
  const stream = ndjsonAllPages<T>(async (cursor) => {
    if (pending !== undefined) {
      const p = pending
      pending = undefined
      return p
    }
    return fetchPage(cursor)
  })
  return reply.type('application/x-ndjson').send(stream)
}
