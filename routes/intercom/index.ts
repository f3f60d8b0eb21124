/**
 * /intercom/*: the raw passthrough to any Intercom endpoint. One route per method Intercom's API
 * uses (GET, POST, PUT, PATCH, DELETE), each with its own operationId and each one call to
 * `forward` (src/facade/passthrough.ts: path check, header filters, body buffering, abort wiring);
 * every other method Fastify routes is answered 405 with `Allow` by `refuseMethod`.
 */
import type { FastifyPluginAsync, HTTPMethods } from 'fastify'
import { bufferSmallBody, forward, PASSTHROUGH_METHODS, refuseMethod } from '../../src/facade/passthrough.js'

/** An example per method, for the document. */
const EXAMPLES: Record<typeof PASSTHROUGH_METHODS[number], string> = {
  GET: 'GET /intercom/admins calls Intercom `listAdmins`.',
  POST: 'POST /intercom/contacts with a contact body calls Intercom `CreateContact`.',
  PUT: 'PUT /intercom/contacts/{id} calls Intercom `UpdateContact`.',
  PATCH: 'PATCH /intercom/data_connectors/{id} with Intercom-Version 2.16 calls Intercom `updateDataConnector`.',
  DELETE: 'DELETE /intercom/contacts/{id} calls Intercom `DeleteContact`.'
}

const passthrough: FastifyPluginAsync = async function (fastify) {
  // Bodies go upstream untouched: no parsing, any content type.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', bufferSmallBody)

  for (const method of PASSTHROUGH_METHODS) {
    fastify.route({
      method,
      url: '/*',
      // HEAD is refused below, not answered by this GET route.
      exposeHeadRoute: false,
      // Any Intercom-Version Intercom accepts (N.N or Unstable), not only the facade's (src/plugins/intercom-version.ts).
      config: { intercomVersion: 'any' },
      schema: {
        tags: ['passthrough'],
        operationId: `intercomPassthrough${method[0]}${method.slice(1).toLowerCase()}`,
        summary: `Raw passthrough: ${method} any Intercom endpoint`,
        description: `Sends ${method}, the path after /intercom, the query${method === 'GET' || method === 'DELETE' ? '' : ' and the body (up to 64 KB buffered, so a 429 is retried; larger or chunked bodies streamed and sent once)'} to Intercom with the service's token and Intercom-Version, and streams Intercom's answer back verbatim (status, body, headers except hop-by-hop ones and Set-Cookie; Intercom's x-request-id comes back as intercom-request-id). Paths with empty, \`.\`/\`..\` (or \`..;\`) segments, encoded slashes or control characters, and absolute-form targets, are refused with 400; methods other than GET, POST, PUT, PATCH and DELETE with 405. Example: ${EXAMPLES[method]}`
      },
      handler: forward
    })
  }

  const forwarded = new Set<string>(PASSTHROUGH_METHODS)
  fastify.route({
    method: fastify.supportedMethods.filter((m) => !forwarded.has(m)) as HTTPMethods[],
    url: '/*',
    schema: { hide: true },
    config: { intercomVersion: 'any' },
    // Refused at onRequest, before Fastify reads (or asks a content type for) any body.
    onRequest: refuseMethod,
    handler: refuseMethod
  })
}

export default passthrough
