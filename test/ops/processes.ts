/**
 * Real servers for the ops tests (Prometheus, HAProxy): `startProcess(t, ...)` spawns a program,
 * keeps its output for failure messages, and kills it in teardown; `waitFor` polls a condition.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'

export interface Started { child: ChildProcess, output: () => string }

/** Spawn `bin args`; its stdout and stderr are kept (last 64 KB); SIGKILLed in `t.teardown`. */
export function startProcess (t: Test, bin: string, args: string[]): Started {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const keep = (chunk: Buffer): void => { out = (out + chunk.toString()).slice(-65_536) }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => { resolve() })
      child.kill('SIGKILL')
    })
  })
  return { child, output: () => out }
}

/**
 * Poll `check` every `everyMs` until it answers a value other than undefined; throws after
 * `timeoutMs` with `what` and the last error `check` threw.
 */
export async function waitFor<T> (what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await check()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? `: ${(last as Error).message}` : ''}`)
    await sleep(everyMs)
  }
}
