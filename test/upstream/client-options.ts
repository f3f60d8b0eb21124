/**
 * What the upstream tests share: the `IntercomClient` options (short timeouts, a small pool,
 * keep-alive 10 ms), and a client on a loopback `node:http` server answering with `handle`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { Test } from 'tap'
import { IntercomClient, type IntercomClientOptions } from '../../src/upstream/client.js'

export function clientOptions (baseUrl: string, token: string, more: Partial<IntercomClientOptions> = {}): IntercomClientOptions {
  return { baseUrl, token, version: '2.14', connections: 4, connectTimeoutMs: 1_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000, keepAliveTimeoutMs: 10, ...more }
}

/** A client (token `t0k`) on a loopback server answering every request with `handle`; both close in `t.teardown`. */
export async function loopbackClient (t: Test, handle: (req: IncomingMessage, res: ServerResponse) => void, more: Partial<IntercomClientOptions> = {}): Promise<IntercomClient> {
  const s = createServer(handle)
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const client = new IntercomClient(clientOptions(`http://127.0.0.1:${(s.address() as { port: number }).port}`, 't0k', more))
  t.teardown(async () => {
    await client.close()
    s.closeAllConnections()
    s.close()
  })
  return client
}
