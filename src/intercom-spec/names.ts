/**
 * Names for the operations Intercom's descriptions leave without an `operationId` (in 2.14, 2.15
 * and 2.16: the four reporting-data export operations). These names are OURS, not Intercom's:
 * derived from method and path so they stay stable across versions, and marked on the operation
 * with `x-operation-id-derived: true` so the catalog can say so.
 *
 * Rule: the lower-case method, then each literal path segment in camelCase, each parameter as
 * `By<Name>`: `POST /export/reporting_data/enqueue` → `postExportReportingDataEnqueue`,
 * `GET /download/reporting_data/{job_identifier}` → `getDownloadReportingDataByJobIdentifier`.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

/** The extension marking an operationId as derived by us. */
export const DERIVED_ID_EXTENSION = 'x-operation-id-derived'

const camel = (s: string): string => s.split(/[^A-Za-z0-9]+/).filter((w) => w !== '').map((w) => w[0].toUpperCase() + w.slice(1)).join('')

/** The derived operationId of `method template` (see the module docstring). */
export function derivedOperationId (method: string, template: string): string {
  const parts = template.split('/').filter((s) => s !== '').map((seg) => {
    const param = /^\{(.+)\}$/.exec(seg)
    return param !== null ? `By${camel(param[1])}` : camel(seg)
  })
  return method.toLowerCase() + parts.join('')
}

/**
 * Give every operation of `doc` without an operationId its derived one (in place), marked with
 * {@link DERIVED_ID_EXTENSION}. Returns the names given. Throws if a derived name is already taken.
 */
export function nameUnnamedOperations (doc: Record<string, unknown>): string[] {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown> | undefined>>
  const taken = new Set<string>()
  for (const item of Object.values(paths)) for (const m of METHODS) if (typeof item[m]?.operationId === 'string') taken.add(item[m].operationId as string)
  const named: string[] = []
  for (const [template, item] of Object.entries(paths)) {
    for (const m of METHODS) {
      const op = item[m]
      if (op === undefined || op.operationId !== undefined) continue
      const id = derivedOperationId(m, template)
      if (taken.has(id)) throw new Error(`intercom-spec: derived operationId ${id} (${m.toUpperCase()} ${template}) is already taken`)
      op.operationId = id
      op[DERIVED_ID_EXTENSION] = true
      taken.add(id)
      named.push(id)
    }
  }
  return named
}
