/**
 * Intercom's OpenAPI 2.14 description (spec/intercom/api.intercom.io.2.14.yaml), loaded once per
 * process and corrected by patch.ts. Used by the emulator (routing + request validation) and, in
 * production too, by the operation catalog (routes/intercom-operations), so nothing here depends on
 * the emulator.
 *
 * Parsing 24k lines of YAML costs ~0.5 s, so the parsed (unpatched) document is also cached as JSON
 * in the OS temp directory, keyed by the YAML's sha256; a warm start reads it in ~20 ms.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { applySpecPatches } from './patch.js'
import { buildRequestValidator, type RequestValidator } from './validator.js'

/** Path of the vendored description, relative to the project root (the directory holding package.json). */
export const SPEC_RELATIVE_PATH = 'spec/intercom/api.intercom.io.2.14.yaml'

/**
 * The project root: walk up from this module's directory to the first directory holding
 * package.json (works from src/intercom-spec under tsx and from dist/src/intercom-spec after tsc).
 */
export function findProjectRoot (fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`intercom-spec: no package.json above ${fileURLToPath(fromUrl)}`)
    dir = parent
  }
}

/** Parse the YAML description, through the JSON cache in the temp directory when possible. */
export async function readDocument (specPath: string): Promise<Record<string, unknown>> {
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

/** The loaded, patched description and its request validator. */
export interface IntercomSpec extends RequestValidator {
  /** The patched OpenAPI document (not dereferenced). Do not mutate. */
  document: Record<string, unknown>
}

let loading: Promise<IntercomSpec> | undefined

/** Load (once per process) the patched description and build its request validator. */
export function loadIntercomSpec (): Promise<IntercomSpec> {
  loading ??= build().catch((err: unknown) => {
    loading = undefined
    throw err
  })
  return loading
}

async function build (): Promise<IntercomSpec> {
  const document = applySpecPatches(await readDocument(join(findProjectRoot(), SPEC_RELATIVE_PATH)))
  const validator = await buildRequestValidator(document)
  return { document, ...validator }
}
