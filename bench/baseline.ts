/**
 * The benchmark's baseline: the plain way to put a proxy in front of Intercom with Fastify, i.e.
 * @fastify/reply-from with its defaults (undici pool of 128 connections), pointed at the fake
 * upstream. It adds the same auth and version headers the service adds, and no logging.
 * Run as a child of bench/run.ts with `UPSTREAM` and `PORT`; sends `{ port }` over IPC.
 */
import Fastify from 'fastify'
import replyFrom from '@fastify/reply-from'

/** Start the reply-from proxy on `port`, forwarding every request to `upstream`. */
export async function startBaseline (upstream: string, port = 0, token = 'bench-token'): Promise<{ port: number, close: () => Promise<void> }> {
  const app = Fastify({ logger: false })
  await app.register(replyFrom, { base: upstream })
  app.all('/*', (request, reply) => {
    return reply.from(request.url, {
      rewriteRequestHeaders: (_req, headers) => ({ ...headers, authorization: `Bearer ${token}`, 'intercom-version': '2.14' })
    })
  })
  await app.listen({ host: '127.0.0.1', port })
  return { port: (app.server.address() as { port: number }).port, close: () => app.close() }
}

if (process.send !== undefined && process.argv[1]?.endsWith('baseline.ts')) {
  const { port } = await startBaseline(process.env.UPSTREAM!, Number(process.env.PORT ?? 0))
  process.send({ ready: true, port })
}
