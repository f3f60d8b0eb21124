/** The `IntercomClient` options the upstream tests share: short timeouts, a small pool, keep-alive 10 ms. */
import type { IntercomClientOptions } from '../../src/upstream/client.js'

export function clientOptions (baseUrl: string, token: string, more: Partial<IntercomClientOptions> = {}): IntercomClientOptions {
  return { baseUrl, token, version: '2.14', connections: 4, connectTimeoutMs: 1_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000, keepAliveTimeoutMs: 10, ...more }
}
