/**
 * Property-based fuzz suite over every route of the app that has a body, params or querystring
 * schema. Routes are discovered with an `onRoute` hook registered before the app, so routes other
 * engineers add are covered with no change here. For each route and each schema part, fast-check
 * generates inputs, keeps those the route's own schema refuses (the same validator compiler the app
 * uses), sends them over real HTTP (no URL normalisation), and asserts:
 *   - a 4xx `application/problem+json` answer whose `errors` name at least one field, every one of
 *     them inside the part that was broken (`body…`, `params…`, `querystring…`);
 *   - zero requests reached the Intercom emulator.
 * The closing comment gives the number of generated inputs tried and the upstream calls they made.
 */
import { t as tap, test } from 'tap'
import fc from 'fast-check'
import Fastify, { type RouteOptions } from 'fastify'
import { Pool } from 'undici'
import app, { fastifyOptions, SHARED_SCHEMAS } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { validatorCompiler } from '../../src/validation.js'
import { startEmulator } from '../../src/emulator/index.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

/** Generated inputs per route, schema part and strategy. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)

type Part = 'body' | 'params' | 'querystring'
interface JsonSchema { type?: string, properties?: Record<string, JsonSchema>, additionalProperties?: unknown, examples?: unknown[], maxLength?: number, minLength?: number, [k: string]: unknown }
interface FoundRoute { method: string, url: string, schema: Partial<Record<Part, JsonSchema>> }

const compile = validatorCompiler(SHARED_SCHEMAS)

function validatorFor (route: FoundRoute, part: Part): (value: unknown) => boolean {
  const fn = compile({ schema: route.schema[part]!, method: route.method, url: route.url, httpPart: part }) as (v: unknown) => boolean
  return (value) => fn(structuredClone(value))
}

/** A value that the schema accepts for one path parameter (the other parameters of a route). */
function validParam (schema: JsonSchema): string {
  const ex = schema.examples?.[0]
  return typeof ex === 'string' ? ex : 'abc123'
}

/** Put a raw param value into a URL path segment: percent-encoded, dots-only segments too. */
function encodeParam (value: string): string {
  return /^\.+$/.test(value) ? value.replace(/\./g, '%2E') : encodeURIComponent(value)
}

/** Hostile strings: control characters, dots, slashes, header syntax, overlong, unicode. */
function hostileString (maxLength = 300): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom('.', '/', '\\', '%', '\r', '\n', '\u0000', '\u007f', ':', ' ', 'a', '😀', '\u2028'), maxLength: 20 }),
    fc.constantFrom('.', '..', '\r\nX-Injected: yes', 'a\u0000b', '../admins'),
    fc.string({ minLength: 256, maxLength }),
    fc.integer().map(String)
  )
}

test('fuzz: invalid bodies, params and query strings on every schema route are 4xx problems naming the field, with zero upstream calls', async (t) => {
  const emulator = await startEmulator()
  const config = loadConfig({
    INTERCOM_ACCESS_TOKEN: emulator.token,
    INTERCOM_BASE_URL: emulator.url,
    LOG_LEVEL: 'silent',
    UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0'
  })
  const fastify = Fastify(fastifyOptions(config, false))
  const routes: FoundRoute[] = []
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const schema = (route.schema ?? {}) as Partial<Record<Part, JsonSchema>>
    if (route.method === 'HEAD' || (!schema.body && !schema.params && !schema.querystring)) return
    for (const method of ([] as string[]).concat(route.method)) routes.push({ method, url: route.url!, schema })
  })
  await fastify.register(app, { config })
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const { port } = fastify.server.address() as { port: number }
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 4, keepAliveTimeout: 10 })
  t.teardown(async () => {
    await pool.close()
    await fastify.close()
    await emulator.close()
  })

  t.ok(routes.length >= 8, `${routes.length} routes with schemas discovered: ${routes.map((r) => `${r.method} ${r.url}`).join(', ')}`)

  let tried = 0
  let upstreamCalls = 0

  /** Send one request and check the invariant; throws (so fast-check shrinks) when broken. */
  async function check (route: FoundRoute, part: Part, path: string, body: string | undefined, mustName?: string): Promise<void> {
    tried++
    emulator.resetRecords()
    const res = await pool.request({
      method: route.method as 'GET',
      path,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body
    })
    const text = await res.body.text()
    upstreamCalls += emulator.requests.length
    const where = `${route.method} ${path}${body !== undefined ? ` body=${body.slice(0, 300)}` : ''}`
    if (emulator.requests.length !== 0) throw new Error(`${where}: ${emulator.requests.length} upstream request(s)`)
    if (res.statusCode < 400 || res.statusCode >= 500) throw new Error(`${where}: status ${res.statusCode} ${text.slice(0, 300)}`)
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`${where}: content-type ${res.headers['content-type']}`)
    const problem = JSON.parse(text) as { status: number, errors?: Array<{ field: string, message: string }> }
    if (problem.status !== res.statusCode) throw new Error(`${where}: problem status ${problem.status} != ${res.statusCode}`)
    const fields = (problem.errors ?? []).map((e) => e.field)
    if (fields.length === 0) throw new Error(`${where}: no field named: ${text}`)
    if (!fields.every((f) => f === part || f.startsWith(`${part}.`))) throw new Error(`${where}: fields outside ${part}: ${fields.join(', ')}`)
    if (mustName !== undefined && !fields.some((f) => f === part || f === mustName || f.startsWith(`${mustName}.`))) throw new Error(`${where}: ${mustName} not named (got ${fields.join(', ')})`)
  }

  function pathFor (route: FoundRoute, override?: [string, string]): string {
    return route.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
      if (override && override[0] === name) return encodeParam(override[1])
      return encodeParam(validParam(route.schema.params?.properties?.[name] ?? {}))
    })
  }

  for (const route of routes) {
    if (route.url.includes('*')) continue
    const label = `${route.method} ${route.url}`
    const validPath = pathFor(route)

    if (route.schema.body) {
      const schema = route.schema.body
      const valid = validatorFor(route, 'body')
      const props = Object.keys(schema.properties ?? {})
      const example = (schema.examples?.[0] ?? {}) as Record<string, unknown>
      const before = tried
      const send = async (value: unknown, mustName?: string) => check(route, 'body', validPath, JSON.stringify(value), mustName)

      // 1. any JSON value at all (non-objects, random objects). A JSON `null` body is left out where
      //    the schema accepts `{}`: such routes (e.g. POST /conversations/:id/close) may take a
      //    missing or null body as "no options", which is not invalid input.
      const nullMeansEmpty = valid({})
      await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }).filter((v) => v !== undefined && !(v === null && nullMeansEmpty) && !valid(v)), async (v) => send(v)), { numRuns: RUNS })
      // 2. one known field replaced by a random value of any type, or a hostile string
      if (props.length > 0) {
        await fc.assert(fc.asyncProperty(fc.constantFrom(...props), fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileString(70_000)), async (key, value) => {
          const candidate = { ...example, [key]: value }
          if (valid(candidate)) return
          await send(candidate, `body.${key}`)
        }), { numRuns: RUNS })
      }
      // 3. an unknown field added to a valid body
      if (schema.additionalProperties === false) {
        await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }).filter((k) => !props.includes(k) && k !== '__proto__' && k !== 'constructor'), fc.jsonValue({ maxDepth: 2 }), async (key, value) => {
          const candidate = { ...example, [key]: value }
          if (valid(candidate)) return
          await send(candidate, `body.${key}`)
        }), { numRuns: RUNS })
      }
      // 4. required fields removed
      if (Object.keys(example).length > 0) {
        await fc.assert(fc.asyncProperty(fc.subarray(Object.keys(example), { minLength: 1 }), async (drop) => {
          const candidate = Object.fromEntries(Object.entries(example).filter(([k]) => !drop.includes(k)))
          if (valid(candidate)) return
          await send(candidate)
        }), { numRuns: RUNS })
      }
      t.pass(`${label}: ${tried - before} invalid bodies`)
    }

    if (route.schema.params) {
      const valid = validatorFor(route, 'params')
      const names = Object.keys(route.schema.params.properties ?? {})
      const before = tried
      await fc.assert(fc.asyncProperty(fc.constantFrom(...names), hostileString(), async (name, value) => {
        const params = Object.fromEntries(names.map((n) => [n, n === name ? value : validParam(route.schema.params!.properties![n])]))
        // An empty segment or one longer than the router's maxParamLength never reaches this route.
        if (value === '' || encodeParam(value).length > 512 || valid(params)) return
        const body = route.schema.body ? JSON.stringify(route.schema.body.examples?.[0] ?? {}) : undefined
        await check(route, 'params', pathFor(route, [name, value]), body, `params.${name}`)
      }), { numRuns: RUNS * 2 })
      t.pass(`${label}: ${tried - before} invalid path parameters`)
    }

    if (route.schema.querystring) {
      const schema = route.schema.querystring
      const valid = validatorFor(route, 'querystring')
      const props = Object.keys(schema.properties ?? {})
      const before = tried
      const unknownKey = fc.string({ minLength: 1, maxLength: 20 })
      const keyArb = props.length === 0
        ? unknownKey
        : schema.additionalProperties === false ? fc.oneof(fc.constantFrom(...props), unknownKey) : fc.constantFrom(...props)
      if (props.length === 0 && schema.additionalProperties !== false) continue
      await fc.assert(fc.asyncProperty(keyArb, fc.oneof(hostileString(), fc.constantFrom('1e400', '-1', '99999999999', 'true', '[]')), async (key, value) => {
        if (key === '__proto__' || valid({ [key]: value })) return
        const query = new URLSearchParams({ [key]: value }).toString()
        const body = route.schema.body ? JSON.stringify(route.schema.body.examples?.[0] ?? {}) : undefined
        await check(route, 'querystring', `${validPath}?${query}`, body, props.includes(key) ? `querystring.${key}` : undefined)
      }), { numRuns: RUNS * 2 })
      t.pass(`${label}: ${tried - before} invalid query strings`)
    }
  }

  t.ok(tried > 0, 'inputs were generated')
  t.equal(upstreamCalls, 0, 'no generated input reached Intercom')
  t.comment(`fuzz: ${tried} generated invalid inputs tried over ${routes.length} routes; upstream calls made for them: ${upstreamCalls}`)
})
