import { test } from 'tap'
import { readFileSync } from 'node:fs'
import YAML from 'yaml'
import { generateOpenApiYaml } from '../src/openapi-document.js'
import { build } from './helper.js'

test('the committed openapi.yaml is the document the routes generate (npm run openapi)', async (t) => {
  const committed = readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')
  t.equal(committed, await generateOpenApiYaml(), 'openapi.yaml is out of step: run `npm run openapi`')
})

test('every facade route has a summary, a description naming its Intercom operation, and body examples', async (t) => {
  const doc = YAML.parse(await generateOpenApiYaml())
  let operations = 0
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      operations++
      t.ok(op.summary, `${method} ${path} has a summary`)
      t.ok(op.description, `${method} ${path} has a description`)
      if (!path.startsWith('/healthz') && !path.startsWith('/readyz')) t.match(op.description, /`[A-Za-z]+`|Intercom/, `${method} ${path} names the Intercom operation`)
      const media = op.requestBody?.content?.['application/json']
      if (media) t.ok(media.example ?? media.examples, `${method} ${path} has a body example`)
    }
  }
  t.ok(operations >= 12, `${operations} operations documented`)
  t.ok(doc.components.schemas.Problem, 'Problem is one shared component')
  t.ok(doc.components.schemas.Contact, 'Contact is one shared component')
})

test('GET /openapi.json, /openapi.yaml and /docs are served', async (t) => {
  const { app } = await build(t)
  const j = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(j.statusCode, 200)
  t.equal(JSON.parse(j.body).openapi, '3.1.0')
  const y = await app.inject({ method: 'GET', url: '/openapi.yaml' })
  t.equal(y.statusCode, 200)
  t.match(y.headers['content-type'], /yaml/)
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.body, /swagger/i)
})

test("the README's problem-code table and the document's Problem.code enum are the fixed PROBLEM_CODES", async (t) => {
  const { PROBLEM_CODES } = await import('../schemas/common.js')
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const start = readme.indexOf('### Problem codes')
  const section = readme.slice(start, readme.indexOf('\n## ', start))
  const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (\S+) \| (.+) \|$/gm)].map((m) => [m[1], m[2], m[3]])
  t.same(rows, Object.entries(PROBLEM_CODES).map(([code, [status, meaning]]) => [code, String(status), meaning]))
  const doc = YAML.parse(await generateOpenApiYaml())
  t.same(doc.components.schemas.Problem.properties.code.enum, Object.keys(PROBLEM_CODES))
})

test('collections are published without a trailing slash, and both forms are served', async (t) => {
  const doc = YAML.parse(await generateOpenApiYaml())
  const slashed = Object.keys(doc.paths).filter((p) => p.length > 1 && p.endsWith('/'))
  t.same(slashed, [], 'no published path ends with /')
  for (const p of ['/contacts', '/companies', '/conversations', '/tags', '/admins', '/articles', '/tickets', '/messages', '/events', '/me', '/teams', '/intercom/operations']) {
    t.ok(doc.paths[p], `${p} is published`)
  }
  const { app } = await build(t)
  for (const url of ['/contacts', '/contacts/', '/tags', '/tags/', '/intercom/operations', '/intercom/operations/']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url)
  }
})

test("the Contact, Company, Conversation and Ticket components describe Intercom's documented fields, with the description's example", async (t) => {
  const doc = YAML.parse(await generateOpenApiYaml())
  const expect: Record<string, string[]> = {
    Contact: ['email_domain', 'last_seen_at', 'owner_id', 'location', 'companies'],
    Company: ['company_id', 'plan', 'monthly_spend', 'tags', 'segments'],
    Conversation: ['admin_assignee_id', 'waiting_since', 'source', 'conversation_parts', 'statistics'],
    Ticket: ['ticket_attributes', 'ticket_state', 'ticket_type', 'contacts', 'ticket_parts']
  }
  for (const [name, fields] of Object.entries(expect)) {
    const schema = doc.components.schemas[name]
    for (const f of fields) t.ok(schema.properties[f]?.description, `${name}.${f} is described`)
    t.same(schema.required, ['type', 'id'])
    const example = schema.examples?.[0]
    t.equal(example?.type, name.toLowerCase(), `${name} example is Intercom's`)
    t.notOk(['string', '', undefined].includes(example?.id), `${name} example is not a generated placeholder`)
  }
})
