/**
 * Example answers from Intercom's OpenAPI description, for the operations the emulator keeps no
 * state for, so every operation of a version answers (never a 404 for a specified operation):
 * - the operation's success response (200, else 201, else the first 2xx): its first JSON example
 *   (`examples`' first value, else `example`); when it has none, a sample generated from the
 *   response's JSON schema (openapi-sampler, Redocly's sampler: every property, enum/format/
 *   example-aware), so it fits the schema; a success response without JSON content answers its
 *   status with no body (204, Intercom's "200 with no body" deletes);
 * - an operation whose only non-error answer is a redirect (showCallRecording: 302) answers it,
 *   with a `Location` sample.
 */
import { sample } from 'openapi-sampler'

/** An operation's example answer. `body` undefined: no body. */
export interface ExampleResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

type Node = Record<string, unknown>

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Follow local `$ref`s (`#/components/...`) until a node without one. */
function deref (doc: Node, node: unknown): unknown {
  let current = node
  for (let hops = 0; isNode(current) && typeof current.$ref === 'string' && hops < 10; hops++) {
    const ref = current.$ref as string
    if (!ref.startsWith('#/')) return undefined
    let target: unknown = doc
    for (const key of ref.slice(2).split('/')) {
      target = isNode(target) ? target[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined
    }
    current = target
  }
  return current
}

/** Find an operation of the (non-dereferenced) document by operationId. */
function findOperation (doc: Node, operationId: string): Node | undefined {
  const paths = isNode(doc.paths) ? doc.paths : {}
  for (const item of Object.values(paths)) {
    if (!isNode(item)) continue
    for (const op of Object.values(item)) if (isNode(op) && op.operationId === operationId) return op
  }
  return undefined
}

/** A sample of `schema` (may hold `$ref`s into `doc`). */
export function sampleSchema (doc: Record<string, unknown>, schema: unknown): unknown {
  return sample(schema as Parameters<typeof sample>[0], { skipReadOnly: false, skipWriteOnly: true, quiet: true }, doc)
}

/**
 * The example answer of `operationId` (see the module docstring), or undefined when the
 * operation is unknown or documents neither a success nor a redirect answer.
 */
export function exampleResponse (doc: Record<string, unknown>, operationId: string): ExampleResponse | undefined {
  const op = findOperation(doc, operationId)
  if (op === undefined || !isNode(op.responses)) return undefined
  const responses = op.responses
  const statuses = Object.keys(responses)
  const success = statuses.filter((s) => /^2\d\d$/.test(s))
  const status = ['200', '201'].find((s) => success.includes(s)) ?? success[0]
  if (status === undefined) {
    const redirect = statuses.find((s) => /^3\d\d$/.test(s))
    if (redirect === undefined) return undefined
    const headers = (deref(doc, responses[redirect]) as Node | undefined)?.headers
    const location = isNode(headers) && isNode(headers.Location) ? String(sampleSchema(doc, headers.Location.schema ?? { type: 'string', format: 'uri' })) : 'https://example.com/'
    return { status: Number(redirect), body: undefined, headers: { location } }
  }
  const response = deref(doc, responses[status])
  const media = isNode(response) && isNode(response.content) ? response.content['application/json'] : undefined
  if (!isNode(media)) return { status: Number(status), body: undefined }
  if (isNode(media.examples)) {
    const first = deref(doc, Object.values(media.examples)[0])
    if (isNode(first) && 'value' in first) return { status: Number(status), body: first.value }
  }
  if ('example' in media) return { status: Number(status), body: media.example }
  if (media.schema !== undefined) return { status: Number(status), body: sampleSchema(doc, media.schema) }
  return { status: Number(status), body: undefined }
}

/** A catalog call's input: path parameters, query parameters, JSON body. */
export interface ExampleRequest {
  path: Record<string, string | number | boolean>
  query: Record<string, unknown>
  body?: unknown
}

interface ParameterNode { in: string, name: string, required?: boolean, example?: unknown, examples?: Record<string, { value?: unknown }>, schema?: Node }

/**
 * A request for an operation (as openapi-backend dereferenced it): each path parameter and each
 * required query parameter from its example, else a sample of its schema; the body from the
 * request's first JSON example, else a sample of its schema (read-only properties left out).
 * `generate: true` ignores the description's examples (some do not fit their own schema): all
 * samples. Neither is guaranteed valid; validate it against the operation.
 */
export function exampleRequest (doc: Record<string, unknown>, operation: { parameters?: unknown[], requestBody?: unknown }, { generate = false } = {}): ExampleRequest {
  const out: ExampleRequest = { path: {}, query: {} }
  for (const raw of operation.parameters ?? []) {
    const p = raw as ParameterNode
    if (p.in !== 'path' && !(p.in === 'query' && p.required === true)) continue
    const given = generate ? undefined : p.example ?? Object.values(p.examples ?? {})[0]?.value ?? p.schema?.example
    let value = given ?? sampleSchema(doc, p.schema ?? { type: 'string' })
    if (p.in === 'path') {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') value = String(value)
      if (value === '') value = 'x'
      out.path[p.name] = value as string | number | boolean
    } else {
      out.query[p.name] = value
    }
  }
  const media = (operation.requestBody as { content?: Record<string, Node> } | undefined)?.content?.['application/json']
  if (media !== undefined) {
    const examples = isNode(media.examples) && !generate ? Object.values(media.examples) : []
    const first = examples.length > 0 ? deref(doc, examples[0]) : undefined
    out.body = isNode(first) && 'value' in first ? first.value : 'example' in media && !generate ? media.example : sample(media.schema as Parameters<typeof sample>[0], { skipReadOnly: true, skipWriteOnly: false, quiet: true }, doc)
  }
  return out
}
