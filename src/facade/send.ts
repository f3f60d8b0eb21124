/**
 * Answering with bytes that are already JSON: the facade passes Intercom's 2xx object on unchanged
 * (no parse, no re-serialisation through the response schema, which stays for the documentation).
 * Bytes that lie in a reused answer buffer (src/upstream/answer-buffers.ts: Intercom answers of
 * 64 KB to 1 MB) give it back once the answer has been written to the caller's socket (`finish`);
 * when the caller goes away first (`close` without `finish`) the buffer is left to the GC.
 */
import type { FastifyReply } from 'fastify'
import { isAnswerBuffer, releaseAnswerBuffer } from '../upstream/answer-buffers.js'

const JSON_TYPE = 'application/json; charset=utf-8'

/** Send `bytes` (a JSON document, e.g. from `IntercomClient.callRaw`) as the answer. */
export function sendJsonBytes (reply: FastifyReply, bytes: Buffer): FastifyReply {
  if (isAnswerBuffer(bytes)) reply.raw.once('finish', () => { releaseAnswerBuffer(bytes) })
  return reply.type(JSON_TYPE).send(bytes)
}
