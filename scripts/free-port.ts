/**
 * `freePort()`: a TCP port free on 127.0.0.1 right now (the kernel picks it; the listener is closed
 * before it resolves), for the real servers the tests and scripts start (redis-server, Prometheus,
 * HAProxy).
 */
import { createServer } from 'node:net'

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => { resolve(port) })
    })
  })
}
