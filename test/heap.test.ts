/**
 * The memory settings (src/heap.ts): the service sets V8's old-generation growing factor itself, and
 * every way production starts it (npm start, the Dockerfile) and the benchmark pass the same
 * young-generation flag and malloc setting.
 */
import { test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { applyHeapSettings } from '../src/heap.js'

const ROOT = join(fileURLToPath(import.meta.url), '../..')
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8')

test('npm start, the Dockerfile and bench/run.ts start the service with the same memory settings', async (t) => {
  const start = JSON.parse(read('package.json')).scripts.start as string
  const docker = read('Dockerfile')
  const bench = read('bench/run.ts')
  t.match(start, /MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 dist\/src\/server\.js/)
  t.match(docker, /MALLOC_MMAP_THRESHOLD_=131072/)
  t.match(docker, /CMD \["node", "--max-semi-space-size=8", "dist\/src\/server\.js"\]/)
  t.match(bench, /SERVICE_NODE_FLAGS = \['--max-semi-space-size=8'\]/)
  t.match(bench, /MALLOC_MMAP_THRESHOLD_: '131072'/)
})

test('applyHeapSettings sets the growing factor, unless the command line gave one', async (t) => {
  t.equal(applyHeapSettings(['--heap-growing-percent=50']), false, 'a command-line value stands')
  t.equal(applyHeapSettings([]), true, 'else the service sets it')
})
