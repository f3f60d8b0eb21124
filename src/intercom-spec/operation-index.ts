/**
 * Which supported versions have which operation, without loading any description: the committed
 * index spec/intercom/operation-ids.json (`{ "<version>": [operationId, ...] }`, each version's
 * operationIds in its description's order, our derived names included, see names.ts). The catalog
 * uses it for `added_in` and for naming the versions that have an operation a version lacks.
 *
 * test/intercom-spec/operation-index.test.ts checks the file against the vendored descriptions;
 * after vendoring a new description, regenerate it:
 *   node --import tsx src/intercom-spec/operation-index.ts write
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { findProjectRoot, readDocument, specRelativePath } from './load.js'
import { nameUnnamedOperations } from './names.js'
import { SUPPORTED_VERSIONS, type IntercomVersion } from './versions.js'

/** Path of the index, relative to the project root. */
export const OPERATION_INDEX_PATH = 'spec/intercom/operation-ids.json'

/** operationIds per supported version. */
export type OperationIndex = Record<IntercomVersion, string[]>

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

/** Every operationId of a parsed description, in its order (unnamed operations get their derived name). */
export function operationIdsOf (doc: Record<string, unknown>): string[] {
  nameUnnamedOperations(doc)
  const ids: string[] = []
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Record<string, { operationId?: string } | undefined>>)) {
    for (const m of METHODS) if (item[m]?.operationId !== undefined) ids.push(item[m].operationId as string)
  }
  return ids
}

/** The index built from the vendored descriptions (reads each; slow on a cold JSON cache). */
export async function computeOperationIndex (): Promise<OperationIndex> {
  const root = findProjectRoot()
  const out: Partial<OperationIndex> = {}
  for (const v of SUPPORTED_VERSIONS) out[v] = operationIdsOf(await readDocument(join(root, specRelativePath(v))))
  return out as OperationIndex
}

/** What the catalog needs from the index. */
export interface OperationVersions {
  /** The versions (oldest first) whose description has `operationId`; [] for none. */
  versionsOf: (operationId: string) => IntercomVersion[]
  /** The first supported version that has `operationId`, if any. */
  addedIn: (operationId: string) => IntercomVersion | undefined
}

let index: OperationVersions | undefined

/** The committed index, read on first use (~30 KB). */
export function operationVersions (): OperationVersions {
  if (index !== undefined) return index
  const raw = JSON.parse(readFileSync(join(findProjectRoot(), OPERATION_INDEX_PATH), 'utf8')) as Partial<OperationIndex>
  const byId = new Map<string, IntercomVersion[]>()
  for (const v of SUPPORTED_VERSIONS) {
    const ids = raw[v]
    if (!Array.isArray(ids)) throw new Error(`${OPERATION_INDEX_PATH} has no list for ${v}; regenerate it (see operation-index.ts)`)
    for (const id of ids) {
      const list = byId.get(id) ?? []
      list.push(v)
      byId.set(id, list)
    }
  }
  index = {
    versionsOf: (id) => byId.get(id) ?? [],
    addedIn: (id) => byId.get(id)?.[0]
  }
  return index
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'write') {
  const computed = await computeOperationIndex()
  writeFileSync(join(findProjectRoot(), OPERATION_INDEX_PATH), `{\n${SUPPORTED_VERSIONS.map((v) => `  ${JSON.stringify(v)}: ${JSON.stringify(computed[v])}`).join(',\n')}\n}\n`)
  process.stdout.write(`${OPERATION_INDEX_PATH}: ${SUPPORTED_VERSIONS.map((v) => `${v} ${computed[v].length}`).join(', ')}\n`)
}
