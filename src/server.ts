/**
 * The service's entry (`npm start`, the Docker image's CMD): reads the environment
 * (src/config.ts), builds Fastify with the service's options (src/app.ts `fastifyOptions`; pretty
 * logs on a terminal when pino-pretty is installed), starts the built-in Intercom emulator when no
 * INTERCOM_ACCESS_TOKEN is set (sandbox mode, said in the first log line), registers the app, wires
 * graceful shutdown (close-with-grace) and listens. A bad environment stops start-up with one line
 * naming the variable (exit code 1). Memory settings (NODE_OPTIONS, `--heap-growing-percent`) come
 * from the command that starts it, not from here.
 */
import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ConfigError, loadConfig, type AppConfig } from './config.js'
import app, { fastifyOptions } from './app.js'
import { setTimeout as sleep } from 'node:timers/promises'
import type { WebhookEmitter } from './emulator/webhooks.js'

async function main (): Promise<void> {
  let config: AppConfig
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(1)
    }
    throw err
  }

  // Traces only when an OTLP endpoint is set (OTEL_* variables, read by the OpenTelemetry SDK).
  const tracing = config.tracing ? await (await import('./tracing.js')).startTracing() : undefined

  // Pretty output only on a terminal, and only where pino-pretty (a dev dependency) is installed.
  const pretty = process.stdout.isTTY && await hasPinoPretty()
  const logger = { level: config.logLevel, ...(pretty ? { transport: { target: 'pino-pretty' } } : {}) }
  const fastify = Fastify(fastifyOptions(config, logger, tracing)).withTypeProvider<TypeBoxTypeProvider>()

  let emulator: { url: string, token: string, close: () => Promise<void> } | undefined
  let emitter: WebhookEmitter | undefined
  if (config.intercom.sandbox) {
    const { startEmulator } = await import('./emulator/index.js')
    // The emulator sends webhook notifications for its writes to our intake, signed like Intercom.
    const { sandboxEmitter } = await import('./emulator/webhooks.js')
    emitter = sandboxEmitter(config.webhooks.clientSecret)
    emulator = await startEmulator({ seed: true, searchLagMs: config.sandboxSearchLagMs, maxRecords: 1_000, webhooks: emitter })
    config = { ...config, intercom: { ...config.intercom, baseUrl: emulator.url, token: emulator.token }, webhooks: { ...config.webhooks, clientSecret: emitter.secret } }
    fastify.log.warn({ sandbox: true, emulator: emulator.url }, `SANDBOX MODE: INTERCOM_ACCESS_TOKEN is not set, so every call goes to the built-in Intercom emulator at ${emulator.url} (in-memory, seeded; nothing reaches Intercom)`)
  } else {
    fastify.log.info({ sandbox: false, intercom: config.intercom.baseUrl, version: config.intercom.version }, `Intercom facade talking to ${config.intercom.baseUrl} (Intercom-Version ${config.intercom.version})`)
  }

  if (tracing) fastify.log.info({ tracing: true, endpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing on: OpenTelemetry spans exported by OTLP')
  await fastify.register(app, { config, tracing })

  // Graceful shutdown (SIGTERM/SIGINT): /readyz answers 503 at once; after SHUTDOWN_DRAIN_DELAY_MS
  // (time for a load balancer to notice) the listener closes, so new connections are refused, while
  // in-flight requests finish; then the onClose hooks close the upstream pool (and Redis). All of it
  // within SHUTDOWN_TIMEOUT_MS, else close-with-grace exits 1.
  closeWithGrace({ delay: config.shutdown.timeoutMs }, async function ({ signal, err }) {
    if (err) fastify.log.error({ err }, 'shutting down after an error')
    else fastify.log.info({ signal }, 'shutting down')
    fastify.lifecycle.shuttingDown = true
    if (config.shutdown.drainDelayMs > 0) {
      fastify.log.info({ drainDelayMs: config.shutdown.drainDelayMs }, 'draining: /readyz answers 503; still serving')
      await sleep(config.shutdown.drainDelayMs)
    }
    fastify.log.info('closing: no new connections; waiting for in-flight requests')
    await fastify.close()
    fastify.log.info('closed: in-flight requests done, upstream pool closed')
    await emulator?.close()
    await emitter?.close()
    await tracing?.shutdown()
  })

  await fastify.listen({ host: config.http.host, port: config.http.port })
  emitter?.sendTo(fastify.server.address(), fastify.log)
}

async function hasPinoPretty (): Promise<boolean> {
  try {
    await import('pino-pretty' as string)
    return true
  } catch {
    return false
  }
}

await main()
