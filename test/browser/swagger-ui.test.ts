/**
 * Swagger UI in a real browser: Debian's headless Chromium (installed by `npm test` with apt when
 * missing, scripts/system-deps.ts), driven by playwright-core. The app runs on a loopback port over the seeded emulator
 * (as in sandbox mode) with an API key required; the test authorises with Swagger UI's "Authorize"
 * button, expands POST /contacts/upsert, runs "Try it out" with the example body, and checks the
 * 200 answer the page shows. A screenshot is saved under test/artifacts/ (git-ignored).
 */
import { t as tap, test } from 'tap'
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { build } from '../helper.js'
import { locate, TOOLS } from '../../scripts/system-deps.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

const CHROMIUM = locate(TOOLS.chromium)
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const API_KEY = 'browser-test-key-0123456789'
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))
export const SCREENSHOT = `${ARTIFACTS}swagger-ui-upsert.png`

test('Swagger UI: Authorize, then POST /contacts/upsert "Try it out" with the example answers 200 on the page', async (t) => {
  if (CHROMIUM === undefined) {
    t.fail(`Chromium is not installed: ${TOOLS.chromium.install}`)
    return
  }
  const { app, emulator } = await build(t, { emulator: { seed: true }, env: { API_KEYS: API_KEY } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } })
  page.setDefaultTimeout(30_000)
  await page.goto(`http://127.0.0.1:${port}/docs/`)

  // Authorize with the API key (bearerAuth).
  await page.locator('button.authorize').first().click()
  const bearer = page.locator('.auth-container').filter({ hasText: 'bearerAuth' })
  await bearer.locator('input').fill(API_KEY)
  await bearer.locator('button.authorize').click()
  await page.locator('button.btn-done').first().click()

  const op = page.locator('#operations-contacts-upsertContact')
  await op.locator('.opblock-summary').click()
  await op.locator('button.try-out__btn').click()
  const example = await op.locator('textarea.body-param__text').inputValue()
  t.match(JSON.parse(example), { external_id: 'user-1001', email: 'ada@example.com' }, 'the body is prefilled with the example')
  await op.locator('button.execute').click()

  const status = op.locator('.live-responses-table .response .response-col_status').first()
  await status.waitFor()
  t.equal((await status.innerText()).trim(), '200', 'the page shows the 200 answer')
  const shown = await op.locator('.live-responses-table .response-col_description pre').first().innerText()
  t.match(JSON.parse(shown), { action: /^(created|updated)$/, contact: { type: 'contact', external_id: 'user-1001' } }, 'and the upsert result')
  const curl = await op.locator('.curl-command').innerText()
  t.match(curl, /Authorization: Bearer browser-test-key/, 'the request carried the key from Authorize')

  mkdirSync(ARTIFACTS, { recursive: true })
  // The viewport around the live answer: the request body, the curl line and the 200 response.
  await op.locator('.live-responses-table').first().evaluate((el) => el.scrollIntoView({ block: 'center' }))
  await page.screenshot({ path: SCREENSHOT })
  t.ok(existsSync(SCREENSHOT), `screenshot saved: ${SCREENSHOT}`)
  t.ok(emulator.requests.some((r) => r.operationId === 'CreateContact' || r.operationId === 'UpdateContact'), 'the upsert reached the emulator')
  t.comment(`browser screenshot: test/artifacts/swagger-ui-upsert.png`)
})
