/**
 * Injected faults: a test says "the next N requests matching (method, path) are delayed / answered
 * with this status / have their socket destroyed". Faults are consulted in insertion order before
 * normal handling (before auth); the first matching fault with remaining `times` applies and uses one.
 */

/** A fault to inject; see the Emulator interface in index.ts for the field meanings. */
export interface FaultSpec {
  /** Which requests it applies to; omitted fields match anything. path is matched against the raw path. */
  method?: string
  path?: string | RegExp
  /** How many matching requests it hits (default 1). */
  times?: number
  /** Answer with this status and Intercom error body (`code` default derived from status, e.g. 500 -> 'server_error'), optionally extra headers. */
  status?: number
  code?: string
  message?: string
  headers?: Record<string, string>
  /** Delay the answer (or the fault) by this many ms. */
  delayMs?: number
  /** 'before-body': destroy the socket without answering (after reading the request). */
  reset?: boolean
  /**
   * Apply the operation first (Intercom acted on it), then answer with `status` or `reset`: the
   * "failed after it was applied" case, where sending the write again would duplicate it.
   */
  applied?: boolean
}

interface ActiveFault { spec: FaultSpec; remaining: number }

/** The ordered list of faults still to apply. */
export class FaultList {
  #faults: ActiveFault[] = []

  /** Add a fault (`times` default 1; `Infinity` for every matching request). */
  add (spec: FaultSpec): void {
    const times = spec.times ?? 1
    if (!(times > 0)) throw new Error('fault: times must be > 0')
    if (spec.path instanceof RegExp && (spec.path.global || spec.path.sticky)) {
      // .test() on a global/sticky RegExp is stateful; use a stateless copy.
      spec = { ...spec, path: new RegExp(spec.path.source, spec.path.flags.replace(/[gy]/g, '')) }
    }
    this.#faults.push({ spec, remaining: times })
  }

  /** Take one use of the first fault matching the request, if any. `path` is raw (no query string). */
  take (method: string, path: string): FaultSpec | undefined {
    const i = this.#faults.findIndex(({ spec }) => matches(spec, method, path))
    if (i === -1) return undefined
    const fault = this.#faults[i]
    fault.remaining -= 1
    if (fault.remaining <= 0) this.#faults.splice(i, 1)
    return fault.spec
  }

  /** Remove every fault. */
  clear (): void {
    this.#faults = []
  }

  /** Number of faults with uses left. */
  get size (): number {
    return this.#faults.length
  }
}

function matches (spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method.toUpperCase()) return false
  if (spec.path === undefined) return true
  return typeof spec.path === 'string' ? spec.path === path : spec.path.test(path)
}
