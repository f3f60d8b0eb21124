/**
 * ISO 8601 dates in formula strings → Unix seconds, which is how Intercom's search takes dates
 * ("Date (UNIX Timestamp)" in the accepted-fields tables of the search operations).
 */

/**
 * Accepted shapes: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with an optional zone
 * `Z` or `±HH:MM`. Anything else (week dates, ordinal dates, a space for `T`, ...) is not a
 * date and stays a string.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * The Unix time in whole seconds (rounded down) of a full ISO 8601 date or date-time, or
 * `undefined` if `text` is not one. Without a zone the time is UTC. The text must match the
 * shapes above, name a real calendar instant (no 2024-02-30, no 24:00) and be accepted by
 * `Date.parse` to the same instant.
 */
export function isoToUnixSeconds (text: string): number | undefined {
  const m = ISO_DATE.exec(text)
  if (m === null) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3))

  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day) // setUTCFullYear: years 0–99 are not shifted to 19xx
  date.setUTCHours(hour, minute, second, millis)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day ||
      date.getUTCHours() !== hour || date.getUTCMinutes() !== minute || date.getUTCSeconds() !== second) {
    return undefined // out-of-range component, rolled over by Date
  }
  let offsetMinutes = 0
  if (zone !== 'Z') {
    const zh = Number(zone.slice(1, 3))
    const zm = Number(zone.slice(4, 6))
    if (zh > 23 || zm > 59) return undefined
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm)
  }
  const ms = date.getTime() - offsetMinutes * 60_000

  // Cross-check with the platform's parser, on a normalised text (Date.parse would read a
  // zone-less date-time as local time, and its handling of long fractions varies).
  const normalised = `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(millis).padStart(3, '0')}${zone}`
  if (Date.parse(normalised) !== ms) return undefined
  return Math.floor(ms / 1000)
}
