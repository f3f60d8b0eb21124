/**
 * ANY /intercom/*: the raw passthrough to any Intercom endpoint. Method, path, query and body go
 * upstream as sent (body streamed, never parsed); Intercom's status, headers (hop-by-hop dropped)
 * and body stream back. Same client, auth and version headers as the facade routes. When the
 * caller goes away, the upstream request is aborted.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Readable } from 'node:stream'
import { checkForwardPath, forwardRequestHeaders, forwardResponseHeaders } from '../../src/facade/forward.js'
import { ForwardHandler } from '../../src/upstream/forward-handler.js'

const passthrough: FastifyPluginAsync = async function (fastify) {
  // Bodies are streamed upstream untouched: no parsing, any content type.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', function (_request, payload, done) {
    done(null, payload)
  })

  fastify.all('/*', {
    schema: {
      tags: ['passthrough'],
      operationId: 'intercomPassthrough',
      summary: 'Raw passthrough to any Intercom endpoint',
      description: 'Sends the method, the path after /intercom, the query and the body (streamed) to Intercom with the service\'s token and Intercom-Version, and streams Intercom\'s answer back verbatim (status, body, headers except hop-by-hop; Intercom\'s x-request-id comes back as intercom-request-id). Paths with `.`/`..` segments or encoded slashes are refused with 400. Example: GET /intercom/admins calls Intercom `listAdmins`.'
    }
  }, async function (request, reply) {
    const path = checkForwardPath(request.raw.url!.slice(request.raw.url!.indexOf('/intercom') + '/intercom'.length))
    const handler = new ForwardHandler()
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) handler.abort() })
    const res = await fastify.intercom.forwardWith(request, {
      method: request.method,
      path,
      headers: forwardRequestHeaders(request.headers),
      body: request.body as Readable | undefined
    }, handler)
    return reply.code(res.statusCode).headers(forwardResponseHeaders(res.headers)).send(res.body)
  })
}

export default passthrough
