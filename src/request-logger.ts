/**
 * The per-request logger (Fastify's `childLoggerFactory`, set by `fastifyOptions` in src/app.ts):
 * a pino child made only when the request logs something.
 *
 * Fastify makes `request.log` a pino child of the root logger for every request (binding `reqId`),
 * and the Intercom-Version plugin adds `intercom_version`. A pino child costs an object, a copy of
 * the formatters and the bindings serialised to JSON; at `LOG_LEVEL=warn` most requests log nothing,
 * so that work was spent for nothing on every request (`npm run bench`, get-contact: the
 * passthrough's CPU per request went from 59 to 54 µs with this factory, A/B in one run). `RequestLogger` keeps the
 * bindings and asks pino for the child on the first line whose level is enabled; `setBindings`
 * before then only adds to the kept bindings. Level checks read the root logger's `levelVal`, so a
 * line below the level costs one comparison.
 *
 * Routes with their own `logLevel` or `logSerializers` get a real child at once (pino applies those
 * when the child is made).
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, Logger, LevelWithSilentOrString } from 'pino'

/** pino's numeric levels (pino's `levels.values`). */
const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const

type LogFn = (...args: unknown[]) => void

/** A request's logger that becomes a pino child of `root` on its first enabled line. */
export class RequestLogger {
  #root: Logger
  #bindings: Bindings
  #child: Logger | undefined

  constructor (root: Logger, bindings: Bindings) {
    this.#root = root
    this.#bindings = bindings
  }

  /** The pino child, made on first use. */
  #real (): Logger {
    if (this.#child === undefined) this.#child = this.#root.child(this.#bindings)
    return this.#child
  }

  /** The level name in force (the root's until a child sets its own). */
  get level (): LevelWithSilentOrString { return (this.#child ?? this.#root).level }
  set level (level: LevelWithSilentOrString) { this.#real().level = level }

  /** pino's `isLevelEnabled`. */
  isLevelEnabled (level: LevelWithSilentOrString): boolean { return (this.#child ?? this.#root).isLevelEnabled(level) }

  #enabled (value: number): boolean { return value >= (this.#child ?? this.#root).levelVal }

  fatal (...args: unknown[]): void { if (this.#enabled(LEVEL.fatal)) (this.#real().fatal as LogFn)(...args) }
  error (...args: unknown[]): void { if (this.#enabled(LEVEL.error)) (this.#real().error as LogFn)(...args) }
  warn (...args: unknown[]): void { if (this.#enabled(LEVEL.warn)) (this.#real().warn as LogFn)(...args) }
  info (...args: unknown[]): void { if (this.#enabled(LEVEL.info)) (this.#real().info as LogFn)(...args) }
  debug (...args: unknown[]): void { if (this.#enabled(LEVEL.debug)) (this.#real().debug as LogFn)(...args) }
  trace (...args: unknown[]): void { if (this.#enabled(LEVEL.trace)) (this.#real().trace as LogFn)(...args) }
  silent (): void {}

  /** A child of this request's logger (pino's `child`). */
  child (bindings: Bindings, options?: ChildLoggerOptions): Logger { return this.#real().child(bindings, options) }

  /** This logger's bindings (pino's `bindings()`). */
  bindings (): Bindings { return this.#child === undefined ? { ...this.#bindings } : this.#child.bindings() }

  /** Add bindings to every later line (pino's `setBindings`); before the first line, only kept. */
  setBindings (bindings: Bindings): void {
    if (this.#child !== undefined) { this.#child.setBindings(bindings); return }
    // The kept bindings are this request's own object (Fastify makes one per request): add to it.
    for (const key in bindings) this.#bindings[key] = bindings[key]
  }

  /** pino's `flush`. */
  flush (cb?: (err?: Error) => void): void { this.#root.flush(cb) }
}

/**
 * Fastify's `childLoggerFactory`: a `RequestLogger` for a plain request, a real pino child when the
 * route sets its own level or serializers (`options`). `this` is the Fastify instance (unused).
 */
export function requestLoggerFactory (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options)
  return new RequestLogger(logger as unknown as Logger, bindings) as unknown as FastifyBaseLogger
}

/** Add bindings to a request's logger, whatever it is (a `RequestLogger`, a pino child, or Fastify's no-op logger). */
export function bindRequestLog (log: FastifyBaseLogger, bindings: Bindings): void {
  const setBindings = (log as { setBindings?: (b: Bindings) => void }).setBindings
  if (typeof setBindings === 'function') setBindings.call(log, bindings)
}
