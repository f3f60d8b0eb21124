/**
 * Topic patterns of subscriptions and queries: an Intercom topic (`contact.user.created`), where
 * `*` matches any run of characters (`conversation.*`, `*.created`, `*`).
 */

/** A predicate true for topics that match any of `patterns`. */
export function topicMatcher (patterns: string[]): (topic: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*')))
  const globs = patterns.filter((p) => p.includes('*'))
    .map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`))
  return (topic) => exact.has(topic) || globs.some((re) => re.test(topic))
}
