/**
 * IntercomClient against a raw HTTP server that answers what Intercom should not: a 3xx, a 2xx
 * whose body is not JSON or is cut short, an answer larger than UPSTREAM_MAX_ANSWER_BYTES. Each is
 * an upstream fault (`UpstreamNetworkError`); through the app, a 502.
 */
import { test, type Test } from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { clientOptions } from './client-options.js'
import { IntercomClient, looksLikeJsonContainer } from '../../src/upstream/client.js'
import { UpstreamNetworkError } from '../../src/upstream/errors.js'
import { ForwardHandler } from '../../src/upstream/forward-handler.js'
import { build, json } from '../helper.js'

const MAX = 4096

async function server (t: Test, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ client: IntercomClient, seen: string[] }> {
  const seen: string[] = []
  const s = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    handle(req, res)
  })
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const client = new IntercomClient(clientOptions(`http://127.0.0.1:${(s.address() as { port: number }).port}`, 't0k', { maxAnswerBytes: MAX }))
  t.teardown(async () => {
    await client.close()
    s.closeAllConnections()
    s.close()
  })
  return { client, seen }
}

const ctx = { id: 'req-1', headers: {} }
const get = { operationId: 'ShowContact', method: 'GET' as const, path: '/contacts/1' }
const post = { operationId: 'CreateContact', method: 'POST' as const, path: '/contacts', body: { email: 'a@b.co' } }

async function kindOf (p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  return err instanceof UpstreamNetworkError ? err.kind : `not an UpstreamNetworkError: ${String(err)}`
}

test('the bounded JSON check reads both ends only', async (t) => {
  t.ok(looksLikeJsonContainer(Buffer.from(' {"a":1}\n')))
  t.ok(looksLikeJsonContainer(Buffer.from('[1,2]')))
  t.notOk(looksLikeJsonContainer(Buffer.from('{"a":1')), 'cut short')
  t.notOk(looksLikeJsonContainer(Buffer.from('[1,2}')), 'mismatched')
  t.notOk(looksLikeJsonContainer(Buffer.from('<html></html>')))
  t.notOk(looksLikeJsonContainer(Buffer.from('  ')))
  t.notOk(looksLikeJsonContainer(Buffer.from('{')))
})

test('a 2xx cut short (no content-length, the connection closed) is a protocol fault for call and callRaw', async (t) => {
  const { client } = await server(t, (_req, res) => {
    res.socket?.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"type":"contact","id":"1","na')
    res.socket?.end()
  })
  t.equal(await kindOf(client.callRaw(ctx, get)), 'protocol')
  t.equal(await kindOf(client.call(ctx, get)), 'protocol')
})

test('a 2xx shorter than its content-length fails as a reset (a write may have been applied)', async (t) => {
  const { client } = await server(t, (_req, res) => {
    res.socket?.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"id":"1"')
    res.socket?.end()
  })
  const err = await client.call(ctx, post).catch((e: unknown) => e)
  t.ok(err instanceof UpstreamNetworkError)
  t.match(err, { kind: 'reset', maybeSent: true })
})

test('a 2xx that is not JSON is a protocol fault', async (t) => {
  const { client } = await server(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<html>maintenance</html>')
  })
  t.equal(await kindOf(client.callRaw(ctx, get)), 'protocol')
  t.equal(await kindOf(client.call(ctx, get)), 'protocol')
})

test('a 3xx is not success: a protocol fault, never followed', async (t) => {
  const { client, seen } = await server(t, (_req, res) => {
    res.writeHead(302, { location: 'https://example.com/elsewhere', 'content-type': 'application/json' })
    res.end('{}')
  })
  t.equal(await kindOf(client.call(ctx, post)), 'protocol')
  t.equal(await kindOf(client.callRaw(ctx, get)), 'protocol')
  t.same(seen, ['POST /contacts', 'GET /contacts/1'], 'the redirect was not followed')
})

test('an answer over UPSTREAM_MAX_ANSWER_BYTES is aborted: by its content-length, or as it streams', async (t) => {
  const big = JSON.stringify({ data: 'x'.repeat(MAX) })
  const { client } = await server(t, (req, res) => {
    if (req.url === '/sized') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) })
      res.end(big)
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }) // chunked, no length
    res.write(big.slice(0, 1000))
    setTimeout(() => res.end(big.slice(1000)), 20)
  })
  t.equal(await kindOf(client.callRaw(ctx, { ...get, path: '/sized' })), 'too_large')
  t.equal(await kindOf(client.call(ctx, { ...get, path: '/chunked' })), 'too_large')
  const small = await server(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ data: 'x'.repeat(MAX - 100) }))
  })
  t.equal((await small.client.callRaw(ctx, get)).status, 200, 'an answer within the bound is read')
})

test('the passthrough is not bound by UPSTREAM_MAX_ANSWER_BYTES: it streams', async (t) => {
  const big = 'y'.repeat(MAX * 8)
  const { client } = await server(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end(big)
  })
  const answer = await client.forwardWith(ctx, { method: 'GET', path: '/export', headers: {} }, new ForwardHandler())
  t.ok(answer.body instanceof Readable)
  const chunks: Buffer[] = []
  for await (const c of answer.body as Readable) chunks.push(c as Buffer)
  t.equal(Buffer.concat(chunks).length, big.length)
})

test('through the app: a 3xx and a truncated 2xx are 502s, and a too-large answer is a 502', async (t) => {
  const answers: Array<(res: ServerResponse) => void> = [
    (res) => { res.writeHead(301, { location: '/elsewhere' }); res.end() },
    (res) => { res.socket?.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"type":"contact"'); res.socket?.end() },
    (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ type: 'contact', id: '1', notes: 'z'.repeat(4096) })) }
  ]
  const s = createServer((_req, res) => { (answers.shift() ?? ((r: ServerResponse) => { r.writeHead(500); r.end() }))(res) })
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  t.teardown(() => { s.closeAllConnections(); s.close() })
  const { app } = await build(t, { env: { INTERCOM_BASE_URL: `http://127.0.0.1:${(s.address() as { port: number }).port}`, UPSTREAM_MAX_ANSWER_BYTES: '1024', RETRY_MAX_ATTEMPTS: '1' } })
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'GET', url: '/contacts/1' })
    t.equal(res.statusCode, 502, `answer ${i}`)
    t.equal(json(res).status, 502)
  }
})

test('a large answer with a content-length is read whole, whatever its chunks (one buffer of the announced size)', async (t) => {
  const contacts = Array.from({ length: 2000 }, (_, i) => ({ type: 'contact', id: String(i), name: `Contact ${i}` }))
  const body = Buffer.from(JSON.stringify({ type: 'list', data: contacts }))
  t.ok(body.length > 64 * 1024, `${body.length} bytes`)
  const { client } = await server(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
    // Written in uneven pieces, with pauses, so the answer arrives in many chunks.
    let at = 0
    const next = (): void => {
      const end = Math.min(at + 7001, body.length)
      res.write(body.subarray(at, end))
      at = end
      if (at < body.length) setTimeout(next, 1)
      else res.end()
    }
    next()
  })
  const big = new IntercomClient(clientOptions(client.origin, 't0k', { maxAnswerBytes: 1024 * 1024 }))
  t.teardown(() => big.close())
  const raw = await big.callRaw(ctx, get)
  t.equal(raw.data.length, body.length)
  t.ok(raw.data.equals(body), 'the bytes as sent')
  const parsed = await big.call<{ data: unknown[] }>(ctx, get)
  t.equal(parsed.data.data.length, 2000)
})
