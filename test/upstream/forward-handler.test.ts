import { test } from 'tap'
import type { IncomingMessage } from 'node:http'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { loopbackClient } from './client-options.js'
import { ForwardHandler } from '../../src/upstream/forward-handler.js'
import { UpstreamNetworkError } from '../../src/upstream/errors.js'

const ctx = { id: 'req-1', headers: {} }

test('a small answer comes back as one Buffer, with our auth and version headers sent', async (t) => {
  let seen: IncomingMessage | undefined
  const client = await loopbackClient(t, (req, res) => {
    seen = req
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': '11', 'x-ratelimit-remaining': '9' })
    res.end('{"ok":true}')
  })
  const answer = await client.forwardWith(ctx, { method: 'GET', path: '/admins?x=1', headers: { 'accept-language': 'fr' } }, new ForwardHandler())
  t.equal(answer.statusCode, 201)
  t.equal(answer.headers['x-ratelimit-remaining'], '9')
  t.ok(Buffer.isBuffer(answer.body))
  t.equal(answer.body.toString(), '{"ok":true}')
  t.equal(seen?.url, '/admins?x=1')
  t.equal(seen?.headers.authorization, 'Bearer t0k')
  t.equal(seen?.headers['intercom-version'], '2.14')
  t.equal(seen?.headers['accept-language'], 'fr')
})

test('a large or unsized answer is streamed, and the request body is streamed up', async (t) => {
  const big = 'x'.repeat(300 * 1024)
  const client = await loopbackClient(t, (req, res) => {
    let n = 0
    req.on('data', (c: Buffer) => { n += c.length })
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-received': String(n) })
      res.write(big.slice(0, 1000))
      setTimeout(() => res.end(big.slice(1000)), 20)
    })
  })
  const answer = await client.forwardWith(ctx, { method: 'POST', path: '/upload', headers: {}, body: Readable.from([Buffer.alloc(5000), Buffer.alloc(7)]) }, new ForwardHandler())
  t.equal(answer.statusCode, 200)
  t.equal(answer.headers['x-received'], '5007')
  t.ok(answer.body instanceof Readable, 'no content-length: a stream')
  const chunks: Buffer[] = []
  for await (const c of answer.body as Readable) chunks.push(c as Buffer)
  t.equal(Buffer.concat(chunks).toString(), big)
})

test('abort() before the answer cancels the upstream request', async (t) => {
  let closed = false
  const client = await loopbackClient(t, (req) => {
    req.socket.on('close', () => { closed = true })
  })
  const handler = new ForwardHandler()
  const answer = client.forwardWith(ctx, { method: 'GET', path: '/slow', headers: {} }, handler)
  setTimeout(() => handler.abort(), 50)
  const err = await answer.catch((e: unknown) => e)
  t.ok(err instanceof UpstreamNetworkError)
  t.equal((err as UpstreamNetworkError).kind, 'aborted')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(closed, 'the upstream socket was closed')
})

test('destroying a streamed answer cancels the upstream request', async (t) => {
  let closed = false
  const client = await loopbackClient(t, (req, res) => {
    req.socket.on('close', () => { closed = true })
    res.writeHead(200)
    res.write('partial')
  })
  const answer = await client.forwardWith(ctx, { method: 'GET', path: '/stream', headers: {} }, new ForwardHandler())
  const body = answer.body as Readable
  await once(body, 'readable')
  body.destroy()
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(closed, 'the upstream socket was closed')
})
