/**
 * The only entry: reads the environment (src/config.ts), builds Fastify with the service's options,
 * starts the built-in Intercom emulator when no INTERCOM_ACCESS_TOKEN is set (sandbox mode, said in
 * the first log line), registers the app, wires graceful shutdown (close-with-grace) and listens.
 * A bad environment stops start-up with one line naming the variable (exit code 1).
 */
import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ConfigError, loadConfig, type AppConfig } from './config.js'
import app, { fastifyOptions } from './app.js'

const SHUTDOWN_DELAY_MS = 10_000

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

  // Pretty output only on a terminal, and only where pino-pretty (a dev dependency) is installed.
  const pretty = process.stdout.isTTY && await hasPinoPretty()
  const logger = { level: config.logLevel, ...(pretty ? { transport: { target: 'pino-pretty' } } : {}) }
  const fastify = Fastify(fastifyOptions(config, logger)).withTypeProvider<TypeBoxTypeProvider>()

  let emulator: { url: string, token: string, close: () => Promise<void> } | undefined
  if (config.intercom.sandbox) {
    const { startEmulator } = await import('./emulator/index.js')
    emulator = await startEmulator({ seed: true, searchLagMs: config.sandboxSearchLagMs, maxRecords: 1_000 })
    config = { ...config, intercom: { ...config.intercom, baseUrl: emulator.url, token: emulator.token } }
    fastify.log.warn({ sandbox: true, emulator: emulator.url }, `SANDBOX MODE: INTERCOM_ACCESS_TOKEN is not set, so every call goes to the built-in Intercom emulator at ${emulator.url} (in-memory, seeded; nothing reaches Intercom)`)
  } else {
    fastify.log.info({ sandbox: false, intercom: config.intercom.baseUrl, version: config.intercom.version }, `Intercom facade talking to ${config.intercom.baseUrl} (Intercom-Version ${config.intercom.version})`)
  }

  await fastify.register(app, { config })

  closeWithGrace({ delay: SHUTDOWN_DELAY_MS }, async function ({ signal, err }) {
    if (err) fastify.log.error({ err }, 'shutting down after an error')
    else fastify.log.info({ signal }, 'shutting down')
    fastify.lifecycle.shuttingDown = true
    await fastify.close()
    await emulator?.close()
  })

  await fastify.listen({ host: config.http.host, port: config.http.port })
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
