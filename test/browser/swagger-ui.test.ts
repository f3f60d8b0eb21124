/**
 * Swagger UI in a real browser: Debian's headless Chromium (installed by `npm test` with apt when
 * missing, scripts/system-deps.ts), driven by playwright-core (./swagger-ui-driver.ts). The app runs on a loopback port over the seeded emulator
 * (as in sandbox mode) with an API key required; the test authorises with Swagger UI's "Authorize"
 * button, expands POST /contacts/upsert, runs "Try it out" with the example body, and checks the
 * 200 answer the page shows. A screenshot is saved under test/artifacts/ (git-ignored).
 */
import { t as tap, test } from 'tap'
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from '../helper.js'
import { openSwaggerUi, tryItOut } from './swagger-ui-driver.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

const API_KEY = 'browser-test-key-0123456789'
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))
export const SCREENSHOT = `${ARTIFACTS}swagger-ui-upsert.png`

test('Swagger UI: Authorize, then POST /contacts/upsert "Try it out" with the example answers 200 on the page', async (t) => {
  const { app, emulator } = await build(t, { emulator: { seed: true }, env: { API_KEYS: API_KEY } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const page = await openSwaggerUi(t, `http://127.0.0.1:${port}/docs/`)
  if (page === undefined) return

  // Authorize with the API key (bearerAuth).
  await page.locator('button.authorize').first().click()
  const bearer = page.locator('.auth-container').filter({ hasText: 'bearerAuth' })
  await bearer.locator('input').fill(API_KEY)
  await bearer.locator('button.authorize').click()
  await page.locator('button.btn-done').first().click()

  const shown = await tryItOut(page, 'contacts-upsertContact')
  t.match(JSON.parse(shown.example), { external_id: 'user-1001', email: 'ada@example.com' }, 'the body is prefilled with the example')
  t.equal(shown.status, '200', 'the page shows the 200 answer')
  t.match(JSON.parse(shown.body), { action: /^(created|updated)$/, contact: { type: 'contact', external_id: 'user-1001' } }, 'and the upsert result')
  t.match(shown.curl, /Authorization: Bearer browser-test-key/, 'the request carried the key from Authorize')

  mkdirSync(ARTIFACTS, { recursive: true })
  // The viewport around the live answer: the request body, the curl line and the 200 response.
  await page.locator('#operations-contacts-upsertContact .live-responses-table').first().evaluate((el) => el.scrollIntoView({ block: 'center' }))
  await page.screenshot({ path: SCREENSHOT })
  t.ok(existsSync(SCREENSHOT), `screenshot saved: ${SCREENSHOT}`)
  t.ok(emulator.requests.some((r) => r.operationId === 'CreateContact' || r.operationId === 'UpdateContact'), 'the upsert reached the emulator')
  t.comment(`browser screenshot: test/artifacts/swagger-ui-upsert.png`)
})
