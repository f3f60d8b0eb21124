import { readFileSync } from 'node:fs'
import { test } from 'tap'
import YAML from 'yaml'
import { build, json, seedContact, upstream } from '../helper.js'
import { SEED_IDS } from '../../src/emulator/index.js'
import { findProjectRoot, loadIntercomSpec, specRelativePath, type IntercomSpec } from '../../src/intercom-spec/load.js'
import { exampleRequest, exampleResponse, type ExampleRequest } from '../../src/intercom-spec/examples.js'
import { buildUpstreamPath } from '../../src/facade/operations.js'
import { SUPPORTED_VERSIONS, type IntercomVersion } from '../../src/intercom-spec/versions.js'
import { HANDLER_TABLE } from '../../src/emulator/handlers/index.js'

/**
 * operationIds of a version's vendored description, read straight from the YAML (not through the
 * loader), with `METHOD path` for the ones Intercom leaves unnamed.
 */
function specOperationIds (version: IntercomVersion): { named: string[], unnamed: string[] } {
  const doc = YAML.parse(readFileSync(`${findProjectRoot()}/${specRelativePath(version)}`, 'utf8'), { strict: false, uniqueKeys: false }) as { paths: Record<string, Record<string, { operationId?: string }>> }
  const named: string[] = []
  const unnamed: string[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      if (item[method] === undefined) continue
      const id = item[method].operationId
      if (id !== undefined) named.push(id)
      else unnamed.push(`${method.toUpperCase()} ${path}`)
    }
  }
  return { named, unnamed }
}

/** The spec's example answer body of an operation the emulator has no handler for. */
async function example (operationId: string): Promise<unknown> {
  const ex = exampleResponse((await loadIntercomSpec('2.14')).document, operationId)
  if (ex === undefined) throw new Error(`no example for ${operationId}`)
  return ex.body
}

/** True when the emulator keeps state for the operation (a made-up id is then its 404). */
const emulatedOperation = (operationId: string): boolean => HANDLER_TABLE.some((h) => h.operationId === operationId)

const call = (operationId: string, payload: unknown = {}) => ({ method: 'POST' as const, url: `/intercom/operations/${operationId}`, payload: payload as object })

test('GET /intercom/operations lists every operation of the request\'s version, with added_in', async (t) => {
  const { app, emulator } = await build(t)
  for (const [version, count] of [['2.14', 150], ['2.15', 162], ['2.16', 231]] as const) {
    const { named, unnamed } = specOperationIds(version)
    for (const how of ['query', 'header'] as const) {
      const res = await app.inject(how === 'query'
        ? { method: 'GET', url: `/intercom/operations?version=${version}` }
        : { method: 'GET', url: '/intercom/operations', headers: { 'intercom-version': version } })
      t.equal(res.statusCode, 200)
      const body = json(res)
      t.equal(body.version, version, `${version} by ${how}`)
      t.equal(body.total_count, count, `${version}: every operation (${count})`)
      t.equal(named.length + unnamed.length, count)
      const listed = body.data as Array<{ operationId: string, method: string, path: string, added_in: string, derived_operation_id: boolean }>
      t.same(listed.filter((o) => !o.derived_operation_id).map((o) => o.operationId).sort(), [...named].sort(), `${version}: every operationId of the description, once`)
      t.same(listed.filter((o) => o.derived_operation_id).map((o) => `${o.method} ${o.path}`).sort(), [...unnamed].sort(), `${version}: the unnamed ones under derived names`)
    }
  }
  const all = json(await app.inject({ method: 'GET', url: '/intercom/operations?version=2.16' })).data as Array<{ operationId: string, added_in: string }>
  const added = (id: string): string | undefined => all.find((o) => o.operationId === id)?.added_in
  t.equal(added('ShowContact'), '2.14')
  t.equal(added('listBrands'), '2.15')
  t.equal(added('registerFinVoiceCall'), '2.15')
  t.equal(added('listMacros'), '2.16')
  t.equal(added('getDownloadReportingDataByJobIdentifier'), '2.14')
  const res = await app.inject({ method: 'GET', url: '/intercom/operations?version=2.14' })
  const body = json(res)
  t.same(body.next_cursor, null)
  t.same(body.data.find((o: { operationId: string }) => o.operationId === 'ShowContact'),
    { operationId: 'ShowContact', method: 'GET', path: '/contacts/{contact_id}', summary: 'Get a contact', tags: ['Contacts'], added_in: '2.14', derived_operation_id: false })
  t.same(new Set(body.data.map((o: { method: string }) => o.method)), new Set(['GET', 'POST', 'PUT', 'DELETE']))
  t.equal(emulator.requests.length, 0, 'the static route wins over the /intercom/* passthrough: nothing sent upstream')

  const tagged = await app.inject({ method: 'GET', url: '/intercom/operations?tag=contacts&version=2.14' })
  t.equal(tagged.statusCode, 200)
  const some = json(tagged).data as Array<{ tags: string[] }>
  t.ok(some.length > 5 && some.length < 150, '?tag= keeps one tag (case-insensitive)')
  t.ok(some.every((o) => o.tags.includes('Contacts')))
  t.equal(json(tagged).total_count, some.length)

  const slash = await app.inject({ method: 'GET', url: '/intercom/operations/?tag=Contacts&version=2.14' })
  t.equal(slash.statusCode, 200, 'the trailing-slash form is the same listing')
  t.equal(json(slash).total_count, some.length)

  const bad = await app.inject({ method: 'GET', url: '/intercom/operations?per_page=5' })
  t.equal(bad.statusCode, 400, 'unknown query parameters are refused')
  const badVersion = await app.inject({ method: 'GET', url: '/intercom/operations?version=2.11' })
  t.equal(badVersion.statusCode, 400, 'an unsupported ?version= is refused')
  t.equal(emulator.requests.length, 0)
})

test('the catalog routes sit beside the passthrough wildcard, which still serves other paths', async (t) => {
  const { app, emulator } = await build(t)
  const get = await app.inject({ method: 'GET', url: '/intercom/operations/ShowContact' })
  t.equal(get.statusCode, 404, 'GET /intercom/operations/x is not a catalog route: the passthrough sends it to Intercom')
  t.equal(json(get).type, 'error.list', "Intercom's own 404 body")
  t.equal(emulator.requests.length, 1)
  t.equal(emulator.requests[0].path, '/operations/ShowContact')
  const me = await app.inject({ method: 'GET', url: '/intercom/me' })
  t.equal(me.statusCode, 200)
  t.equal(emulator.requests[1].path, '/me')
})

test('POST /intercom/operations/ShowContact (GET): path parameter into the path', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'cat@example.com' })
  const res = await app.inject(call('ShowContact', { path: { contact_id: c.id } }))
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'contact', id: c.id, email: 'cat@example.com' }, "Intercom's answer as is")
  const calls = upstream(t, emulator)
  t.equal(calls.length, 1)
  t.match(calls[0], { method: 'GET', path: `/contacts/${c.id}`, query: {}, body: undefined, operationId: 'ShowContact' })
  t.equal(calls[0].headers.authorization, `Bearer ${emulator.token}`)
  t.equal(calls[0].headers['intercom-version'], '2.16')
})

test('POST /intercom/operations/retrieveConversation (GET): path and query', async (t) => {
  const { app, emulator } = await build(t, { emulator: { seed: true } })
  const res = await app.inject(call('retrieveConversation', { path: { conversation_id: SEED_IDS.conversation }, query: { display_as: 'plaintext' } }))
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'conversation', id: SEED_IDS.conversation })
  const calls = upstream(t, emulator)
  t.equal(calls.length, 1)
  t.match(calls[0], { method: 'GET', path: `/conversations/${SEED_IDS.conversation}`, query: { display_as: 'plaintext' } })
})

test('POST /intercom/operations/CreateContact (POST): the body goes up as given', async (t) => {
  const { app, emulator } = await build(t)
  const body = { role: 'user', email: 'made@example.com', name: 'Made By Catalog', custom_attributes: { plan: 'pro' } }
  const res = await app.inject(call('CreateContact', { body }))
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'contact', email: 'made@example.com', name: 'Made By Catalog' })
  const calls = upstream(t, emulator)
  t.equal(calls.length, 1)
  t.match(calls[0], { method: 'POST', path: '/contacts', query: {} })
  t.same(calls[0].body, body)
  t.match(calls[0].headers['content-type'], /^application\/json/)
})

test('POST /intercom/operations/UpdateContact (PUT): path and body', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'up@example.com' })
  const res = await app.inject(call('UpdateContact', { path: { contact_id: c.id }, body: { name: 'Updated' } }))
  t.equal(res.statusCode, 200)
  t.match(json(res), { id: c.id, name: 'Updated' })
  const calls = upstream(t, emulator)
  t.equal(calls.length, 1)
  t.match(calls[0], { method: 'PUT', path: `/contacts/${c.id}` })
  t.same(calls[0].body, { name: 'Updated' })
})

test('POST /intercom/operations/DeleteContact (DELETE)', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'del@example.com' })
  const res = await app.inject(call('DeleteContact', { path: { contact_id: c.id } }))
  t.equal(res.statusCode, 200)
  t.match(json(res), { id: c.id, deleted: true })
  const calls = upstream(t, emulator)
  t.equal(calls.length, 1)
  t.match(calls[0], { method: 'DELETE', path: `/contacts/${c.id}`, body: undefined })
})

test('operations the emulator does not implement answer the spec\'s example, one per method', async (t) => {
  const { app, emulator } = await build(t)
  const cases = [
    { id: 'listSegments', input: { query: { include_count: true } }, method: 'GET', path: '/segments', query: { include_count: 'true' } },
    { id: 'retrieveNewsItem', input: { path: { news_item_id: 123 } }, method: 'GET', path: '/news/news_items/123', query: {} },
    { id: 'createNewsItem', input: { body: { title: 'Hello', sender_id: 991267834, state: 'draft' } }, method: 'POST', path: '/news/news_items', query: {} },
    { id: 'updateNewsItem', input: { path: { news_item_id: '123' }, body: { title: 'Hi', sender_id: 991267834 } }, method: 'PUT', path: '/news/news_items/123', query: {} },
    { id: 'deleteNewsItem', input: { path: { news_item_id: 123 } }, method: 'DELETE', path: '/news/news_items/123', query: {} },
    { id: 'updateIpAllowlist', input: { body: { enabled: true, ip_allowlist: ['10.0.0.1'] } }, method: 'PUT', path: '/ip_allowlist', query: {} }
  ]
  for (const [i, c] of cases.entries()) {
    const res = await app.inject(call(c.id, c.input))
    t.equal(res.statusCode, 200, c.id)
    t.same(json(res), await example(c.id), `${c.id}: the spec's example comes back as is`)
    const rec = emulator.requests[i]
    t.match(rec, { method: c.method, path: c.path, operationId: c.id }, `${c.id}: upstream request`)
    t.same(rec.query, c.query, `${c.id}: upstream query`)
    t.same(rec.body, (c.input as { body?: unknown }).body, `${c.id}: upstream body`)
  }
  upstream(t, emulator)
  t.equal(emulator.requests.length, cases.length)
})

test('a path parameter with / or .. inside stays one encoded segment (a bare `..` is refused: test/plugins/hostile-input.test.ts)', async (t) => {
  const { app, emulator } = await build(t)
  for (const [id, encoded] of [['a/b', 'a%2Fb'], ['...', '%2E%2E%2E'], ['../admins', '..%2Fadmins'], ['x?y#z', 'x%3Fy%23z']]) {
    const res = await app.inject(call('ShowContact', { path: { contact_id: id } }))
    t.equal(res.statusCode, 404, `${id}: Intercom's 404 for that id`)
    t.equal(json(res).code, 'UPSTREAM_NOT_FOUND', id)
    t.equal(emulator.requests.at(-1)?.path, `/contacts/${encoded}`, `${id} → /contacts/${encoded}`)
    t.equal(emulator.requests.at(-1)?.operationId, 'ShowContact', 'still ShowContact upstream')
  }
  upstream(t, emulator)
})

test('catalog input is validated against the operation\'s schemas; nothing is sent on failure', async (t) => {
  const { app, emulator } = await build(t)
  const cases: Array<[string, unknown, string[]]> = [
    ['retrieveNewsItem', { path: { news_item_id: 'abc' } }, ['path.news_item_id']],
    ['ShowContact', {}, ['path.contact_id']],
    ['ShowContact', { path: { contact_id: 'x', other: 'y' } }, ['path.other']],
    ['listSegments', { query: { include_count: 'maybe' } }, ['query.include_count']],
    ['listSegments', { query: { per_page: 5 } }, ['query.per_page']],
    ['createNewsItem', { body: { title: 5, sender_id: 991267834 } }, ['body.title']],
    ['updateNewsItem', { path: { news_item_id: 1 }, body: { title: 'x', sender_id: 'me' } }, ['body.sender_id']],
    ['listCallsWithTranscripts', {}, ['body']],
    ['listSegments', { body: { a: 1 } }, ['body']],
    ['CreateContact', { body: { email: 5 } }, ['body.email']]
  ]
  for (const [id, input, fields] of cases) {
    const res = await app.inject(call(id, input))
    t.equal(res.statusCode, 400, `${id} ${JSON.stringify(input)}`)
    const problem = json(res)
    t.equal(problem.code, 'VALIDATION_ERROR')
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    const named = (problem.errors as Array<{ field: string }>).map((e) => e.field)
    for (const f of fields) t.ok(named.includes(f), `${id}: ${f} is named (${named.join(', ')})`)
  }
  const shape = await app.inject(call('ShowContact', { path: { contact_id: 'x' }, extra: 1 }))
  t.equal(shape.statusCode, 400, 'unknown top-level fields are refused')
  t.equal(emulator.requests.length, 0, 'nothing was sent upstream')
})

test('an unknown operationId is a 404 problem and nothing is sent', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject(call('NoSuchOperation', {}))
  t.equal(res.statusCode, 404)
  t.match(json(res), { status: 404, code: 'FACADE_UNKNOWN_OPERATION' })
  t.match(json(res).detail, /NoSuchOperation/)
  const absent = await app.inject({ ...call('listBrands', {}), headers: { 'intercom-version': '2.14' } })
  t.equal(absent.statusCode, 404, 'an operation the request\'s version lacks is a 404')
  t.match(json(absent), { status: 404, code: 'FACADE_UNKNOWN_OPERATION' })
  t.match(json(absent).detail, /Intercom 2\.14 has no operation listBrands: it is in Intercom 2\.15, 2\.16/)
  const weird = await app.inject(call('no-such-op', {}))
  t.equal(weird.statusCode, 400, 'an operationId outside [A-Za-z0-9_] is refused')
  t.equal(emulator.requests.length, 0)
})

test('Intercom errors through the catalog are mapped like every route', async (t) => {
  const { app, emulator } = await build(t)
  await seedContact(emulator, { email: 'dup@example.com' })
  const res = await app.inject(call('CreateContact', { body: { email: 'dup@example.com' } }))
  t.equal(res.statusCode, 409)
  t.match(json(res), { status: 409, upstream: { status: 409 } })
  upstream(t, emulator)
})

/**
 * A valid input for an operation: the description's own example when it fits the operation's
 * schemas, else a generated one (openapi-sampler); undefined when neither does.
 */
function validInput (spec: IntercomSpec, operationId: string, op: Parameters<typeof exampleRequest>[1] & { method: string, path: string }): ExampleRequest | undefined {
  for (const generate of [false, true]) {
    const input = exampleRequest(spec.document, op, { generate })
    const path = buildUpstreamPath(op.path, input.path)
    const errors = spec.validate(operationId, { method: op.method, path, query: { ...input.query }, body: input.body, contentType: input.body === undefined ? undefined : 'application/json' })
    if (errors.length === 0) return input
  }
  return undefined
}

/** Whether the description's only success answers of `operationId` are redirects (3xx). */
function redirects (spec: { operations: ReadonlyMap<string, unknown> }, operationId: string): boolean {
  const codes = Object.keys(((spec.operations.get(operationId) as { responses?: Record<string, unknown> }).responses) ?? {})
  return codes.some((c) => c.startsWith('3')) && !codes.some((c) => c.startsWith('2'))
}

for (const version of SUPPORTED_VERSIONS) {
  test(`${version}: every operation is listed and callable in sandbox with a valid example input`, async (t) => {
    const { app, emulator } = await build(t, { emulator: { seed: true } })
    const spec = await loadIntercomSpec(version)
    const listed = new Set((json(await app.inject({ method: 'GET', url: `/intercom/operations?version=${version}` })).data as Array<{ operationId: string }>).map((o) => o.operationId))
    const problems: string[] = []
    for (const [operationId, op] of spec.operations) {
      if (!listed.has(operationId)) problems.push(`${operationId}: not listed`)
      const input = validInput(spec, operationId, op)
      if (input === undefined) {
        problems.push(`${operationId}: neither the description's example nor a generated input is valid`)
        continue
      }
      emulator.resetRecords()
      const res = await app.inject({ ...call(operationId, input), headers: { 'intercom-version': version } })
      const rec = emulator.requests
      const said = res.statusCode >= 400 ? ` ${res.body.slice(0, 300)}` : ''
      if (res.statusCode === 400 && json(res).code === 'VALIDATION_ERROR') problems.push(`${operationId}: refused by the catalog:${said}`)
      else if (rec.length !== 1) problems.push(`${operationId}: ${rec.length} upstream requests (status ${res.statusCode})${said}`)
      else if (rec[0].operationId !== operationId) problems.push(`${operationId}: the emulator routed it as ${rec[0].operationId ?? 'nothing'}`)
      else if (rec[0].headers['intercom-version'] !== version) problems.push(`${operationId}: sent as ${String(rec[0].headers['intercom-version'])}`)
      else if (emulator.violations.length > 0) problems.push(`${operationId}: the emulator saw a violation: ${JSON.stringify(emulator.violations[0].errors).slice(0, 300)}`)
      // An operation Intercom answers with a redirect (showCallRecording: 302 to the recording) is not JSON the catalog can pass on: 502, said so.
      else if (rec.length === 1 && redirects(spec, operationId) && res.statusCode === 502 && json(res).code === 'UPSTREAM_BAD_ANSWER') continue
      else if (res.statusCode >= 400 && !(emulatedOperation(operationId) && [400, 404].includes(res.statusCode) && String(json(res).code).startsWith('UPSTREAM_'))) problems.push(`${operationId}: answered ${res.statusCode}${said}`)
    }
    t.same(problems, [], `${version}: ${spec.operations.size} operations listed, sent as given, validated and answered`)
    t.equal(spec.operations.size, { '2.14': 150, '2.15': 162, '2.16': 231 }[version])
  })
}

test('a download operation through the catalog: sent with the Accept it requires, answered with the file as Intercom sent it', async (t) => {
  const { app, emulator } = await build(t, { emulator: { seed: true } })
  const now = Math.floor(Date.now() / 1000)
  const v216 = { 'intercom-version': '2.16' }
  const enqueued = await app.inject({ ...call('postExportReportingDataEnqueue', { body: { dataset_id: 'conversation', attribute_ids: ['conversation.conversation_id', 'conversation_state'], start_time: now - 86400, end_time: now + 60 } }), headers: v216 })
  t.equal(enqueued.statusCode, 200)
  const job = json(enqueued).job_identifier as string
  const workspace = 'sbx0emu1'
  for (let i = 0; i < 2; i++) {
    const status = await app.inject({ ...call('getExportReportingDataByJobIdentifier', { path: { job_identifier: job }, query: { app_id: workspace, client_id: 'c' } }), headers: v216 })
    t.equal(status.statusCode, 200)
  }
  t.equal(emulator.requests.at(-1)?.headers.accept, 'application/json', 'a JSON operation asks for JSON')

  const file = await app.inject({ ...call('getDownloadReportingDataByJobIdentifier', { path: { job_identifier: job }, query: { app_id: workspace } }), headers: v216 })
  t.equal(file.statusCode, 200, file.body)
  const sent = emulator.requests.at(-1)
  t.equal(sent?.operationId, 'getDownloadReportingDataByJobIdentifier')
  t.equal(sent?.headers.accept, 'application/octet-stream', 'the download is asked for as Intercom requires')
  t.match(file.headers['content-type'], /^application\/octet-stream/, "Intercom's content type")
  t.same(file.body.split('\r\n'), ['conversation.conversation_id,conversation_state', `${SEED_IDS.conversation},open`, ''], 'the CSV bytes as Intercom sent them')

  const missing = await app.inject({ ...call('getDownloadReportingDataByJobIdentifier', { path: { job_identifier: 'job_nope' }, query: { app_id: workspace } }), headers: v216 })
  t.equal(missing.statusCode, 404, "an error answer is mapped as on every route")
  t.equal(json(missing).status, 404)
})
