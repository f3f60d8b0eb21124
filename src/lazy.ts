/**
 * Memoised lazy loading, the one definition: work done on first use and shared afterwards.
 * - `lazy(make)`: a synchronous value built on the first call (e.g. a compiled serializer).
 * - `once(load)`: an asynchronous load started on the first call and shared by every caller
 *   (e.g. reading and compiling Intercom's OpenAPI description); a load that fails is forgotten,
 *   so the next call starts it again instead of answering the old failure forever.
 * - `oncePer(load)`: `once` per key (e.g. one load per Intercom version).
 */

/** `make()` on the first call, the same value on every later call. */
export function lazy<T> (make: () => T): () => T {
  let made = false
  let value: T
  return () => {
    if (!made) {
      value = make()
      made = true
    }
    return value
  }
}

/** `load()` once, shared by concurrent and later callers; a rejected load is retried on the next call. */
export function once<T> (load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined
      throw err
    })
    return pending
  }
}

/** `load(key)` once per key, shared like `once`; a rejected load of a key is retried on that key's next call. */
export function oncePer<K, T> (load: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const pending = new Map<K, Promise<T>>()
  return (key) => {
    let p = pending.get(key)
    if (p === undefined) {
      p = load(key).catch((err: unknown) => {
        pending.delete(key)
        throw err
      })
      pending.set(key, p)
    }
    return p
  }
}
