import { test } from 'tap'
import { duplicatedWrites, startEmulator } from '../../src/emulator/index.js'

async function call (url: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
}

test('the rate limit refuses with 429, counts it, and can send Retry-After as seconds or an HTTP-date', async (t) => {
  for (const form of ['seconds', 'http-date'] as const) {
    // The window is aligned to the minute: stay clear of a boundary so both calls share one window.
    if (60_000 - (Date.now() % 60_000) < 3_000) await new Promise((resolve) => setTimeout(resolve, 3_100))
    const emulator = await startEmulator({ rateLimit: { limit: 1, windowMs: 60_000, retryAfter: form } })
    t.teardown(() => emulator.close())
    t.equal((await call(emulator.url, emulator.token, 'GET', '/me')).status, 200)
    const refused = await call(emulator.url, emulator.token, 'GET', '/me')
    t.equal(refused.status, 429)
    t.match(await refused.json(), { type: 'error.list', errors: [{ code: 'rate_limit_exceeded' }] })
    const ra = refused.headers.get('retry-after') ?? ''
    if (form === 'seconds') t.match(ra, /^\d+$/, `seconds: ${ra}`)
    else t.ok(Date.parse(ra) > Date.now() - 1000, `HTTP-date: ${ra}`)
    t.equal(refused.headers.get('x-ratelimit-remaining'), '0')
    t.same({ refused: emulator.stats.refused429, accepted: emulator.stats.accepted }, { refused: 1, accepted: 1 })
  }
})

test('writes are counted per resource so a duplicate is visible; an applied fault acts, then fails', async (t) => {
  const emulator = await startEmulator()
  t.teardown(() => emulator.close())
  emulator.fault({ method: 'POST', path: '/contacts', status: 500, applied: true })
  const failed = await call(emulator.url, emulator.token, 'POST', '/contacts', { external_id: 'dup-w' })
  t.equal(failed.status, 500)
  t.ok(emulator.store.contacts.byExternalId('dup-w'), 'the write was applied before the 500')
  t.same(duplicatedWrites(emulator.stats), [])
  const again = await call(emulator.url, emulator.token, 'POST', '/contacts', { external_id: 'dup-w' })
  t.equal(again.status, 409)
  t.same(duplicatedWrites(emulator.stats), [{ key: 'POST /contacts {"external_id":"dup-w"}', count: 2 }], 'the second send shows as a duplicate')
  emulator.resetRecords()
  t.same([emulator.stats.refused429, emulator.stats.accepted, emulator.stats.writes.size], [0, 0, 0], 'resetRecords zeroes the counters')
})
