#!/usr/bin/env node
/**
 * `npm test` runs this after the type check: it runs tap (arguments passed through). The Redis tests
 * need a Redis: when REDIS_URL is unset and `redis-server` is on PATH, a throwaway one is started on
 * a free loopback port (no persistence) for the run, exported as REDIS_URL, and stopped after.
 * Otherwise tap runs as is, and the Redis tests fail saying how to get one
 * (`apt-get install redis-server`, or set REDIS_URL).
 */
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'

function freePort () {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function waitForRedis (port, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`)
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' })
    if (r.stdout?.trim() === 'PONG') return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('redis-server did not answer PING in 5 s')
}

let redis
const env = { ...process.env }
if (!env.REDIS_URL && spawnSync('redis-server', ['--version']).status === 0) {
  const port = await freePort()
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  await waitForRedis(port, redis)
  env.REDIS_URL = `redis://127.0.0.1:${port}`
  process.stdout.write(`# throwaway redis-server for this run at ${env.REDIS_URL}\n`)
}

const tap = spawn(process.execPath, [new URL('../node_modules/tap/dist/esm/run.mjs', import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit', env })
const stop = () => { if (redis && redis.exitCode === null) redis.kill('SIGTERM') }
process.on('SIGINT', () => { tap.kill('SIGINT') })
process.on('SIGTERM', () => { tap.kill('SIGTERM') })
tap.on('exit', (code, signal) => {
  stop()
  process.exit(code ?? (signal ? 1 : 0))
})
