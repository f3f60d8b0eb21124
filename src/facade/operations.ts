/**
 * The operation catalog, per supported Intercom version: every operation of that version's vendored
 * description by operationId (src/intercom-spec; the four without one carry our derived name,
 * intercom-spec/names.ts), each with the first version that has it (`added_in`, from the committed
 * operation index, so listing one version loads no other), and the checks that turn a catalog call
 * `{ path?, query?, body? }` into one upstream call: known path parameters only, each required one
 * given and following the one path-value rule (src/upstream/path.ts
 * `pathValueProblem`), each value then percent-encoded as one segment; query and body validated against that
 * version's own schemas (openapi-backend, the validator the emulator uses). Failures are field
 * errors named `path.<name>`, `query.<name>`, `body.<...>`; nothing is sent.
 */
import createError from '@fastify/error'
import type { FastifyRequest } from 'fastify'
import type { Operation } from 'openapi-backend'
import type { FieldError } from '../errors.js'
import { loadIntercomSpec, type IntercomSpec } from '../intercom-spec/load.js'
import { DERIVED_ID_EXTENSION } from '../intercom-spec/names.js'
import { operationVersions } from '../intercom-spec/operation-index.js'
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, isSupportedVersion, type IntercomVersion } from '../intercom-spec/versions.js'
import { fieldErrors, type AjvError } from '../validation.js'
import { encodeSegment, pathValueProblem } from '../upstream/path.js'
import type { HttpMethod, IntercomCall } from '../upstream/client.js'
import { oncePer } from '../lazy.js'

/** An operationId the request's version does not have (the message names the versions that do). 404. */
export const UnknownOperationError = createError('FACADE_UNKNOWN_OPERATION', '%s', 404)

/** The 404 for `operationId` absent from `version`: names the versions that have it, if any. */
export function unknownOperation (operationId: string, version: IntercomVersion): Error {
  const others = operationVersions().versionsOf(operationId)
  const where = others.length > 0
    ? `it is in Intercom ${others.join(', ')} (send Intercom-Version: ${others[others.length - 1]})`
    : `no supported version (${SUPPORTED_VERSIONS.join(', ')}) has it`
  return new UnknownOperationError(`Intercom ${version} has no operation ${operationId}: ${where}. GET /intercom/operations lists a version's operations.`)
}

/**
 * The Intercom version a request is served as: `request.intercomVersion` (src/plugins/intercom-version.ts:
 * the caller's supported `Intercom-Version`, else INTERCOM_VERSION), else `configured`, else
 * DEFAULT_VERSION. The one place the catalog reads it.
 */
export function requestVersion (request: Pick<FastifyRequest, 'intercomVersion'>, configured: string): IntercomVersion {
  if (isSupportedVersion(request.intercomVersion)) return request.intercomVersion
  return isSupportedVersion(configured) ? configured : DEFAULT_VERSION
}

/** One listed operation. */
export interface CatalogEntry {
  operationId: string
  method: HttpMethod
  /** Intercom's path template, e.g. `/contacts/{contact_id}`. */
  path: string
  summary: string
  tags: string[]
  /** The first supported version whose description has this operation. */
  added_in: IntercomVersion
  /** True when the operationId is ours (Intercom's description gives none; see intercom-spec/names.ts). */
  derived_operation_id: boolean
}

/** A listed operation with what a call needs. */
export interface CatalogOperation extends CatalogEntry {
  /** Path parameter names in template order. */
  pathParams: string[]
  /** Whether the operation declares a request body, and whether it is required. */
  hasBody: boolean
  bodyRequired: boolean
  /**
   * The `Accept` the operation requires when it is not JSON (its download operations:
   * `application/octet-stream`), else undefined. Its answer is then passed on as bytes.
   */
  accept: string | undefined
}

/** The catalog over one version's loaded description. */
export interface Catalog {
  version: IntercomVersion
  /** Every operation, in the description's order. */
  entries: CatalogEntry[]
  get: (operationId: string) => CatalogOperation | undefined
  spec: IntercomSpec
}

/** A catalog call's input (the route body). Values of `path` are strings, numbers or booleans. */
export interface CatalogCallInput {
  path?: Record<string, string | number | boolean>
  query?: Record<string, unknown>
  body?: unknown
}

/** The upstream call a valid catalog call becomes (with `accept` set for a download operation). */
export type PreparedCall = IntercomCall

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

/** Build the catalog from a loaded description (its dereferenced operations). */
export function buildCatalog (spec: IntercomSpec): Catalog {
  const byId = new Map<string, CatalogOperation>()
  const entries: CatalogEntry[] = []
  const { addedIn } = operationVersions()
  const paths = (spec.document.paths ?? {}) as Record<string, Record<string, { operationId?: string, [DERIVED_ID_EXTENSION]?: boolean }>>
  for (const [template, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operationId = item[method]?.operationId
      if (operationId === undefined) continue
      const op = spec.operations.get(operationId) as (Operation & { summary?: string, tags?: string[] }) | undefined
      if (op === undefined) continue
      const entry: CatalogEntry = {
        operationId,
        method: method.toUpperCase() as HttpMethod,
        path: template,
        summary: op.summary ?? '',
        tags: op.tags ?? [],
        added_in: addedIn(operationId) ?? spec.version,
        derived_operation_id: item[method]?.[DERIVED_ID_EXTENSION] === true
      }
      const pathParams = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
      const requestBody = op.requestBody as { required?: boolean } | undefined
      entries.push(entry)
      byId.set(operationId, { ...entry, pathParams, hasBody: requestBody !== undefined, bodyRequired: requestBody?.required === true, accept: requiredAccept(op) })
    }
  }
  return { version: spec.version, entries, get: (id) => byId.get(id), spec }
}


const OCTET_NOTE_RE = /Accept:\s*`?(application\/octet-stream)`?/

/**
 * The non-JSON `Accept` an operation requires: a declared `Accept` header parameter's one allowed
 * value (getDownloadReportingDataByJobIdentifier), else the media type Intercom's description text
 * requires ("You will have to specify the header Accept: `application/octet-stream`",
 * downloadDataExport, which declares no parameter for it); undefined for every JSON operation.
 */
function requiredAccept (op: Operation & { description?: string }): string | undefined {
  for (const p of (op.parameters ?? []) as Array<{ name?: string, in?: string, schema?: { enum?: unknown[], example?: unknown } }>) {
    if (p.in !== 'header' || p.name?.toLowerCase() !== 'accept') continue
    const value = p.schema?.enum?.length === 1 ? p.schema.enum[0] : p.schema?.example
    if (typeof value === 'string' && !value.includes('json')) return value
  }
  return OCTET_NOTE_RE.exec(op.description ?? '')?.[1]
}

/**
 * `version`'s catalog, loaded on its first use (the description is read and its validator built
 * once per process and version, ~0.1–0.5 s), so the service's start-up, its other routes and the
 * versions nobody asks for never pay for it.
 */
export const loadCatalog: (version: IntercomVersion) => Promise<Catalog> = oncePer(async (version: IntercomVersion) => buildCatalog(await loadIntercomSpec(version)))

/** Intercom's path with every path parameter percent-encoded as one segment (`a/b` → `a%2Fb`, `..` → `%2E%2E`). */
export function buildUpstreamPath (template: string, values: Record<string, string | number | boolean>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeSegment(String(values[name])))
}

const PARTS: Record<string, string> = { path: 'path', query: 'query', requestBody: 'body', header: 'header', cookie: 'cookie' }

/** Turn openapi-backend's errors (`/path/x`, `/query/x`, `/requestBody/...`) into `path.x`, `query.x`, `body...` field errors. */
export function catalogFieldErrors (errors: unknown[]): FieldError[] {
  const out: FieldError[] = []
  const byPart = new Map<string, AjvError[]>()
  for (const raw of errors) {
    const e = raw as AjvError
    const segs = (e.instancePath ?? '').split('/').slice(1)
    if (segs.length === 0) {
      if (e.keyword === 'required') out.push({ field: PARTS[String(e.params.missingProperty)] ?? String(e.params.missingProperty), message: 'is required' })
      else out.push({ field: 'body', message: e.message ?? 'is invalid' }) // e.g. a body that is not JSON
      continue
    }
    const part = PARTS[segs[0]] ?? segs[0]
    const list = byPart.get(part) ?? []
    list.push({ ...e, instancePath: segs.length > 1 ? `/${segs.slice(1).join('/')}` : '' })
    byPart.set(part, list)
  }
  for (const [part, list] of byPart) out.push(...fieldErrors(list, part))
  return out
}

/**
 * Check a catalog call against its operation and build the upstream call.
 * Returns the field errors instead when anything is wrong (then nothing must be sent).
 */
export function prepareCall (catalog: Catalog, op: CatalogOperation, input: CatalogCallInput): PreparedCall | { errors: FieldError[] } {
  const errors: FieldError[] = []
  const pathValues = input.path ?? {}
  for (const name of Object.keys(pathValues)) {
    if (!op.pathParams.includes(name)) errors.push({ field: `path.${name}`, message: `is not a path parameter of ${op.operationId}` })
  }
  for (const name of op.pathParams) {
    const v = pathValues[name]
    if (v === undefined) { errors.push({ field: `path.${name}`, message: 'is required' }); continue }
    // The one path-value rule (src/upstream/path.ts), as the id routes apply it.
    const problem = pathValueProblem(String(v))
    if (problem !== undefined) errors.push({ field: `path.${name}`, message: problem })
  }
  if (input.body !== undefined && !op.hasBody) errors.push({ field: 'body', message: `is not accepted by ${op.operationId}` })
  if (errors.length > 0) return { errors }

  const path = buildUpstreamPath(op.path, pathValues)
  const query = input.query ?? {}
  const validation = catalog.spec.validate(op.operationId, {
    method: op.method,
    path,
    query: { ...query },
    body: input.body,
    contentType: op.hasBody ? 'application/json' : undefined
  })
  if (validation.length > 0) return { errors: catalogFieldErrors(validation) }

  const call: PreparedCall = { operationId: op.operationId, method: op.method, path }
  if (op.accept !== undefined) call.accept = op.accept
  if (Object.keys(query).length > 0) call.query = toUpstreamQuery(query)
  if (input.body !== undefined) call.body = input.body
  return call
}

/**
 * Query values as they go upstream: scalars and arrays as given; an object is spread into its
 * properties, as OpenAPI's default `style: form, explode: true` says (lisDataEvents' `filter`
 * object `{ user_id }` goes as `?user_id=...`).
 */
function toUpstreamQuery (query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(query)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v)
    else out[k] = v
  }
  return out
}
