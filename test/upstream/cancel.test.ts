/**
 * A call that has not been sent when its caller goes away (waiting for rate budget, or in a retry
 * backoff) is cancelled and counted; nothing more reaches Intercom. Through real HTTP: the caller
 * is a raw socket that closes before the answer.
 */
import { connect } from 'node:net'
import { once } from 'node:events'
import { test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, seedContact } from '../helper.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Send `POST path` with a JSON body on a fresh socket, and close the socket after `closeAfterMs`. */
async function postThenLeave (app: FastifyInstance, path: string, body: unknown, closeAfterMs: number): Promise<void> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const text = JSON.stringify(body)
  socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nx-request-deadline-ms: 20000\r\n\r\n${text}`)
  await sleep(closeAfterMs)
  socket.destroy()
}

async function cancelled (app: FastifyInstance, operation: string): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  const m = new RegExp(`^intercom_calls_cancelled_total\\{operation="${operation}"\\} (\\d+)$`, 'm').exec(res.body)
  return m === null ? 0 : Number(m[1])
}

test('a write queued behind an exhausted budget whose caller disconnects is never sent', async (t) => {
  const windowMs = 4_000
  // Start near the beginning of the emulator's window (aligned to multiples of windowMs), so the
  // budget cannot refill before the caller has left.
  const into = Date.now() % windowMs
  if (into > 300) await sleep(windowMs - into + 20)
  const b = await build(t, { emulator: { rateLimit: { limit: 2, windowMs } } })
  const c = await seedContact(b.emulator, { email: 'queued@example.com' }) // one of the two
  const get = await b.app.inject({ method: 'GET', url: `/contacts/${c.id}` }) // the other: 0 left, learned
  t.equal(get.statusCode, 200)
  await postThenLeave(b.app, '/contacts', { external_id: 'never-sent' }, 150)
  await sleep(windowMs) // past the reset: a write still queued would go out now
  t.same(b.emulator.requests.filter((r) => r.method === 'POST').map((r) => r.path), [], 'Intercom never received the write')
  t.equal(b.emulator.store.contacts.byExternalId('never-sent'), undefined)
  t.equal(await cancelled(b.app, 'CreateContact'), 1, 'counted once')
  t.equal(b.emulator.stats.refused429, 0)
})

test('a write in a retry backoff whose caller disconnects is not sent again', async (t) => {
  const b = await build(t)
  b.emulator.fault({ method: 'POST', path: '/contacts', status: 429, headers: { 'Retry-After': '2' } })
  await postThenLeave(b.app, '/contacts', { external_id: 'not-again' }, 300)
  await sleep(2_500)
  t.equal(b.emulator.requests.filter((r) => r.method === 'POST').length, 1, 'the refused attempt only')
  t.equal(b.emulator.store.contacts.byExternalId('not-again'), undefined)
  t.equal(await cancelled(b.app, 'CreateContact'), 1)
})

test('a write already sent when its caller disconnects completes', async (t) => {
  const b = await build(t)
  b.emulator.fault({ method: 'POST', path: '/contacts', delayMs: 500 })
  await postThenLeave(b.app, '/contacts', { external_id: 'completes' }, 150)
  await sleep(700)
  t.equal(b.emulator.requests.filter((r) => r.method === 'POST').length, 1)
  t.equal(b.emulator.store.contacts.byExternalId('completes')?.external_id, 'completes', 'applied once')
  t.equal(await cancelled(b.app, 'CreateContact'), 0)
})
