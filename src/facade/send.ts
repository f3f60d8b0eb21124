/**
 * Answering with bytes that are already JSON: the facade passes Intercom's 2xx object on unchanged
 * (no parse, no re-serialisation through the response schema, which stays for the documentation).
 */
import type { FastifyReply } from 'fastify'

const JSON_TYPE = 'application/json; charset=utf-8'

/** Send `bytes` (a JSON document, e.g. from `IntercomClient.callRaw`) as the answer. */
export function sendJsonBytes (reply: FastifyReply, bytes: Buffer): FastifyReply {
  return reply.type(JSON_TYPE).send(bytes)
}
