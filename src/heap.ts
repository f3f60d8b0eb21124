/**
 * How V8 sizes this process's heap (issue 6: peak RSS <= 150 MB under the benchmark).
 *
 * After each full GC V8 lets the old generation grow to (live size x a factor) before the next one;
 * the factor is chosen from GC and allocation speed and reaches 2-4 under load, so a heap holding
 * ~22 MB after start-up climbed to 60-90 MB of mostly dead objects between full GCs. A factor of 2
 * (100 %) bounds that; 20 % bounded it more but cost ~60 % more CPU per search-150 request (many
 * more full GCs), see bench/README.md. It is read at every GC, so the service sets it itself at
 * start (`v8.setFlagsFromString`), however it is started.
 *
 * The young generation (two semi-spaces, 16 MB each by default on 64-bit) is sized when V8 starts
 * and cannot be changed from inside: `--max-semi-space-size=8` is on the command line where the
 * service is started (`npm start`, the Dockerfile's CMD, bench/run.ts). See bench/README.md.
 */
import v8 from 'node:v8'

/** Old-generation growing factor after a full GC, in percent over the live size. */
export const HEAP_GROWING_PERCENT = 100

/**
 * Apply the heap settings, unless `--heap-growing-percent` was given on the command line (then that
 * one stands, e.g. to A/B another value). Returns whether it set the flag.
 */
export function applyHeapSettings (execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return false
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
  return true
}
