/**
 * One Intercom version's OpenAPI description as the emulator uses it: loaded on first use per
 * version by src/intercom-spec (parsed from the vendored YAML through a JSON cache, corrected by
 * its patch.ts, shared with the operation catalog), then used for two things:
 * - routing: (method, raw path) → the Intercom `operationId` and its decoded path parameters,
 *   through find-my-way (Fastify's own router), one router per version built from its `paths`;
 * - request validation: openapi-backend's Ajv validators (src/intercom-spec/validator.ts).
 *
 * Routing (find-my-way): static segments win over parameters (`/contacts/search` before
 * `/contacts/{id}`), a trailing slash is ignored, parameters are percent-decoded (`a%2Fb` → `a/b`);
 * an empty parameter or a malformed escape matches nothing.
 */
import FindMyWay from 'find-my-way'
import { loadIntercomSpec } from '../intercom-spec/load.js'
import type { ValidationInput } from '../intercom-spec/validator.js'
import type { IntercomVersion } from '../intercom-spec/versions.js'
import { oncePer } from '../lazy.js'

export { findProjectRoot, specRelativePath } from '../intercom-spec/load.js'
export type { ValidationInput } from '../intercom-spec/validator.js'

/** Result of routing a request. `params` are the decoded path parameters by name. */
export interface RouteMatch {
  operationId: string
  /** The spec path template, e.g. '/contacts/{contact_id}'. */
  template: string
  params: Record<string, string>
}

/** One version's loaded, patched description with its router and validator. */
export interface LoadedSpec {
  version: IntercomVersion
  /** The patched OpenAPI document (not dereferenced). Do not mutate. */
  document: Record<string, unknown>
  /** Every operationId in the description. */
  operationIds: Set<string>
  /** Route a request; undefined when no operation of the description matches. */
  match: (method: string, rawPath: string) => RouteMatch | undefined
  /** Validate path params, query and body of a request against an operation; [] when valid. */
  validate: (operationId: string, input: ValidationInput) => unknown[]
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

/** What find-my-way keeps per route. */
interface RouteStore { operationId: string; template: string }

/** A router over the description's `paths` (every operation has an operationId: load.ts names the unnamed). */
export function buildRouter (doc: Record<string, unknown>): (method: string, rawPath: string) => RouteMatch | undefined {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 65536 })
  const paths = (doc.paths ?? {}) as Record<string, Record<string, { operationId?: string }>>
  const noop = (): void => {}
  for (const [template, item] of Object.entries(paths)) {
    const fmwPath = template.replace(/\{([^}]+)\}/g, ':$1')
    for (const method of HTTP_METHODS) {
      const op = item[method]
      if (op === undefined) continue
      const operationId = op.operationId
      if (operationId === undefined) continue
      const store: RouteStore = { operationId, template }
      router.on(method.toUpperCase() as 'GET', fmwPath, noop, store)
    }
  }
  return (method, rawPath) => {
    const found = router.find(method.toUpperCase() as 'GET', rawPath)
    if (found === null) return undefined
    const params = found.params as Record<string, string | undefined>
    for (const name in params) if (params[name] === '' || params[name] === undefined) return undefined
    const { operationId, template } = found.store as RouteStore
    return { operationId, template, params: params as Record<string, string> }
  }
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


/** Load (once per process and version, on first use) the patched description, its router and its validator. */
export const loadSpec: (version: IntercomVersion) => Promise<LoadedSpec> = oncePer(build)

async function build (version: IntercomVersion): Promise<LoadedSpec> {
  const { document, operationIds, validate } = await loadIntercomSpec(version)
  return { version, document, operationIds, match: buildRouter(document), validate }
}
