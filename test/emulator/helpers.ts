/**
 * Helpers for the emulator's own tests: start an emulator for one tap test (closed in teardown)
 * and call it through real HTTP with fetch; check an answer against the JSON schema its version's
 * description gives it (`answerErrors`).
 */
import type { Test } from 'tap'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js'
import { loadIntercomSpec } from '../../src/intercom-spec/load.js'
import type { IntercomVersion } from '../../src/intercom-spec/versions.js'

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void
const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
addFormats(ajv)
ajv.addFormat('timestamp', true)
const compiled = new WeakMap<object, ValidateFunction>()

/**
 * Where `body` breaks the JSON schema the version's description gives the `status` answer of
 * `operationId` ([] when it fits; a note when the description declares no JSON schema for it).
 */
export async function answerErrors (version: IntercomVersion, operationId: string, status: number, body: unknown): Promise<string[]> {
  const op = (await loadIntercomSpec(version)).operations.get(operationId) as { responses?: Record<string, { content?: Record<string, { schema?: object }> }> } | undefined
  const schema = op?.responses?.[String(status)]?.content?.['application/json']?.schema
  if (schema === undefined) return [`${version} ${operationId}: no JSON schema for ${status}`]
  let validate = compiled.get(schema)
  if (validate === undefined) compiled.set(schema, validate = ajv.compile(schema))
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
}

/** The property names the version's description gives a component schema (e.g. 'article_list_item'). */
export async function schemaProperties (version: IntercomVersion, name: string): Promise<string[]> {
  const schemas = ((await loadIntercomSpec(version)).document.components as { schemas: Record<string, { properties?: object }> }).schemas
  return Object.keys(schemas[name]?.properties ?? {})
}

/** One HTTP answer: status, headers, parsed JSON body (undefined when empty). */
export interface Answer<T = any> { status: number; headers: Headers; body: T }

/** A started emulator plus a `call` bound to it (authorized unless `auth: false`). */
export interface Harness {
  emulator: Emulator
  call: <T = any>(method: string, path: string, body?: unknown, opts?: { auth?: boolean | string; headers?: Record<string, string>; rawBody?: string }) => Promise<Answer<T>>
}

/**
 * Start an emulator for test `t` and close it when the test ends. `version` is the Intercom-Version
 * every call sends (default 2.14, what these tests were written for; null: send none).
 */
export async function harness (t: Test, options: EmulatorOptions = {}, version: string | null = '2.14'): Promise<Harness> {
  const emulator = await startEmulator(options)
  t.teardown(() => emulator.close())
  const call: Harness['call'] = async (method, path, body, opts = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...(version === null ? {} : { 'intercom-version': version }), ...opts.headers }
    if (opts.auth !== false) headers.authorization = `Bearer ${typeof opts.auth === 'string' ? opts.auth : emulator.token}`
    let payload: string | undefined
    if (opts.rawBody !== undefined) payload = opts.rawBody
    else if (body !== undefined) payload = JSON.stringify(body)
    if (payload !== undefined) headers['content-type'] ??= 'application/json'
    const res = await fetch(`${emulator.url}${path}`, { method, headers, body: payload })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }
  }
  return { emulator, call }
}

/** Intercom's error list shape with one error (request_id is any uuid). */
export function isErrorList (body: any, code: string): boolean {
  return body?.type === 'error.list' &&
    typeof body.request_id === 'string' && /^[0-9a-f-]{36}$/.test(body.request_id) &&
    Array.isArray(body.errors) && body.errors[0]?.code === code
}
