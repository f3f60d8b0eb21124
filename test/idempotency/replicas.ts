/**
 * Replicas for the idempotency tests: `replica(t, emulator, env)` builds one app over a given
 * emulator (so several apps share one upstream); `redisReplicas(t, n)` starts an emulator and `n`
 * replicas on one Redis (REDIS_URL) under a unique key prefix, deleted in teardown.
 */
import type { Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import app, { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { cleanup, redisUrl, uniquePrefix } from '../upstream/redis-helper.js'

/** One app over `emulator`, with `env` on top of its URL and token; closed in teardown. */
export async function replica (t: Test, emulator: Emulator, env: Record<string, string>): Promise<FastifyInstance> {
  const config = loadConfig({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url, LOG_LEVEL: 'silent', UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10', PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', ...env })
  const fastify = Fastify(fastifyOptions(config, false))
  await fastify.register(app, { config })
  await fastify.ready()
  t.teardown(async () => { await fastify.close() })
  return fastify as unknown as FastifyInstance
}

/** An emulator closed in teardown. */
export async function emulatorFor (t: Test): Promise<Emulator> {
  const emulator = await startEmulator()
  t.teardown(async () => { await emulator.close() })
  return emulator
}

/** An emulator and `n` replicas sharing one Redis; undefined (and a failed test) without Redis. */
export async function redisReplicas (t: Test, n: number): Promise<{ emulator: Emulator, apps: FastifyInstance[], url: string, prefix: string } | undefined> {
  const url = await redisUrl(t)
  if (url === undefined) return undefined
  const prefix = uniquePrefix()
  t.teardown(() => cleanup(url, prefix))
  const emulator = await emulatorFor(t)
  const apps: FastifyInstance[] = []
  for (let i = 0; i < n; i++) apps.push(await replica(t, emulator, { REDIS_URL: url, REDIS_KEY_PREFIX: prefix }))
  return { emulator, apps, url, prefix }
}
