/**
 * Test helper: `build(t)` starts the Intercom emulator on a loopback port, builds the app against it
 * (the same code path as a real token), awaits `ready()`, and closes both in `t.teardown`.
 * `matrixTest` runs one test body per Intercom version of MATRIX_VERSIONS, with `build` configured
 * for that version (INTERCOM_VERSION).
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { test as tapTest, type Test } from 'tap'
import type { IntercomVersion } from '../src/intercom-spec/versions.js'
import app, { fastifyOptions } from '../src/app.js'
import { loadConfig, type AppConfig } from '../src/config.js'
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedRequest } from '../src/emulator/index.js'

export interface Built {
  app: FastifyInstance
  emulator: Emulator
  config: AppConfig
}

/** The Intercom versions every facade route test runs at: the oldest and the newest supported. */
export const MATRIX_VERSIONS: readonly IntercomVersion[] = ['2.14', '2.16']

const testVersions = new WeakMap<object, IntercomVersion>()

/** The version `matrixTest` gave `t` or one of its parents, if any. */
function matrixVersion (t: Test): IntercomVersion | undefined {
  for (let at: { parent?: unknown } | undefined = t; at !== undefined; at = at.parent as { parent?: unknown } | undefined) {
    const v = testVersions.get(at)
    if (v !== undefined) return v
  }
  return undefined
}

/**
 * A tap test run once per version of MATRIX_VERSIONS, named `<name> (Intercom <v>)`; inside it (and
 * its subtests) `build(t)` configures the app with INTERCOM_VERSION `v`, which the body also gets
 * for its per-version assertions. Import it as `test` in a route test file.
 */
export function matrixTest (name: string, fn: (t: Test, v: IntercomVersion) => Promise<void> | void): void {
  for (const v of MATRIX_VERSIONS) {
    tapTest(`${name} (Intercom ${v})`, async (t) => {
      testVersions.set(t, v)
      await fn(t, v)
    })
  }
}

/**
 * Build the app over a fresh emulator.
 * `env` adds environment variables (as strings) on top of the emulator's URL and token; `logger`
 * (pino options, e.g. `{ level: 'info', stream }`) replaces the silent default. Inside a
 * `matrixTest`, INTERCOM_VERSION is that test's version (unless `env` sets it).
 */
export async function build (t: Test, opts: { emulator?: EmulatorOptions, env?: Record<string, string>, logger?: FastifyServerOptions['logger'] } = {}): Promise<Built> {
  const emulator = await startEmulator({ searchLagMs: 0, ...opts.emulator })
  const config = loadConfig({
    INTERCOM_ACCESS_TOKEN: emulator.token,
    INTERCOM_BASE_URL: emulator.url,
    LOG_LEVEL: 'silent',
    UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10',
    // No load shedding unless a test asks for it: a busy CI machine is not an overloaded service.
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...(matrixVersion(t) === undefined ? {} : { INTERCOM_VERSION: matrixVersion(t) }),
    ...opts.env
  })
  const fastify = Fastify(fastifyOptions(config, opts.logger ?? false)).withTypeProvider<TypeBoxTypeProvider>()
  await fastify.register(app, { config })
  await fastify.ready()
  t.teardown(async () => {
    await fastify.close()
    await emulator.close()
  })
  return { app: fastify as unknown as FastifyInstance, emulator, config }
}

/** The requests the emulator received, after asserting it saw no OpenAPI violation. */
export function upstream (t: Test, emulator: Emulator): RecordedRequest[] {
  t.same(emulator.violations, [], 'the emulator saw no request Intercom would refuse')
  return emulator.requests
}

/** One call straight to the emulator's API (not through the facade); must answer 200; records cleared after. */
export async function seedObject (emulator: Emulator, method: string, path: string, body?: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  if (res.status !== 200) throw new Error(`seed ${method} ${path}: emulator answered ${res.status}: ${await res.text()}`)
  const object = await res.json() as { id: string }
  emulator.resetRecords()
  return object
}

/** Create a contact straight in the emulator through its API (not through the facade). */
export async function seedContact (emulator: Emulator, body: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  return seedObject(emulator, 'POST', '/contacts', body)
}

/** The JSON body of an inject response. */
export function json<T = any> (res: { body: string }): T {
  return JSON.parse(res.body) as T
}

/**
 * Send one request over real HTTP with the path exactly as given (no URL normalisation, unlike
 * `inject`), for tests of dot segments and encoded slashes. The app listens on a loopback port.
 */
export async function rawRequest (app: FastifyInstance, method: string, path: string): Promise<{ statusCode: number, body: any }> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const { Client } = await import('undici')
  const client = new Client(`http://127.0.0.1:${port}`)
  const res = await client.request({ method: method as 'GET', path })
  const text = await res.body.text()
  await client.close()
  return { statusCode: res.statusCode, body: text ? JSON.parse(text) : undefined }
}

/**
 * The caller's loop over a facade list: follow `next_cursor` until it is null, the same code for
 * every list whatever Intercom pages with underneath. Answers the ids seen and the page count.
 */
export async function walkPages (app: FastifyInstance, url: string, perPage: number, maxPages = 20): Promise<{ pages: number, ids: string[] }> {
  const ids: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const qs: string = `per_page=${perPage}` + (cursor === null ? '' : `&starting_after=${encodeURIComponent(cursor)}`)
    const res = await app.inject({ method: 'GET', url: `${url}?${qs}` })
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`)
    const page: { data: Array<{ id: string }>, next_cursor: string | null } = json(res)
    ids.push(...page.data.map((x) => x.id))
    cursor = page.next_cursor
    pages++
  } while (cursor !== null && pages < maxPages)
  return { pages, ids }
}
