/**
 * `appWithLog(t, env, logger?)`: a real app at LOG_LEVEL=info (or `logger.level`) over a fresh emulator (like test/helper.ts
 * `build`), with every log line it writes collected, for tests of what reaches the log.
 */
import type { Test } from 'tap'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import app, { fastifyOptions } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startEmulator } from '../src/emulator/index.js'

/**
 * A real app over the emulator, logging at `info` (or `logger.level`; `logger` adds pino options such
 * as `onChild`); `lines` are its log lines, `entries()` them parsed.
 */
export async function appWithLog (t: Test, env: Record<string, string> = {}, logger: { level?: string, onChild?: () => void } = {}) {
  const emulator = await startEmulator({ searchLagMs: 0 })
  const config = loadConfig({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url, LOG_LEVEL: 'info', PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10', ...env })
  const lines: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _enc, cb) { lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)); cb() } })
  const fastify = Fastify(fastifyOptions(config, { level: 'info', ...logger, stream } as object))
  await fastify.register(app, { config })
  await fastify.ready()
  t.teardown(async () => { await fastify.close(); await emulator.close() })
  return { app: fastify, emulator, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, any>) }
}

