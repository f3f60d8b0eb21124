import { test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { cleanup, uniquePrefix } from './upstream/redis-helper.js'

test('with no token, the entry serves sandbox mode, says so first, upserts and replies, and exits 0 on SIGTERM', async (t) => {
  const server = fileURLToPath(new URL('../src/server.ts', import.meta.url))
  // A REDIS_URL the run has is inherited: its keys go under a prefix of this run's, deleted after.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SANDBOX_SEARCH_LAG_MS: '0', REDIS_KEY_PREFIX: uniquePrefix() }
  delete env.INTERCOM_ACCESS_TOKEN
  t.teardown(async () => { if (env.REDIS_URL) await cleanup(env.REDIS_URL, env.REDIS_KEY_PREFIX!) })
  const child = spawn(process.execPath, ['--import', 'tsx', server], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const lines: Array<Record<string, any>> = []
  const rl = createInterface({ input: child.stdout! })
  const listening = new Promise<string>((resolve, reject) => {
    rl.on('line', (line) => {
      const entry = JSON.parse(line)
      lines.push(entry)
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(entry.msg ?? '')
      if (m) resolve(m[1])
    })
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)))
  })
  const base = await listening
  t.match(lines[0], { level: 40, sandbox: true, msg: /^SANDBOX MODE/ }, 'the first log line says sandbox mode')

  const upsert = await fetch(`${base}/contacts/upsert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ external_id: 'user-ada', email: 'ada@example.com', name: 'Ada Lovelace' }) })
  t.equal(upsert.status, 200)
  const contact = (await upsert.json() as { action: string, contact: { id: string } })
  t.equal(contact.action, 'updated', 'the seeded contact is matched by external_id')

  const conv = await fetch(`${base}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contact_id: contact.contact.id, body: 'Hi' }) })
  t.equal(conv.status, 200)
  const { conversation_id: cid } = await conv.json() as { conversation_id: string }
  const reply = await fetch(`${base}/conversations/${cid}/reply`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'Hello from the sandbox' }) })
  t.equal(reply.status, 200)
  t.match(await reply.json(), { type: 'conversation', id: cid })

  const docs = await fetch(`${base}/docs/`)
  t.equal(docs.status, 200)
  await docs.arrayBuffer()

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0, 'exits 0 on SIGTERM')
  t.notOk(lines.some((l) => JSON.stringify(l).includes('Bearer ')), 'no token in the logs')
})
