/**
 * The undici dispatcher the Intercom client sends through: one keep-alive `Pool` for the Intercom
 * origin, with bounded connections and timeouts, wrapped by `compose(...)` with the interceptors
 * given (the rate budget and retry policy plug in here; the last listed runs first, as in undici).
 */
import { Pool, type Dispatcher } from 'undici'

export interface DispatcherOptions {
  /** Origin, e.g. `https://api.intercom.io`. */
  origin: string
  /** Maximum sockets to the origin. */
  connections: number
  connectTimeoutMs: number
  headersTimeoutMs: number
  bodyTimeoutMs: number
  keepAliveTimeoutMs: number
  /** undici interceptors, applied with `compose` (the last one listed runs first). */
  interceptors?: Dispatcher.DispatcherComposeInterceptor[]
}

/** A pool and the composed dispatcher over it; close the pool to release sockets. */
export interface UpstreamDispatcher {
  pool: Pool
  dispatcher: Dispatcher
}

/** Create the pooled dispatcher for one origin. */
export function createDispatcher (opts: DispatcherOptions): UpstreamDispatcher {
  const pool = new Pool(opts.origin, {
    connections: opts.connections,
    connect: { timeout: opts.connectTimeoutMs },
    headersTimeout: opts.headersTimeoutMs,
    bodyTimeout: opts.bodyTimeoutMs,
    keepAliveTimeout: opts.keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(opts.keepAliveTimeoutMs, 1_000)
  })
  const interceptors = opts.interceptors ?? []
  const dispatcher = interceptors.length > 0 ? pool.compose(...interceptors) : pool
  return { pool, dispatcher }
}
