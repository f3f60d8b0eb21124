/**
 * Example answers from Intercom's OpenAPI description: for an operation, the first example of its
 * success response (200, else 201, else the first 2xx) with `application/json` content. The emulator
 * answers with it for operations it has no handler for, so every specified operation answers.
 */

/** An operation's example answer. */
export interface ExampleResponse {
  status: number
  body: unknown
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

/**
 * The example answer of `operationId`, or undefined when the operation is unknown or its success
 * response has no JSON example (`examples` first value, else `example`).
 */
export function exampleResponse (doc: Record<string, unknown>, operationId: string): ExampleResponse | undefined {
  const op = findOperation(doc, operationId)
  if (op === undefined || !isNode(op.responses)) return undefined
  const responses = op.responses
  const statuses = Object.keys(responses).filter((s) => /^2\d\d$/.test(s))
  const status = ['200', '201'].find((s) => statuses.includes(s)) ?? statuses[0]
  if (status === undefined) return undefined
  const response = deref(doc, responses[status])
  if (!isNode(response) || !isNode(response.content)) return undefined
  const media = response.content['application/json']
  if (!isNode(media)) return undefined
  if (isNode(media.examples)) {
    const first = deref(doc, Object.values(media.examples)[0])
    if (isNode(first) && 'value' in first) return { status: Number(status), body: first.value }
  }
  if ('example' in media) return { status: Number(status), body: media.example }
  return undefined
}
