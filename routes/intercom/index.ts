/**
 * ANY /intercom/*: the raw passthrough to any Intercom endpoint. Method, path, query and body go
 * upstream as sent (never parsed); Intercom's status, headers (hop-by-hop dropped) and body stream
 * back. Same client, auth and version headers as the facade routes. When the caller goes away, the
 * upstream request is aborted.
 *
 * A body with a `content-length` up to BUFFERED_BODY_MAX_BYTES is read into one Buffer before it
 * goes upstream: one write instead of a stream piped through undici (cheaper for the usual small
 * JSON body), and a body that can be sent again, so a call Intercom refused with 429 (or that never
 * reached it) is retried like any facade call. Larger or unsized bodies are streamed and never
 * retried (src/upstream/retry-policy.ts).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Readable } from 'node:stream'
import { checkForwardPath, forwardRequestHeaders, forwardResponseHeaders } from '../../src/facade/forward.js'
import { ForwardHandler } from '../../src/upstream/forward-handler.js'

/** Bodies up to this size (with a `content-length`) are buffered, larger ones streamed. */
const BUFFERED_BODY_MAX_BYTES = 64 * 1024

const passthrough: FastifyPluginAsync = async function (fastify) {
  // Bodies go upstream untouched: no parsing, any content type.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', function (request, payload, done) {
    const length = Number(request.headers['content-length'])
    if (!(length <= BUFFERED_BODY_MAX_BYTES)) { done(null, payload); return }
    const chunks: Buffer[] = []
    payload.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    payload.once('end', () => { done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)) })
    payload.once('error', (err) => { done(err) })
  })

  fastify.all('/*', {
    // Any Intercom-Version Intercom accepts (N.N or Unstable), not only the facade's (src/plugins/intercom-version.ts).
    config: { intercomVersion: 'any' },
    schema: {
      tags: ['passthrough'],
      operationId: 'intercomPassthrough',
      summary: 'Raw passthrough to any Intercom endpoint',
      description: 'Sends the method, the path after /intercom, the query and the body (up to 64 KB buffered, so a 429 is retried; larger or chunked bodies streamed and sent once) to Intercom with the service\'s token and Intercom-Version, and streams Intercom\'s answer back verbatim (status, body, headers except hop-by-hop; Intercom\'s x-request-id comes back as intercom-request-id). Paths with `.`/`..` segments or encoded slashes are refused with 400. Example: GET /intercom/admins calls Intercom `listAdmins`.'
    }
  }, async function (request, reply) {
    const path = checkForwardPath(request.raw.url!.slice(request.raw.url!.indexOf('/intercom') + '/intercom'.length))
    const handler = new ForwardHandler()
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) handler.abort() })
    const res = await fastify.intercom.forwardWith(request, {
      method: request.method,
      path,
      headers: forwardRequestHeaders(request.headers),
      body: request.body as Buffer | Readable | undefined
    }, handler)
    return reply.code(res.statusCode).headers(forwardResponseHeaders(res.headers)).send(res.body)
  })
}

export default passthrough
