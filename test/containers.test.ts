/**
 * No Docker engine runs here, so the container files are checked by structure: the Dockerfile by
 * its instructions (multi-stage, production dependencies only, non-root, signal handling,
 * HEALTHCHECK), docker-compose.yml parsed as YAML (two replicas behind a load balancer whose config
 * is in the repository, one Redis, the token from an env file, health checks everywhere).
 */
import { test } from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import YAML from 'yaml'
import { loadConfig } from '../src/config.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')

interface Instruction { op: string, args: string, stage: number }

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions (text: string): Instruction[] {
  const out: Instruction[] = []
  let stage = -1
  const joined = text.replace(/\\\r?\n/g, ' ')
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line)
    if (!m) continue
    const op = m[1].toUpperCase()
    if (op === 'FROM') stage++
    out.push({ op, args: m[2].trim(), stage })
  }
  return out
}

test('Dockerfile: multi-stage, npm ci --omit=dev, non-root, Node as PID 1 in exec form, HEALTHCHECK on /healthz', async (t) => {
  const all = instructions(read('Dockerfile'))
  const froms = all.filter((i) => i.op === 'FROM')
  t.ok(froms.length >= 2, 'multi-stage build')
  t.match(froms.at(-1)!.args, /^node:22[-\w.]*/, 'the runtime is Node 22')
  const final = all.filter((i) => i.stage === froms.length - 1)
  const runs = final.filter((i) => i.op === 'RUN').map((i) => i.args)
  t.ok(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)), 'the runtime stage installs production dependencies only')
  t.notOk(runs.some((r) => /\bnpm (i|install)\b/.test(r)), 'no npm install (only npm ci from the lockfile)')
  t.ok(final.some((i) => i.op === 'COPY' && /--from=/.test(i.args) && /dist/.test(i.args)), 'the compiled output comes from the build stage')

  const users = final.filter((i) => i.op === 'USER')
  t.ok(users.length > 0, 'a USER is set in the runtime stage')
  t.notMatch(users.at(-1)!.args, /^(root|0)(:|$)/, 'the last USER is not root')
  const userIndex = final.indexOf(users.at(-1)!)
  const cmd = final.filter((i) => i.op === 'CMD').at(-1)!
  t.ok(final.indexOf(cmd) > userIndex, 'CMD runs as that user')

  const entrypoint = final.filter((i) => i.op === 'ENTRYPOINT').at(-1)
  const exec = JSON.parse(entrypoint?.args ?? cmd.args) as string[]
  t.ok(Array.isArray(exec), 'exec form (a JSON array): no shell between Docker and the process, so SIGTERM reaches it')
  t.ok(exec[0] === 'node' || /tini/.test(exec[0]), `PID 1 is node (close-with-grace handles SIGTERM) or tini; got ${exec[0]}`)
  t.notOk(/\bnpm\b/.test(cmd.args), 'not npm start (npm does not forward signals reliably)')
  const stop = final.find((i) => i.op === 'STOPSIGNAL')
  t.ok(stop === undefined || stop.args === 'SIGTERM', 'the stop signal is SIGTERM')

  const health = final.find((i) => i.op === 'HEALTHCHECK')
  t.ok(health, 'HEALTHCHECK present')
  t.match(health!.args, /--interval=\d+s/)
  t.match(health!.args, /\/healthz/, 'probes /healthz (open without an API key)')
  t.match(all.find((i) => i.op === 'ENV' && /HOST=0\.0\.0\.0/.test(i.args))?.args ?? '', /HOST=0\.0\.0\.0/, 'listens on all interfaces in the container')

  const ignored = read('.dockerignore').split('\n').map((l) => l.trim())
  for (const entry of ['node_modules', '.env', '.git']) t.ok(ignored.includes(entry), `.dockerignore keeps ${entry} out of the image`)
})

test('docker-compose.yml: two facade replicas behind a load balancer, one Redis, the token from an env file, health checks', async (t) => {
  const compose = YAML.parse(read('docker-compose.yml')) as { services: Record<string, any> }
  const services = compose.services
  t.same(Object.keys(services).filter((k) => services[k].profiles === undefined).sort(), ['facade', 'lb', 'redis'], 'the default services')

  const facade = services.facade
  t.ok(facade.build, 'the facade is built from this repository')
  t.ok((facade.deploy?.replicas ?? facade.scale) >= 2, 'at least two replicas')
  t.notOk(facade.ports, 'replicas publish no host port (they would collide); the load balancer does')
  const envFiles = ([] as any[]).concat(facade.env_file).map((e) => typeof e === 'string' ? e : e.path)
  t.ok(envFiles.includes('.env'), 'configuration (the Intercom token) comes from .env')
  t.notOk(JSON.stringify(facade.environment ?? {}).includes('INTERCOM_ACCESS_TOKEN'), 'no token written in the compose file')
  t.ok(existsSync(`${root}.env.example`), '.env.example documents the env file')
  t.match(read('.env.example'), /^INTERCOM_ACCESS_TOKEN=/m)
  t.equal(facade.environment.HOST, '0.0.0.0')
  t.match(facade.environment.REDIS_URL, /^redis:\/\/redis:6379/, 'the replicas share the one Redis')
  t.equal(facade.depends_on?.redis?.condition, 'service_healthy')
  t.match(facade.healthcheck.test.join(' '), /\/healthz/, 'the facade is health-checked')
  // The environment must be valid for the service itself.
  const env = Object.fromEntries(Object.entries(facade.environment).map(([k, v]) => [k, String(v)]))
  const config = loadConfig(env)
  const grace = /^(\d+)s$/.exec(facade.stop_grace_period ?? '')
  t.ok(grace && Number(grace[1]) * 1000 > config.shutdown.timeoutMs, 'stop_grace_period outlasts SHUTDOWN_TIMEOUT_MS, so Docker never SIGKILLs a drain')
  t.ok(config.shutdown.drainDelayMs > 0, 'a drain delay lets the load balancer see /readyz 503 before the listener closes')

  const lb = services.lb
  t.match(lb.image, /^(haproxy|nginx|traefik|envoyproxy)/, 'a small load balancer')
  t.ok(lb.ports.some((p: string) => /^(\d+:)?\d+$/.test(String(p)) && String(p).startsWith('3000:')), 'the load balancer publishes port 3000')
  t.equal(lb.depends_on?.facade?.condition, 'service_healthy')
  const mount = lb.volumes.map(String).find((v: string) => v.startsWith('./'))!
  const cfgPath = mount.split(':')[0]
  t.ok(existsSync(`${root}${cfgPath.slice(2)}`), `the load balancer config ${cfgPath} is in the repository`)
  const cfg = readFileSync(`${root}${cfgPath.slice(2)}`, 'utf8')
  const containerPort = String(lb.ports[0]).split(':')[1]
  t.match(cfg, new RegExp(`bind :${containerPort}\\b`), 'the config listens on the published container port')
  t.match(cfg, /server-template facade \d+ facade:3000/, 'balances over the facade replicas')
  t.match(cfg, /option httpchk GET \/readyz/, 'health-checks replicas on /readyz, so a draining one leaves the rotation')
  t.match(cfg, /resolvers docker[\s\S]*127\.0\.0\.11/, 'finds replicas through Docker DNS')

  const redis = services.redis
  t.match(redis.image, /^redis:\d/)
  t.notOk(redis.ports, 'Redis is not published on the host')
  t.match(redis.healthcheck.test.join(' '), /redis-cli ping/)
})

test('docker-compose.yml: the observability profile runs Prometheus on the shipped deploy/prometheus/ files, scraping the replicas', async (t) => {
  const compose = YAML.parse(read('docker-compose.yml')) as { services: Record<string, any>, volumes?: Record<string, unknown> }
  const prom = compose.services.prometheus
  t.same(prom.profiles, ['observability'], 'only with --profile observability')
  t.match(prom.image, /^prom\/prometheus:v2\./)
  const mount = prom.volumes.map(String).find((v: string) => v.startsWith('./'))!
  const [host, container] = mount.split(':')
  t.equal(host, './deploy/prometheus')
  const configFlag = prom.command.find((c: string) => c.startsWith('--config.file='))!.split('=')[1] as string
  t.ok(configFlag.startsWith(`${container}/`), `--config.file (${configFlag}) is inside the mounted directory`)
  const config = YAML.parse(read(`deploy/prometheus/${configFlag.slice(container.length + 1)}`)) as { rule_files: string[], scrape_configs: any[] }
  for (const f of config.rule_files) t.ok(existsSync(`${root}deploy/prometheus/${f}`), `rule file ${f} is in deploy/prometheus/`)
  const job = config.scrape_configs.find((j) => j.job_name === 'intercom-facade')
  t.ok(job, 'a scrape job intercom-facade (the FacadeDown alert selects on it)')
  t.same(job.dns_sd_configs?.[0]?.names, ['facade'], 'finds every replica of the facade service through Docker DNS')
  t.equal(job.dns_sd_configs[0].port, Number(compose.services.facade.environment.PORT), 'on the port the replicas listen on')
  const storage = prom.volumes.map(String).find((v: string) => v.endsWith(':/prometheus'))!
  t.ok(compose.volumes?.[storage.split(':')[0]] !== undefined, 'the TSDB is on a named volume')
})
