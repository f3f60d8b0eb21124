/**
 * The contract between the emulator's router and its operation handlers.
 *
 * A handler is registered under an Intercom `operationId` (see handlers/index.ts); the pipeline
 * (pipeline.ts) has already authenticated it and validated it against its version's OpenAPI description. Handlers are
 * synchronous (so check-and-write on the store is atomic), return the JSON body of a 200 answer (or a
 * {@link Reply} for another status), and throw `EmulatorError` for Intercom error answers.
 */
import type { IntercomVersion } from '../../intercom-spec/versions.js'
import type { EmulatorStore } from '../store.js'

/**
 * What a handler gets. `params` are decoded path parameters; `body` is the parsed JSON body;
 * `version` the Intercom version the request is served as (answer in that version's shapes).
 */
export interface HandlerContext {
  store: EmulatorStore
  params: Record<string, string>
  query: Record<string, string | string[]>
  body: unknown
  version: IntercomVersion
}

/** A non-200 answer from a handler. */
export class Reply {
  constructor (readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {}
}

/**
 * A non-JSON answer from a handler: `body` is sent as is with `contentType` (the reporting-data
 * download's `application/octet-stream`); not reshaped for the version.
 */
export class RawReply {
  constructor (readonly status: number, readonly body: string | Buffer, readonly contentType: string, readonly headers: Record<string, string> = {}) {}
}

/** An operation handler: returns the 200 body, a {@link Reply} or a {@link RawReply}; throws EmulatorError for errors. */
export type OperationHandler = (ctx: HandlerContext) => unknown

/** One row of the handler table. */
export interface HandlerEntry {
  operationId: string
  handler: OperationHandler
}

/** The body as an object ({} when absent or not an object: validation may be off). */
export function bodyObject (body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : {}
}

/** First value of a query parameter. */
export function queryValue (query: Record<string, string | string[]>, name: string): string | undefined {
  const v = query[name]
  return Array.isArray(v) ? v[0] : v
}
