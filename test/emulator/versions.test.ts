import { test } from 'tap'
import { HANDLER_TABLE, handlerMap } from '../../src/emulator/handlers/index.js'
import { emulatedVersion } from '../../src/emulator/pipeline.js'
import { operationVersions } from '../../src/intercom-spec/operation-index.js'
import { harness, isErrorList } from './helpers.js'

test('every handler serves an operation of at least one version\'s description (no typo, none unreachable)', async (t) => {
  const { versionsOf } = operationVersions()
  for (const { operationId } of HANDLER_TABLE) t.ok(versionsOf(operationId).length > 0, `${operationId} is in ${versionsOf(operationId).join(', ') || 'no description'}`)
  t.throws(() => handlerMap([...HANDLER_TABLE, HANDLER_TABLE[0]]), /two handlers for/)
})

test('the version a request is served as', async (t) => {
  t.equal(emulatedVersion(undefined), '2.16', 'no header: the newest')
  t.equal(emulatedVersion('2.14'), '2.14')
  t.equal(emulatedVersion('2.15'), '2.15')
  t.equal(emulatedVersion('Unstable'), '2.16')
  t.equal(emulatedVersion('2.11'), '2.14', 'an older version Intercom has: the oldest description')
  t.equal(emulatedVersion('9.99'), undefined)
  t.equal(emulatedVersion('banana'), undefined)
})

test('each request is routed and validated against its Intercom-Version\'s description', async (t) => {
  const { call, emulator } = await harness(t, { seed: true }, null)
  const brands16 = await call('GET', '/brands')
  t.equal(brands16.status, 200, 'no header: 2.16, which has listBrands')
  t.equal(emulator.requests.at(-1)?.operationId, 'listBrands')
  const brands14 = await call('GET', '/brands', undefined, { headers: { 'intercom-version': '2.14' } })
  t.equal(brands14.status, 404, '2.14 has no /brands')
  t.ok(isErrorList(brands14.body, 'not_found'))
  t.equal(emulator.requests.at(-1)?.operationId, undefined)
  const bad = await call('GET', '/me', undefined, { headers: { 'intercom-version': '9.99' } })
  t.equal(bad.status, 400)
  t.ok(isErrorList(bad.body, 'intercom_version_invalid'))
})
