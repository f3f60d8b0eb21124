/**
 * Driving Swagger UI in Debian's headless Chromium (playwright-core), for the browser tests:
 * `openSwaggerUi(t, url)` launches Chromium (closed in teardown) and opens the page, or fails the
 * test saying how to install Chromium; `tryItOut(page, id)` expands an operation, runs "Try it out"
 * with its prefilled example and answers the status and body the page shows.
 */
import { chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { locate, TOOLS } from '../../scripts/system-deps.js'

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** Chromium on `url` (1280 x 1400, 30 s per step), or undefined after failing `t` when Chromium is missing. */
export async function openSwaggerUi (t: Test, url: string): Promise<Page | undefined> {
  const executablePath = locate(TOOLS.chromium)
  if (executablePath === undefined) {
    t.fail(`Chromium is not installed: ${TOOLS.chromium.install}`)
    return undefined
  }
  const browser = await chromium.launch({ executablePath, args: FLAGS, timeout: 60_000 })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } })
  page.setDefaultTimeout(30_000)
  await page.goto(url)
  return page
}

/**
 * Expand operation `operationDomId` (`contacts-upsertContact`), press "Try it out", read the prefilled
 * example body, press Execute, and answer what the page shows: status, the body as text, the curl line.
 */
export async function tryItOut (page: Page, operationDomId: string): Promise<{ example: string, status: string, body: string, curl: string }> {
  const op = page.locator(`#operations-${operationDomId}`)
  await op.locator('.opblock-summary').click()
  await op.locator('button.try-out__btn').click()
  const example = await op.locator('textarea.body-param__text').inputValue()
  await op.locator('button.execute').click()
  const status = op.locator('.live-responses-table .response .response-col_status').first()
  await status.waitFor()
  return {
    example,
    status: (await status.innerText()).trim(),
    body: await op.locator('.live-responses-table .response-col_description pre').first().innerText(),
    curl: await op.locator('.curl-command').innerText()
  }
}
