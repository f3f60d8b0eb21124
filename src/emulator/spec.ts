/**
 * Intercom's OpenAPI 2.14 description as the emulator uses it: loaded once per process by
 * src/intercom-spec (parsed from the vendored YAML through a JSON cache, corrected by its patch.ts,
 * shared with the operation catalog), then used for two things:
 * - routing: (method, raw path) → the Intercom `operationId` and its decoded path parameters;
 * - request validation: openapi-backend's Ajv validators (src/intercom-spec/validator.ts).
 */
import { loadIntercomSpec } from '../intercom-spec/load.js'
import type { ValidationInput } from '../intercom-spec/validator.js'

export { SPEC_RELATIVE_PATH, findProjectRoot } from '../intercom-spec/load.js'
export type { ValidationInput } from '../intercom-spec/validator.js'

/** Result of routing a request. `params` are the decoded path parameters by name. */
export interface RouteMatch {
  operationId: string
  /** The spec path template, e.g. '/contacts/{contact_id}'. */
  template: string
  params: Record<string, string>
}

/** The loaded, patched description with its router and validator. */
export interface LoadedSpec {
  /** The patched OpenAPI document (not dereferenced). Do not mutate. */
  document: Record<string, unknown>
  /** Every operationId in the description. */
  operationIds: Set<string>
  /** Route a request; undefined when no operation of the description matches. */
  match: (method: string, rawPath: string) => RouteMatch | undefined
  /** Validate path params, query and body of a request against an operation; [] when valid. */
  validate: (operationId: string, input: ValidationInput) => unknown[]
}

interface CompiledRoute {
  operationId: string
  template: string
  method: string
  /** Per segment: a literal, or null for a parameter. */
  literals: Array<string | null>
  paramNames: string[]
  /** Total length of the literal segments: the more, the more specific. */
  specificity: number
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']

/** Split a raw path into segments, ignoring trailing slashes ('/' → []). */
function segmentsOf (path: string): string[] {
  const trimmed = path.replace(/\/+$/, '')
  return trimmed === '' ? [] : trimmed.slice(1).split('/')
}

/** Compile the spec's paths into routes grouped by `METHOD segmentCount`, most specific first. */
function compileRoutes (doc: Record<string, unknown>): Map<string, CompiledRoute[]> {
  const table = new Map<string, CompiledRoute[]>()
  const paths = (doc.paths ?? {}) as Record<string, Record<string, { operationId?: string }>>
  for (const [template, item] of Object.entries(paths)) {
    const segs = segmentsOf(template)
    const literals = segs.map((s) => (/^\{[^}]+\}$/.test(s) ? null : s))
    const paramNames = segs.filter((s, i) => literals[i] === null).map((s) => s.slice(1, -1))
    const specificity = literals.reduce((n, l) => n + (l?.length ?? 0), 0)
    for (const method of HTTP_METHODS) {
      const op = item[method]
      if (op?.operationId === undefined) continue
      const key = `${method.toUpperCase()} ${segs.length}`
      const list = table.get(key) ?? []
      list.push({ operationId: op.operationId, template, method, literals, paramNames, specificity })
      table.set(key, list)
    }
  }
  for (const list of table.values()) list.sort((a, b) => b.specificity - a.specificity)
  return table
}

/** Format Ajv errors into one readable line for the error message. */
export function describeValidationErrors (errors: unknown[]): string {
  const parts: string[] = []
  for (const e of errors.slice(0, 3)) {
    const err = e as { instancePath?: string; message?: string; params?: Record<string, unknown> }
    const where = (err.instancePath ?? '').replace(/^\/requestBody/, 'body').replace(/^\//, '').replace(/\//g, '.') || 'request'
    let what = err.message ?? 'is invalid'
    if (Array.isArray(err.params?.allowedValues)) what += ` (${(err.params.allowedValues as unknown[]).join(', ')})`
    if (typeof err.params?.additionalProperty === 'string') what += ` (${err.params.additionalProperty})`
    parts.push(`${where} ${what}`)
  }
  if (errors.length > 3) parts.push(`and ${errors.length - 3} more`)
  return parts.join('; ')
}

let loading: Promise<LoadedSpec> | undefined

/** Load (once per process) the patched description, its router and its validator. */
export function loadSpec (): Promise<LoadedSpec> {
  loading ??= build().catch((err: unknown) => {
    loading = undefined
    throw err
  })
  return loading
}

async function build (): Promise<LoadedSpec> {
  const { document, operationIds, validate } = await loadIntercomSpec()
  const routes = compileRoutes(document)

  const match = (method: string, rawPath: string): RouteMatch | undefined => {
    const segs = segmentsOf(rawPath)
    const candidates = routes.get(`${method.toUpperCase()} ${segs.length}`)
    if (candidates === undefined) return undefined
    outer: for (const route of candidates) {
      const params: Record<string, string> = {}
      let p = 0
      for (let i = 0; i < segs.length; i++) {
        const literal = route.literals[i]
        const seg = segs[i]
        if (literal === null) {
          if (seg === '') continue outer
          let value: string
          try {
            value = decodeURIComponent(seg)
          } catch {
            continue outer
          }
          params[route.paramNames[p++]] = value
        } else if (literal !== seg) {
          continue outer
        }
      }
      return { operationId: route.operationId, template: route.template, params }
    }
    return undefined
  }

  return { document, operationIds, match, validate }
}
