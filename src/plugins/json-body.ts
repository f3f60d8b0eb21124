/**
 * json-body: the JSON body parser, hardened against hostile input. It replaces Fastify's own
 * `application/json` parser (same secure-json-parse, `__proto__`/`constructor` poisoning refused) and:
 * - refuses bodies nested deeper than JSON_MAX_DEPTH (objects and arrays; default 32) with 400,
 *   measured by one linear scan of the raw text *before* parsing, so a `[[[[…` bomb costs no
 *   recursion and never reaches the validator;
 * - answers an empty or malformed body with a 400 problem naming the field `body`;
 * - refuses a number JSON cannot carry (`1e309`, which parses as `Infinity` and would reach
 *   Intercom as `null`) anywhere in the body, typed field or free-form object, with a 400 naming
 *   the field; the walk runs only when the text holds a literal that could overflow;
 * - removes Fastify's `text/plain` parser: the facade takes JSON only, anything else is 415.
 * The body size limit is Fastify's (BODY_LIMIT_BYTES → 413). The passthrough `/intercom/*` streams
 * bodies untouched with its own parser, so a `preParsing` hook applies the same limit there: a
 * `Content-Length` over the limit is a 413 before anything is sent, and a chunked body is cut off
 * (the upstream request aborted) once it passes the limit.
 */
import { Transform } from 'node:stream'
import fp from 'fastify-plugin'
import { errorCodes } from 'fastify'
import { InvalidInputError } from '../errors.js'

/** Options: `maxDepth`, the deepest nesting accepted (1 = a flat object or array); `bodyLimitBytes`. */
export interface JsonBodyOptions { maxDepth: number, bodyLimitBytes: number }

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

/** A number literal that may overflow a double: an exponent of 100 or more, or 309+ digits. */
const MAYBE_HUGE = /[eE]\+?0*[1-9]\d{2}|\d{309}/

/** The path (`body.a.0.b`) of the first non-finite number in `value`, or undefined. */
export function nonFinitePath (value: unknown, path = 'body'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, v] of Object.entries(value)) {
    const found = nonFinitePath(v, `${path}.${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** A pass-through stream that fails with 413 once more than `limit` bytes went through. */
function limitStream (limit: number): Transform {
  let seen = 0
  return new Transform({
    transform (chunk: Buffer, _encoding, callback) {
      seen += chunk.length
      if (seen > limit) callback(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
      else callback(null, chunk)
    }
  })
}

export default fp<JsonBodyOptions>(async function jsonBody (fastify, opts) {
  fastify.removeContentTypeParser('text/plain')

  fastify.addHook('preParsing', function (request, _reply, payload, done) {
    const length = request.headers['content-length']
    if (length !== undefined) {
      done(Number(length) > opts.bodyLimitBytes ? new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE() : null, payload)
      return
    }
    if (request.headers['transfer-encoding'] === undefined) {
      done(null, payload)
      return
    }
    const limited = limitStream(opts.bodyLimitBytes)
    payload.on('error', (err) => limited.destroy(err))
    done(null, payload.pipe(limited))
  })

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
      if (err) {
        done(new InvalidInputError([{ field: 'body', message: 'is not valid JSON' }]), undefined)
        return
      }
      const huge = MAYBE_HUGE.test(text) ? nonFinitePath(value) : undefined
      if (huge !== undefined) done(new InvalidInputError([{ field: huge, message: 'must be a finite number (this one is too large for JSON to carry)' }]), undefined)
      else done(null, value)
    })
  })
}, { name: 'json-body' })
