/**
 * Intercom's OpenAPI 2.14 description, loaded once per process: parsed from the vendored YAML,
 * corrected by spec-patch.ts, then used for two things:
 * - routing: (method, raw path) → the Intercom `operationId` and its decoded path parameters;
 * - request validation: openapi-backend's Ajv validators (compiled lazily per operation, `quick`
 *   start-up) with ajv-formats, so `uuid`, `date-time`, `email`, `uri` formats are enforced.
 *
 * Parsing 24k lines of YAML costs ~0.5 s, so the parsed (unpatched) document is also cached as JSON
 * in the OS temp directory, keyed by the YAML's sha256; a warm start reads it in ~20 ms.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend'
import addFormatsModule from 'ajv-formats'
import { applySpecPatches } from './spec-patch.js'

/** ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object. */
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: unknown) => unknown

/** Path of the vendored description, relative to the project root (the directory holding package.json). */
export const SPEC_RELATIVE_PATH = 'spec/intercom/api.intercom.io.2.14.yaml'

/** One request to validate: raw path (not decoded), parsed query, parsed JSON body. */
export interface ValidationInput {
  method: string
  path: string
  query: Record<string, string | string[]>
  body: unknown
  contentType?: string
}

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

/**
 * The project root: walk up from this module's directory to the first directory holding
 * package.json (works from src/emulator under tsx and from dist/src/emulator after tsc).
 */
export function findProjectRoot (fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`emulator: no package.json above ${fileURLToPath(fromUrl)}`)
    dir = parent
  }
}

/** Parse the YAML description, through the JSON cache in the temp directory when possible. */
async function readDocument (specPath: string): Promise<Record<string, unknown>> {
  const text = readFileSync(specPath, 'utf8')
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16)
  const cachePath = join(tmpdir(), `intercom-emulator-spec-${hash}.json`)
  try {
    return JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, unknown>
  } catch {
    // no (or a corrupt) cache: parse the YAML and try to write the cache
  }
  const { default: YAML } = await import('yaml') // only needed on a cold cache
  const doc = YAML.parse(text, { strict: false, uniqueKeys: false, prettyErrors: false }) as Record<string, unknown>
  try {
    const tmp = `${cachePath}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(doc))
    renameSync(tmp, cachePath)
  } catch {
    // a read-only temp dir only costs the next start its parse time
  }
  return doc
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
  const root = findProjectRoot()
  const document = applySpecPatches(await readDocument(join(root, SPEC_RELATIVE_PATH)))
  const routes = compileRoutes(document)
  const sharedAjv = new Map<string, Parameters<NonNullable<ConstructorParameters<typeof OpenAPIBackend>[0]['customizeAjv']>>[0]>()

  // openapi-backend dereferences the document it is given in place; give it its own copy.
  const api = new OpenAPIBackend({
    definition: structuredClone(document) as unknown as Document,
    quick: true, // lazy per-operation validator compilation, no definition validation
    // The schemas are Intercom's vendored ones (compile still fails on a malformed one); skipping the
    // meta-schema pass halves compile time.
    ajvOpts: { validateSchema: false },
    validate: true,
    ignoreTrailingSlashes: true,
    // openapi-backend makes a new Ajv per validator (two per operation); each pays for its own
    // meta-schema and formats. Reuse one instance per context (body / coercing params) instead:
    // compiling an operation's validators then costs a few ms instead of ~50.
    customizeAjv: (ajv, _opts, context) => {
      let shared = sharedAjv.get(context)
      if (shared === undefined) {
        addFormats(ajv)
        shared = ajv
        sharedAjv.set(context, shared)
      }
      return shared
    }
  })
  await api.init()
  const operations = new Map<string, Operation>()
  for (const op of api.getOperations()) if (op.operationId !== undefined) operations.set(op.operationId, op)

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

  const validate = (operationId: string, input: ValidationInput): unknown[] => {
    const operation = operations.get(operationId)
    if (operation === undefined) return []
    const result = api.validator.validateRequest({
      method: input.method.toLowerCase(),
      path: input.path,
      // Only content-type: header parameters (Intercom-Version...) are not the emulator's concern.
      headers: input.contentType !== undefined ? { 'content-type': input.contentType } : {},
      query: input.query, // openapi-backend deep-copies the query before coercing it
      body: input.body // validated as is: no Ajv option here mutates data (no defaults, no removal)
    }, operation)
    return result.errors ?? []
  }

  return { document, operationIds: new Set(operations.keys()), match, validate }
}
