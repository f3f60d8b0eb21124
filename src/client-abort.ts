/**
 * Client aborts: a caller that closed its connection before its answer was written (mid-body, or
 * while Intercom was still answering). Not a server error and not Intercom's: the error handler
 * (src/plugins/problem-details.ts) logs it at `info` as "client aborted" and answers 499 (nginx's
 * "client closed request", for the request log and metrics only: nobody reads it), and the metrics
 * plugin counts it in `http_client_aborts_total{route}`. Only errors are checked (no per-request work).
 */
import type { FastifyRequest } from 'fastify'

/** The status a client abort is recorded with (nginx's "client closed request"). */
export const CLIENT_CLOSED_REQUEST = 499

/** True when the caller's connection is gone, so whatever went wrong, nobody is waiting for the answer. */
export function isClientAbort (request: FastifyRequest): boolean {
  return request.raw.socket?.destroyed === true
}
