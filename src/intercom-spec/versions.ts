/**
 * The Intercom API versions this service speaks: ONE list, used by the configuration, the caller's
 * `Intercom-Version` check, the facade translations, the operation catalog and the emulator.
 * `DEFAULT_VERSION` is `INTERCOM_VERSION`'s default. The raw passthrough forwards any version
 * Intercom accepts (`N.N` or `Unstable`, `PASSTHROUGH_VERSION_RE`), not only these.
 */

/** Supported versions, oldest first (each has a vendored description in spec/intercom/). */
export const SUPPORTED_VERSIONS = ['2.14', '2.15', '2.16'] as const

/** One supported Intercom API version. */
export type IntercomVersion = typeof SUPPORTED_VERSIONS[number]

/** The version sent when neither INTERCOM_VERSION nor the caller names one. */
export const DEFAULT_VERSION: IntercomVersion = '2.16'

/** What the raw passthrough lets through as a caller's `Intercom-Version` (Intercom decides the rest). */
export const PASSTHROUGH_VERSION_RE = /^(\d+\.\d+|Unstable)$/

/** True when `v` is one of SUPPORTED_VERSIONS. */
export function isSupportedVersion (v: unknown): v is IntercomVersion {
  return typeof v === 'string' && (SUPPORTED_VERSIONS as readonly string[]).includes(v)
}

/** True when version `v` is `min` or newer (both supported versions). */
export function versionAtLeast (v: IntercomVersion, min: IntercomVersion): boolean {
  return SUPPORTED_VERSIONS.indexOf(v) >= SUPPORTED_VERSIONS.indexOf(min)
}
