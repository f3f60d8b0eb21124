/**
 * Tokenizer for filter formulas. Tokens are produced on demand (`peek`/`next`), so the first
 * error reported is the leftmost one, whether lexical or syntactic.
 *
 * Lexical rules (whitespace between tokens is free):
 *   word    = [A-Za-z_][A-Za-z0-9_]* ( '.' [A-Za-z0-9_]+ )*      fields and keywords
 *   number  = '-'? digit+ ( '.' digit+ )? ( [eE] [+-]? digit+ )?
 *   string  = "'" ( char | '\' ( "'" | '"' | '\' ) )* "'"  |  the same with '"'
 *   op      = '!=' | '!~' | '>=' | '<=' | '=' | '>' | '<' | '~' | '^' | '$'
 *   punct   = '(' | ')' | '[' | ']' | ','
 */
import { FormulaError } from './model.js'

export type Token =
  | { kind: 'word', text: string, pos: number }
  | { kind: 'string', value: string, text: string, pos: number }
  | { kind: 'number', value: number, text: string, pos: number }
  | { kind: 'op', text: string, pos: number }
  | { kind: '(' | ')' | '[' | ']' | ',', text: string, pos: number }
  | { kind: 'end', text: '', pos: number }

const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/y
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const WHITESPACE = /\s*/y
const OPERATORS = ['!=', '!~', '>=', '<=', '=', '>', '<', '~', '^', '$']
const PUNCTUATION = new Set(['(', ')', '[', ']', ','])
const ESCAPABLE = new Set(['\\', "'", '"'])

/** Human description of a token for error messages: `')'`, `string 'ab'`, `end of input`. */
export function describe (token: Token): string {
  if (token.kind === 'end') return 'end of input'
  const text = token.text.length > 24 ? `${token.text.slice(0, 24)}…` : token.text
  if (token.kind === 'string') return `string ${text}`
  if (token.kind === 'number') return `number ${text}`
  return `'${text}'`
}

export class Lexer {
  private offset = 0
  private lookahead: Token | undefined

  constructor (private readonly input: string) {}

  /** The next token, without consuming it. @throws FormulaError on malformed text */
  peek (): Token {
    this.lookahead ??= this.scan()
    return this.lookahead
  }

  /** Consume and return the next token. @throws FormulaError on malformed text */
  next (): Token {
    const token = this.peek()
    this.lookahead = undefined
    return token
  }

  private scan (): Token {
    const input = this.input
    WHITESPACE.lastIndex = this.offset
    WHITESPACE.exec(input)
    const pos = WHITESPACE.lastIndex
    this.offset = pos
    if (pos >= input.length) return { kind: 'end', text: '', pos }
    const ch = input[pos]

    if (ch === "'" || ch === '"') return this.string(pos, ch)

    if (PUNCTUATION.has(ch)) {
      this.offset = pos + 1
      return { kind: ch as '(' | ')' | '[' | ']' | ',', text: ch, pos }
    }

    NUMBER.lastIndex = pos
    const number = NUMBER.exec(input)
    if (number !== null) {
      const text = number[0]
      const after = input[pos + text.length]
      if (after !== undefined && /[A-Za-z0-9_.]/.test(after)) {
        throw new FormulaError(`invalid number '${input.slice(pos, pos + text.length + 1)}'`, pos,
          'a number is digits with an optional sign, fraction and exponent, e.g. -12.5e3')
      }
      const value = Number(text)
      if (!Number.isFinite(value)) throw new FormulaError(`number ${text}`, pos, 'number is out of range')
      this.offset = pos + text.length
      return { kind: 'number', value: value === 0 ? 0 : value, text, pos } // -0 → 0
    }

    WORD.lastIndex = pos
    const word = WORD.exec(input)
    if (word !== null) {
      const text = word[0]
      const end = pos + text.length
      if (input[end] === '.') {
        throw new FormulaError(`incomplete field '${text}.'`, end, "expected a name after '.'")
      }
      this.offset = end
      return { kind: 'word', text, pos }
    }

    for (const op of OPERATORS) {
      if (input.startsWith(op, pos)) {
        this.offset = pos + op.length
        return { kind: 'op', text: op, pos }
      }
    }

    if (ch === '!') throw new FormulaError("unexpected '!'", pos, "expected '!=' or '!~'")
    const char = String.fromCodePoint(input.codePointAt(pos) ?? 0)
    const shown = /[\p{L}\p{N}\p{P}\p{S}]/u.test(char) ? `'${char}'` : `character U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
    throw new FormulaError(`unexpected ${shown}`, pos, 'not part of the filter syntax (quote text values)')
  }

  private string (pos: number, quote: string): Token {
    const input = this.input
    let value = ''
    let i = pos + 1
    while (i < input.length) {
      const ch = input[i]
      if (ch === quote) {
        this.offset = i + 1
        return { kind: 'string', value, text: input.slice(pos, i + 1), pos }
      }
      if (ch === '\\') {
        const escaped = input[i + 1]
        if (escaped === undefined) break
        if (!ESCAPABLE.has(escaped)) {
          throw new FormulaError(`invalid escape '\\${escaped}'`, i, "only \\', \\\" and \\\\ are escapes")
        }
        value += escaped
        i += 2
        continue
      }
      value += ch
      i += 1
    }
    throw new FormulaError('unterminated string', pos, `expected a closing ${quote}`)
  }
}
