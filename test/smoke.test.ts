import { test } from 'tap'
test('tap runs TypeScript through tsx', async (t) => {
  const n: number = 1 + 1
  t.equal(n, 2)
})
