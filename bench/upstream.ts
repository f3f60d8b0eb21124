/**
 * The benchmark's fake Intercom: a minimal node:http server (not the emulator) that answers
 * Intercom-shaped bodies from precomputed buffers, with `X-RateLimit-*` headers whose limit is high
 * enough never to refuse. It does as little work per request as it can, so the figures measure the
 * proxies, not the upstream.
 *
 * - `GET /contacts/{id}` and `GET /contacts/find_by_external_id/{id}`: one contact (~1.6 KB)
 * - `POST /contacts/search`: `pagination.per_page` contacts (10 → ~16 KB, 150 → ~240 KB); a search
 *   for one email (`field: email, operator: =`) answers exactly one contact, as the upsert expects
 * - `PUT /contacts/{id}`, `POST /contacts`: the contact
 * - `GET /me`: an admin; anything else: Intercom's 404 error list
 *
 * Run as a child of bench/run.ts: it listens on `PORT` (0 = any) and sends `{ port }` over IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** One Intercom contact, padded with realistic fields to about 1.6 KB of JSON. */
export function fakeContact (i: number): Record<string, unknown> {
  const id = (0x6762f0dd1bb69f9f2193bb00n + BigInt(i)).toString(16)
  return {
    type: 'contact',
    id,
    workspace_id: 'bench0ws',
    external_id: `user-${i}`,
    role: 'user',
    email: `user${i}@example.com`,
    phone: null,
    name: `Bench User ${i}`,
    avatar: null,
    owner_id: null,
    social_profiles: { type: 'list', data: [] },
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: false,
    created_at: 1734537437,
    updated_at: 1734537437,
    signed_up_at: 1734537400,
    last_seen_at: 1734537437,
    last_replied_at: null,
    last_contacted_at: null,
    last_email_opened_at: null,
    last_email_clicked_at: null,
    language_override: null,
    browser: 'chrome',
    browser_version: '131.0.0.0',
    browser_language: 'en',
    os: 'OS X 10.15.7',
    location: { type: 'location', country: 'United Kingdom', region: 'England', city: 'London', country_code: 'GBR', continent_code: 'EU' },
    custom_attributes: { plan: 'pro', seats: 12, trial: false, team: 'analytics' },
    tags: { type: 'list', data: [], url: `/contacts/${id}/tags`, total_count: 0, has_more: false },
    notes: { type: 'list', data: [], url: `/contacts/${id}/notes`, total_count: 0, has_more: false },
    companies: { type: 'list', data: [], url: `/contacts/${id}/companies`, total_count: 0, has_more: false },
    opted_out_subscription_types: { type: 'list', data: [], url: `/contacts/${id}/subscriptions`, total_count: 0, has_more: false },
    opted_in_subscription_types: { type: 'list', data: [], url: `/contacts/${id}/subscriptions`, total_count: 0, has_more: false },
    utm_campaign: null,
    utm_content: null,
    utm_medium: null,
    utm_source: null,
    utm_term: null,
    referrer: null,
    enabled_push_messaging: null
  }
}

/** A search answer with `n` contacts, in Intercom's cursor-paged list shape. */
export function fakeSearch (n: number): Record<string, unknown> {
  return {
    type: 'list',
    data: Array.from({ length: n }, (_, i) => fakeContact(i)),
    total_count: 10_000,
    pages: { type: 'pages', page: 1, per_page: n, total_pages: Math.ceil(10_000 / n), next: { per_page: n, starting_after: 'WzE3MzQ1Mzc0MzcwMDAsIjY3NjJmMGRkIiwyXQ==' } }
  }
}

const CONTACT = Buffer.from(JSON.stringify(fakeContact(1)))
const ME = Buffer.from(JSON.stringify({ type: 'admin', id: '991267460', name: 'Bench Admin', email: 'admin@example.com' }))
const NOT_FOUND = Buffer.from(JSON.stringify({ type: 'error.list', request_id: 'bench-404', errors: [{ code: 'not_found', message: 'Resource Not Found' }] }))
const searches = new Map<number, Buffer>()
function search (n: number): Buffer {
  let b = searches.get(n)
  if (b === undefined) searches.set(n, b = Buffer.from(JSON.stringify(fakeSearch(n))))
  return b
}

const LIMIT = 1_000_000_000
let served = 0

function send (res: ServerResponse, status: number, body: Buffer): void {
  served++
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    'x-request-id': 'bench-upstream',
    'x-ratelimit-limit': LIMIT,
    'x-ratelimit-remaining': LIMIT - (served % LIMIT),
    'x-ratelimit-reset': Math.ceil(Date.now() / 1000) + 10
  })
  res.end(body)
}

function route (req: IncomingMessage, res: ServerResponse, raw: string): void {
  const url = req.url ?? '/'
  if (req.method === 'GET' && url.startsWith('/contacts/')) return send(res, 200, CONTACT)
  if (req.method === 'PUT' && url.startsWith('/contacts/')) return send(res, 200, CONTACT)
  if (req.method === 'POST' && url === '/contacts') return send(res, 200, CONTACT)
  if (req.method === 'POST' && url === '/contacts/search') {
    let n = 50
    try {
      const body = JSON.parse(raw) as { query?: { field?: string, operator?: string }, pagination?: { per_page?: number } }
      if (body.query?.field === 'email' && body.query.operator === '=') n = 1
      else if (typeof body.pagination?.per_page === 'number') n = body.pagination.per_page
    } catch {}
    return send(res, 200, search(n))
  }
  if (req.method === 'GET' && url === '/me') return send(res, 200, ME)
  return send(res, 404, NOT_FOUND)
}

/** Start the fake upstream on `port` (0 = any free port); resolves with the port. */
export async function startFakeUpstream (port = 0): Promise<{ port: number, close: () => Promise<void> }> {
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume()
      return route(req, res, '')
    }
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { raw += chunk })
    req.on('end', () => route(req, res, raw))
  })
  server.headersTimeout = 0
  server.requestTimeout = 0
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    close: async () => { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => resolve())) }
  }
}

if (process.send !== undefined && process.argv[1]?.endsWith('upstream.ts')) {
  const { port } = await startFakeUpstream(Number(process.env.PORT ?? 0))
  process.send({ ready: true, port })
}
