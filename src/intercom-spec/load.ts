/**
 * Intercom's OpenAPI descriptions (spec/intercom/api.intercom.io.<version>.yaml, one per
 * SUPPORTED_VERSIONS entry of versions.ts), each loaded on its first use and then kept for the
 * process, and corrected by its own patch list (patch.ts). Used by the emulator (routing + request
 * validation) and, in production too, by the operation catalog (routes/intercom-operations), so
 * nothing here depends on the emulator. Operations without an operationId get our derived one
 * (names.ts), so every operation can be routed, validated and listed by name.
 *
 * A version nobody asks for is never read: a service that only ever serves 2.16 holds one document
 * (~8 MB of heap with its validator), not three.
 *
 * Parsing 24–36k lines of YAML costs ~0.5–1 s, so each parsed (unpatched) document is also cached as
 * JSON in the OS temp directory, keyed by the YAML's sha256; a warm start reads it in ~20 ms.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nameUnnamedOperations } from './names.js'
import { applySpecPatches } from './patch.js'
import { buildRequestValidator, type RequestValidator } from './validator.js'
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, isSupportedVersion, type IntercomVersion } from './versions.js'
import { oncePer } from '../lazy.js'

/** Path of a version's vendored description, relative to the project root (the directory holding package.json). */
export function specRelativePath (version: IntercomVersion): string {
  return `spec/intercom/api.intercom.io.${version}.yaml`
}

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

/** One version's loaded, patched description and its request validator. */
export interface IntercomSpec extends RequestValidator {
  version: IntercomVersion
  /** The patched OpenAPI document (not dereferenced). Do not mutate. */
  document: Record<string, unknown>
}


/**
 * Load `version`'s patched description and build its request validator: on the first call for that
 * version only (concurrent first calls share one load; a failed load is retried by the next call).
 * Throws for a version that is not in SUPPORTED_VERSIONS.
 */
export function loadIntercomSpec (version: IntercomVersion = DEFAULT_VERSION): Promise<IntercomSpec> {
  if (!isSupportedVersion(version)) throw new Error(`intercom-spec: unsupported version ${String(version)} (supported: ${SUPPORTED_VERSIONS.join(', ')})`)
  return loadOnce(version)
}

const loadOnce = oncePer(build)

async function build (version: IntercomVersion): Promise<IntercomSpec> {
  const document = applySpecPatches(await readDocument(join(findProjectRoot(), specRelativePath(version))), version)
  nameUnnamedOperations(document)
  const validator = await buildRequestValidator(document)
  return { version, document, ...validator }
}
