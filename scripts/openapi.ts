/**
 * `npm run openapi` writes the OpenAPI document generated from the routes to ./openapi.yaml;
 * `npm run openapi:check` exits 1 when the committed file is out of step with the routes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateOpenApiYaml } from '../src/openapi-document.js'

const target = fileURLToPath(new URL('../openapi.yaml', import.meta.url))
const mode = process.argv[2]
const doc = await generateOpenApiYaml()
if (mode === 'write') {
  writeFileSync(target, doc)
  console.log(`wrote ${target}`)
} else if (mode === 'check') {
  let committed = ''
  try { committed = readFileSync(target, 'utf8') } catch { /* missing counts as stale */ }
  if (committed !== doc) {
    console.error('openapi.yaml is out of step with the routes: run `npm run openapi` and commit it')
    process.exit(1)
  }
  console.log('openapi.yaml is in step with the routes')
} else {
  console.error('usage: openapi.ts write|check')
  process.exit(2)
}
