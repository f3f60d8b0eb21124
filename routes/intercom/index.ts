/**
 * ANY /intercom/*: the raw passthrough to any Intercom endpoint, one call to `forward`
 * (src/facade/passthrough.ts: path check, header filters, body buffering, abort wiring).
 */
import type { FastifyPluginAsync } from 'fastify'
import { bufferSmallBody, forward } from '../../src/facade/passthrough.js'

const passthrough: FastifyPluginAsync = async function (fastify) {
  // Bodies go upstream untouched: no parsing, any content type.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', bufferSmallBody)

  fastify.all('/*', {
    schema: {
      tags: ['passthrough'],
      operationId: 'intercomPassthrough',
      summary: 'Raw passthrough to any Intercom endpoint',
      description: 'Sends the method, the path after /intercom, the query and the body (up to 64 KB buffered, so a 429 is retried; larger or chunked bodies streamed and sent once) to Intercom with the service\'s token and Intercom-Version, and streams Intercom\'s answer back verbatim (status, body, headers except hop-by-hop; Intercom\'s x-request-id comes back as intercom-request-id). Paths with `.`/`..` segments or encoded slashes are refused with 400. Example: GET /intercom/admins calls Intercom `listAdmins`.'
    }
  }, forward)
}

export default passthrough
