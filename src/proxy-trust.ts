/**
 * Which hops in front of the service are believed (TRUST_PROXY), in one function that Fastify's
 * `trustProxy` (request.ip, request.protocol from X-Forwarded-Proto, request.host from
 * X-Forwarded-Host) and the served OpenAPI document's `servers` (X-Forwarded-Prefix,
 * src/plugins/swagger.ts) both use, so the two never disagree.
 *
 * Settings: `false` (default: no proxy; X-Forwarded-* are ignored, request.ip is the socket's peer),
 * a hop count `n` (the nearest n hops are proxies), or a list of addresses/CIDRs and
 * @fastify/proxy-addr's names `loopback`, `linklocal`, `uniquelocal`.
 */
import proxyAddr from '@fastify/proxy-addr'

export type TrustProxySetting = false | number | string[]

/** `(address, hop) => trusted`, hop 0 being the socket's peer. */
export type TrustFunction = (address: string, hop: number) => boolean

/**
 * Parse TRUST_PROXY: `false`, a hop count (`1`), or a comma-separated list (`10.0.0.0/8,loopback`).
 * @throws Error naming the entry that is neither an address, a CIDR nor a known name.
 */
export function parseTrustProxy (value: string): TrustProxySetting {
  const v = value.trim()
  if (v === '' || v === 'false' || v === '0') return false
  if (/^\d+$/.test(v)) return Number(v)
  const list = v.split(',').map((s) => s.trim()).filter(Boolean)
  for (const entry of list) {
    try {
      proxyAddr.compile(entry)
    } catch {
      throw new Error(`"${entry}" is not an IP address, a CIDR, or one of loopback, linklocal, uniquelocal (or give false, or a hop count)`)
    }
  }
  return list
}

/** The trust function for a setting; undefined for `false` (Fastify then trusts no header). */
export function trustFunction (setting: TrustProxySetting): TrustFunction | undefined {
  if (setting === false) return undefined
  if (typeof setting === 'number') return (_address, hop) => hop < setting
  return proxyAddr.compile(setting)
}
