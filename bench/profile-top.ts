/**
 * Read a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `BENCH_PROFILE=1 npm run bench`) and print
 * where the CPU went: the functions with the most self time, and self time summed by package
 * (node_modules/<pkg>, node: internals, our own code). Usage:
 *   node --import tsx bench/profile-top.ts bench/profiles/<file>.cpuprofile [top=30] [skipMs=0]
 * `skipMs` leaves out the first milliseconds of the profile (start-up and warm-up).
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }

/** Where a script URL belongs: `pkg:<name>`, `node:<module>`, `ours:<path>`, or the special V8 frames. */
export function bucketOf (url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/')
    return `pkg:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`
  }
  if (url.startsWith('node:')) return url
  const i = url.search(/\/(dist\/)?(src|routes|schemas)\//)
  return i !== -1 ? `ours:${url.slice(i + 1)}` : url
}

/** Self time per function and per bucket, milliseconds, sorted by the most. */
export function selfTimes (profile: Profile, skipMs = 0): { total: number, functions: Array<[string, number]>, buckets: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  let at = 0
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0
    if (at < skipMs * 1000) continue
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const functions = new Map<string, number>()
  const buckets = new Map<string, number>()
  let total = 0
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist\/)?/, '')}:${lineNumber + 1}` : ''}`
    functions.set(key, (functions.get(key) ?? 0) + us / 1000)
    const b = bucketOf(url, functionName)
    buckets.set(b, (buckets.get(b) ?? 0) + us / 1000)
    total += us / 1000
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])
  return { total, functions: sorted(functions), buckets: sorted(buckets) }
}

if (process.argv[1]?.endsWith('profile-top.ts')) {
  const file = process.argv[2]
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile-top.ts <file.cpuprofile> [top] [skipMs]\n')
    process.exit(2)
  }
  const top = Number(process.argv[3] ?? 30)
  const { total, functions, buckets } = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[4] ?? 0))
  const pct = (ms: number) => `${((ms / total) * 100).toFixed(1).padStart(5)}%`
  process.stdout.write(`total sampled ${total.toFixed(0)} ms\n\nself time by function:\n`)
  for (const [k, ms] of functions.slice(0, top)) process.stdout.write(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}\n`)
  process.stdout.write('\nself time by package:\n')
  for (const [k, ms] of buckets.slice(0, top)) process.stdout.write(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}\n`)
}
