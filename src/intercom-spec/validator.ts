/**
 * Request validation against Intercom's OpenAPI description: openapi-backend's Ajv validators
 * (compiled lazily per operation, `quick` start-up) with ajv-formats, so `uuid`, `date-time`,
 * `email`, `uri` formats are enforced. Shared by the emulator and the operation catalog.
 *
 * Errors are Ajv error objects whose `instancePath` starts with the request part:
 * `/path/<name>`, `/query/<name>`, `/requestBody/...` (an empty path for a missing part).
 *
 * openapi-backend (with lodash, json-schema-ref-parser and js-yaml: ~8 MB of heap and code) is
 * imported when the first validator is built, not when this module is: a service that never
 * serves the operation catalog (and is not the emulator) never loads it.
 */
import type { OpenAPIBackend, Document, Operation } from 'openapi-backend'
import addFormatsModule from 'ajv-formats'

/** ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object. */
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: unknown) => unknown

/** One request to validate: raw path (not decoded), parsed query, parsed JSON body. */
export interface ValidationInput {
  method: string
  path: string
  query: Record<string, unknown>
  body: unknown
  contentType?: string
}

/** The validator over one document. */
export interface RequestValidator {
  /** Every operation of the description (dereferenced by openapi-backend), by operationId. */
  operations: ReadonlyMap<string, Operation>
  /** Every operationId in the description. */
  operationIds: Set<string>
  /** Validate path params, query and body of a request against an operation; [] when valid (or unknown operation). */
  validate: (operationId: string, input: ValidationInput) => unknown[]
}

/**
 * A copy of `document` without header parameters: headers are not validated (Intercom-Version is
 * the caller's business, the emulator answers an unknown one itself; the reporting-data download's
 * required `Accept: application/octet-stream` is set by whoever calls it), only the content type.
 */
function withoutHeaderParameters (document: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(document)
  for (const item of Object.values((copy.paths ?? {}) as Record<string, Record<string, { parameters?: Array<{ in?: string }> }>>)) {
    for (const op of Object.values(item)) {
      if (Array.isArray(op?.parameters)) op.parameters = op.parameters.filter((p) => p.in !== 'header')
    }
  }
  return copy
}

/** Build the validator. The document is copied (openapi-backend dereferences in place). */
export async function buildRequestValidator (document: Record<string, unknown>): Promise<RequestValidator> {
  const sharedAjv = new Map<string, Parameters<NonNullable<ConstructorParameters<typeof OpenAPIBackend>[0]['customizeAjv']>>[0]>()

  const { OpenAPIBackend: Backend } = await import('openapi-backend')
  // openapi-backend dereferences the document it is given in place; give it its own copy.
  const api: OpenAPIBackend = new Backend({
    definition: withoutHeaderParameters(document) as unknown as Document,
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
        // Intercom's own `format: timestamp` (on integer Unix seconds): nothing to check beyond the type.
        ajv.addFormat('timestamp', true)
        shared = ajv
        sharedAjv.set(context, shared)
      }
      return shared
    }
  })
  await api.init()
  const operations = new Map<string, Operation>()
  for (const op of api.getOperations()) if (op.operationId !== undefined) operations.set(op.operationId, op)

  const validate = (operationId: string, input: ValidationInput): unknown[] => {
    const operation = operations.get(operationId)
    if (operation === undefined) return []
    const result = api.validator.validateRequest({
      method: input.method.toLowerCase(),
      path: input.path,
      // Only content-type: header parameters are not validated (withoutHeaderParameters).
      headers: input.contentType !== undefined ? { 'content-type': input.contentType } : {},
      query: input.query as Record<string, string | string[]>, // openapi-backend deep-copies the query before coercing it
      body: input.body // validated as is: no Ajv option here mutates data (no defaults, no removal)
    }, operation)
    return result.errors ?? []
  }

  return { operations, operationIds: new Set(operations.keys()), validate }
}
