/**
 * json-body: the JSON body parser, hardened against hostile input. It replaces Fastify's own
 * `application/json` parser (same secure-json-parse, `__proto__`/`constructor` poisoning refused) and:
 * - refuses bodies nested deeper than JSON_MAX_DEPTH (objects and arrays; default 32) with 400,
 *   measured by one linear scan of the raw text *before* parsing, so a `[[[[…` bomb costs no
 *   recursion and never reaches the validator;
 * - answers an empty or malformed body with a 400 problem naming the field `body`.
 * The body size limit stays Fastify's (BODY_LIMIT_BYTES → 413); other content types get 415. Only
 * the facade routes use this parser: the passthrough `/intercom/*` streams bodies untouched.
 */
import fp from 'fastify-plugin'
import { InvalidInputError } from '../errors.js'

/** Options: `maxDepth`, the deepest nesting accepted (1 = a flat object or array). */
export interface JsonBodyOptions { maxDepth: number }

const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * The deepest nesting of objects/arrays in a JSON text, stopping as soon as it passes `limit`
 * (then it answers `limit + 1`). Brackets inside strings do not count. The text need not be valid
 * JSON; the parser judges that afterwards.
 */
export function jsonDepth (text: string, limit = Infinity): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
      continue
    }
    if (c === QUOTE) inString = true
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++
      if (depth > max) {
        max = depth
        if (max > limit) return max
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--
  }
  return max
}

export default fp<JsonBodyOptions>(async function jsonBody (fastify, opts) {
  const parse = fastify.getDefaultJsonParser('error', 'error')
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, function (request, body, done) {
    const text = body as string
    if (text.length === 0) {
      done(new InvalidInputError([{ field: 'body', message: 'is empty; send a JSON value' }]), undefined)
      return
    }
    if (jsonDepth(text, opts.maxDepth) > opts.maxDepth) {
      done(new InvalidInputError([{ field: 'body', message: `is nested deeper than ${opts.maxDepth} levels` }]), undefined)
      return
    }
    parse(request, text, function (err, value) {
      if (err) done(new InvalidInputError([{ field: 'body', message: 'is not valid JSON' }]), undefined)
      else done(null, value)
    })
  })
}, { name: 'json-body' })
