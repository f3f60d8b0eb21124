/**
 * The system programs the tests run for real (not npm packages), in one list: where each is looked
 * for, the Debian package that provides it, and the tests that need it. `npm test` (scripts/test.ts,
 * also what `.ci/run` runs) calls `ensureSystemDeps()` first: it installs the missing packages with
 * apt-get when it can (running as root, or through passwordless `sudo`), and otherwise prints the
 * exact command to run. Tests that need a program fail with `tool.install` when it is missing.
 */
import { accessSync, constants } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { delimiter, join } from 'node:path'

export interface SystemTool {
  /** The executable's name, looked for on PATH and in Debian's bin directories. */
  bin: string
  /** The Debian package that provides it. */
  debianPackage: string
  /** Which tests need it. */
  neededBy: string
  /** One line saying how to get it. */
  install: string
}

const tool = (bin: string, debianPackage: string, neededBy: string): SystemTool => ({
  bin,
  debianPackage,
  neededBy,
  install: `install Debian's ${debianPackage}: \`apt-get update && apt-get install -y --no-install-recommends ${debianPackage}\` (as root; \`npm test\` does this itself when it runs as root or has passwordless sudo)`
})

export const TOOLS = {
  redisServer: tool('redis-server', 'redis-server', 'the Redis rate-budget tests (test/upstream/redis-*.test.ts); npm test starts a throwaway one unless REDIS_URL is set'),
  chromium: tool('chromium', 'chromium', 'the Swagger UI tests in a real browser (test/browser/)'),
  prometheus: tool('prometheus', 'prometheus', 'the Prometheus scrape and alert tests (test/ops/prometheus.test.ts)'),
  promtool: tool('promtool', 'prometheus', 'the rule checks (test/ops/prometheus.test.ts)'),
  haproxy: tool('haproxy', 'haproxy', 'the behind-a-gateway test (test/ops/gateway.test.ts)')
} as const satisfies Record<string, SystemTool>

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

function executable (path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The absolute path of `tool`'s executable (PATH first, then Debian's bin and sbin directories), or undefined. */
export function locate (t: SystemTool): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS]
  for (const dir of dirs) {
    const path = join(dir, t.bin)
    if (executable(path)) return path
  }
  return undefined
}

/** The tools not found, and the Debian packages that would provide them (each once). */
export function missingTools (): { tools: SystemTool[], packages: string[] } {
  const tools = Object.values(TOOLS).filter((t) => locate(t) === undefined)
  return { tools, packages: [...new Set(tools.map((t) => t.debianPackage))] }
}

/** `['sudo', '-n']` when not root and passwordless sudo works, `[]` as root, undefined when neither. */
function privilege (): string[] | undefined {
  if (process.getuid?.() === 0) return []
  if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return ['sudo', '-n']
  return undefined
}

/**
 * Install the missing tools' Debian packages with apt-get when possible (root or passwordless sudo,
 * and apt-get present). Returns what is still missing afterwards and, if anything is, the one
 * command that would install it. Progress goes to `log`.
 */
export function ensureSystemDeps (log: (line: string) => void = (l) => { process.stderr.write(`${l}\n`) }): { missing: SystemTool[], command?: string } {
  const before = missingTools()
  if (before.packages.length === 0) return { missing: [] }
  const sudo = privilege()
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0
  if (sudo !== undefined && apt) {
    log(`# npm test: installing the Debian packages the tests need: ${before.packages.join(' ')}`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const run = (args: string[]): boolean => {
      const [cmd, ...rest] = [...sudo, ...args]
      return spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0
    }
    if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', '--no-install-recommends', ...before.packages])) {
      log('# npm test: apt-get failed (see above)')
    }
  }
  const after = missingTools()
  if (after.tools.length === 0) return { missing: [] }
  const as = process.getuid?.() === 0 ? '' : 'sudo '
  return { missing: after.tools, command: `${as}apt-get update && ${as}apt-get install -y --no-install-recommends ${after.packages.join(' ')}` }
}

/** Lines telling a person what is missing, what needs it and the one command to install it. */
export function describeMissing (missing: SystemTool[], command: string): string {
  return [
    '# npm test: these programs are missing and could not be installed here (not root, no passwordless sudo, or no apt-get):',
    ...missing.map((t) => `#   ${t.bin} (Debian package ${t.debianPackage}): needed by ${t.neededBy}`),
    `# Install them with: ${command}`,
    '# (on another system, install the same programs with its package manager). The tests that need them fail until then.'
  ].join('\n')
}
