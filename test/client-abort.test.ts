import { test } from 'tap'
import net from 'node:net'
import type { FastifyInstance } from 'fastify'
import { appWithLog } from './log-helper.js'

/** Send a request head announcing `length` bytes, then half of them, then close the socket. */
async function sendHalfAndClose (app: FastifyInstance, method: string, path: string, length: number): Promise<void> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`)
  socket.write('{"email":"' + 'x'.repeat(Math.floor(length / 2)))
  await new Promise((resolve) => setTimeout(resolve, 50))
  socket.destroy()
}

test('a caller that disconnects mid-body is a client abort: logged at info, counted, never an unhandled error', async (t) => {
  const { app, emulator, entries } = await appWithLog(t)
  for (const [path, length] of [['/contacts', 1000], ['/intercom/contacts', 1000], ['/intercom/contacts', 200_000]] as const) {
    await sendHalfAndClose(app, 'POST', path, length)
  }
  // Each abort is logged once it is noticed; wait for the three (bounded, not a timing assertion).
  for (let i = 0; i < 100 && entries().filter((e) => e.msg === 'client aborted').length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  const aborted = entries().filter((e) => e.msg === 'client aborted')
  t.equal(aborted.length, 3, 'each is logged as a client abort')
  t.ok(aborted.every((e) => e.level === 30), 'at info')
  t.same(entries().filter((e) => e.level >= 40 && e.reqId !== undefined).map((e) => e.msg), [], 'no warning or error for any of them (no "unhandled error", no "upstream error")')
  t.same([...emulator.stats.writes.values()], [], 'no write reached Intercom')

  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(metrics.body, /^http_client_aborts_total\{route="\/contacts\/?"\} 1$/m, 'counted by route: the facade')
  t.match(metrics.body, /^http_client_aborts_total\{route="\/intercom\/\*"\} 2$/m, 'counted by route: the passthrough, buffered and streamed')
})
