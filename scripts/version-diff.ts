/**
 * What changed between the Intercom descriptions the facade speaks, for the operations its routes
 * call: `npm run version-diff [-- [--requests] [from to]]` (default every consecutive pair of
 * SUPPORTED_VERSIONS; `--requests`: parameters and request bodies only, no answers).
 *
 * The operations are the Intercom operationIds named in the README's route table. For each, the
 * path and query parameters, the request body and the 200 answer are flattened (with `$ref`s
 * resolved) into one line per schema location, e.g. `body.owner_id: type=string`, and the lines
 * only one version has are printed (`-` older, `+` newer). Descriptions are read from spec/intercom/
 * when vendored there, else from ../shared/intercom-openapi/ (or ../../shared/ from a git worktree). The translations that absorb these
 * differences are in src/facade/versions.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findProjectRoot, readDocument } from '../src/intercom-spec/load.js'
import { SUPPORTED_VERSIONS } from '../src/intercom-spec/versions.js'

type Json = Record<string, any>

const root = findProjectRoot()

function specPath (version: string): string {
  const name = `api.intercom.io.${version}.yaml`
  for (const dir of [join(root, 'spec/intercom'), join(root, '../shared/intercom-openapi'), join(root, '../../shared/intercom-openapi')]) {
    if (existsSync(join(dir, name))) return join(dir, name)
  }
  throw new Error(`no description for ${version}`)
}

/** The Intercom operationIds of the README's route table (second column, in backticks). */
function facadeOperationIds (doc: Json): string[] {
  const known = new Set<string>()
  for (const item of Object.values(doc.paths as Json)) for (const op of Object.values(item as Json)) if (op?.operationId) known.add(op.operationId)
  const ids = new Set<string>()
  for (const line of readFileSync(join(root, 'README.md'), 'utf8').split('\n')) {
    const cells = line.split(' | ')
    if (!line.startsWith('| `') || cells.length < 2) continue
    for (const m of cells[1].matchAll(/`(\w+)`/g)) if (known.has(m[1])) ids.add(m[1])
  }
  return [...ids]
}

function resolve (doc: Json, node: Json | undefined): Json | undefined {
  let n = node
  for (let i = 0; n?.$ref !== undefined && i < 20; i++) n = (n.$ref as string).slice(2).split('/').reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/')], doc)
  return n
}

/** One line per schema location: type, format, enum, nullable, required; nested properties and items. */
function flatten (doc: Json, node: Json | undefined, at: string, out: Set<string>, seen: string[] = []): void {
  const ref = node?.$ref as string | undefined
  if (ref !== undefined && (seen.includes(ref) || seen.length > 8)) { out.add(`${at}: (recursive ${ref.split('/').pop()})`); return }
  const s = resolve(doc, node)
  if (s === undefined) return
  const trail = ref === undefined ? seen : [...seen, ref]
  const facts: string[] = []
  if (s.type !== undefined) facts.push(`type=${[s.type].flat().join('|')}`)
  if (s.format !== undefined) facts.push(`format=${s.format}`)
  if (s.enum !== undefined) facts.push(`enum=${s.enum.join('|')}`)
  if (s.nullable === true) facts.push('nullable')
  if (s.required?.length) facts.push(`required=${[...s.required].sort().join(',')}`)
  if (facts.length) out.add(`${at}: ${facts.join(' ')}`)
  for (const [k, v] of Object.entries(s.properties ?? {})) flatten(doc, v as Json, `${at}.${k}`, out, trail)
  if (s.items !== undefined) flatten(doc, s.items, `${at}[]`, out, trail)
  for (const key of ['oneOf', 'anyOf', 'allOf']) (s[key] as Json[] | undefined)?.forEach((b, i) => flatten(doc, b, `${at}<${key}${i}>`, out, trail))
}

function operation (doc: Json, id: string): { method: string, path: string, op: Json } | undefined {
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) if (op?.operationId === id) return { method, path, op }
  }
  return undefined
}

function lines (doc: Json, id: string): Set<string> {
  const out = new Set<string>()
  const found = operation(doc, id)
  if (found === undefined) return out
  out.add(`operation: ${found.method.toUpperCase()} ${found.path}`)
  for (const p of (found.op.parameters ?? []) as Json[]) {
    const param = resolve(doc, p)!
    if (param.in === 'header') continue
    flatten(doc, param.schema, `${param.in}.${param.name}${param.required ? '(required)' : ''}`, out)
  }
  const body = resolve(doc, found.op.requestBody)
  flatten(doc, body?.content?.['application/json']?.schema, 'body', out)
  const ok = resolve(doc, found.op.responses?.['200'] ?? found.op.responses?.['201'])
  flatten(doc, ok?.content?.['application/json']?.schema, 'answer', out)
  return out
}

async function main (): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0) })
  const requestsOnly = process.argv.includes('--requests')
  const args = process.argv.slice(2).filter((a) => a !== '--requests')
  const pairs: Array<[string, string]> = args.length === 2
    ? [[args[0], args[1]]]
    : SUPPORTED_VERSIONS.slice(1).map((v, i) => [SUPPORTED_VERSIONS[i], v])
  const docs = new Map<string, Json>()
  for (const v of new Set(pairs.flat())) docs.set(v, await readDocument(specPath(v)))
  const ids = facadeOperationIds(docs.get(pairs[0][0])!)
  for (const [from, to] of pairs) {
    console.log(`# Intercom ${from} → ${to}: ${ids.length} operations the facade calls`)
    for (const id of ids) {
      const keep = (l: string): boolean => !requestsOnly || !l.startsWith('answer')
      const a = new Set([...lines(docs.get(from)!, id)].filter(keep))
      const b = new Set([...lines(docs.get(to)!, id)].filter(keep))
      const removed = [...a].filter((l) => !b.has(l))
      const added = [...b].filter((l) => !a.has(l))
      if (removed.length === 0 && added.length === 0) continue
      console.log(`\n## ${id}`)
      for (const l of removed) console.log(`- ${l}`)
      for (const l of added) console.log(`+ ${l}`)
    }
    console.log('')
  }
}

await main()
