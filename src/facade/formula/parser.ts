/**
 * Recursive-descent parser for filter formulas: tokens (see `lexer.ts`) → syntax tree.
 *
 * Grammar (EBNF; keywords AND, OR, IN, NIN, true, false, null are case-insensitive; whitespace
 * is free between tokens):
 *
 *   formula    = expr EOF ;
 *   expr       = or ;
 *   or         = and { 'OR' and } ;
 *   and        = unary { 'AND' unary } ;                   (* AND binds tighter than OR *)
 *   unary      = '(' expr ')' | comparison ;
 *   comparison = field op value ;
 *   field      = identifier { '.' segment } ;             (* one token: no spaces around '.' *)
 *   identifier = ( letter | '_' ) { letter | digit | '_' } ;   (* not a bare keyword *)
 *   segment    = { letter | digit | '_' }- ;              (* e.g. ticket_attribute.123 *)
 *   op         = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~' | '^' | '$' | 'IN' | 'NIN' ;
 *   value      = scalar | list ;
 *   list       = '[' [ scalar { ',' scalar } ] ']' ;
 *   scalar     = string | number | 'true' | 'false' | 'null' ;
 *   string     = "'" { char | '\' ( "'" | '"' | '\' ) } "'"
 *              | '"' { char | '\' ( "'" | '"' | '\' ) } '"' ;
 *   number     = [ '-' ] digit { digit } [ '.' digit { digit } ] [ ( 'e' | 'E' ) [ '+' | '-' ] digit { digit } ] ;
 *
 * Which values suit which operator (IN/NIN need a list, `~` needs a string, ...) is checked by
 * `translate.ts`, not here. Parentheses leave no node: `(x)` parses as `x`, with the position of
 * its '('. Nesting of parentheses is capped at MAX_PARENTHESES.
 */
import { Lexer, describe, type Token } from './lexer.js'
import { FormulaError, KEYWORDS, MAX_PARENTHESES } from './model.js'

/** A literal as written; `pos` is its offset in the formula. */
export type ScalarNode =
  | { kind: 'string', value: string, pos: number }
  | { kind: 'number', value: number, pos: number }
  | { kind: 'boolean', value: boolean, pos: number }
  | { kind: 'null', value: null, pos: number }

export type ValueNode = ScalarNode | { kind: 'list', items: ScalarNode[], pos: number }

/** The operators a formula may use (Intercom's, plus `>=`/`<=` which `translate.ts` rewrites). */
export type FormulaOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~' | '^' | '$' | 'IN' | 'NIN'

export interface ComparisonNode {
  kind: 'comparison'
  field: string
  operator: FormulaOperator
  value: ValueNode
  /** Start of the comparison (or of the parentheses around it). */
  pos: number
  operatorPos: number
}

/** AND/OR with at least two operands; `pos` is the start of its text (or of its parentheses). */
export interface BooleanNode {
  kind: 'AND' | 'OR'
  items: SyntaxNode[]
  pos: number
}

export type SyntaxNode = ComparisonNode | BooleanNode

const OPERATOR_LIST = "=, !=, >, >=, <, <=, ~, !~, ^, $, IN or NIN"

/** Parse a formula into its syntax tree. @throws FormulaError (with the offending position) */
export function parseSyntax (input: string): SyntaxNode {
  return new Parser(input).formula()
}

function isKeyword (token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === keyword
}

class Parser {
  private readonly lexer: Lexer

  constructor (input: string) {
    this.lexer = new Lexer(input)
  }

  formula (): SyntaxNode {
    if (this.lexer.peek().kind === 'end') {
      throw new FormulaError('empty filter', 0, "expected a comparison such as role = 'user'")
    }
    const node = this.or(0)
    const rest = this.lexer.peek()
    if (rest.kind !== 'end') {
      throw this.unexpected(rest, rest.kind === ')' ? "expected AND, OR or end of input (unbalanced ')')" : 'expected AND, OR or end of input')
    }
    return node
  }

  private or (parens: number): SyntaxNode {
    return this.chain('OR', () => this.and(parens))
  }

  private and (parens: number): SyntaxNode {
    return this.chain('AND', () => this.unary(parens))
  }

  /** operand { keyword operand } — a lone operand is returned as is. */
  private chain (keyword: 'AND' | 'OR', operand: () => SyntaxNode): SyntaxNode {
    const first = operand()
    const items = [first]
    while (isKeyword(this.lexer.peek(), keyword.toLowerCase())) {
      this.lexer.next()
      items.push(operand())
    }
    return items.length === 1 ? first : { kind: keyword, items, pos: first.pos }
  }

  private unary (parens: number): SyntaxNode {
    const token = this.lexer.peek()
    if (token.kind !== '(') return this.comparison()
    if (parens >= MAX_PARENTHESES) {
      throw new FormulaError("too many '('", token.pos, `parentheses can be nested at most ${MAX_PARENTHESES} deep`)
    }
    this.lexer.next()
    const inner = this.or(parens + 1)
    const close = this.lexer.peek()
    if (close.kind !== ')') {
      throw this.unexpected(close, `expected ')' to close the '(' at position ${token.pos}`)
    }
    this.lexer.next()
    return { ...inner, pos: token.pos }
  }

  private comparison (): ComparisonNode {
    const field = this.lexer.next()
    if (field.kind !== 'word' || KEYWORDS.has(field.text.toLowerCase())) {
      throw this.unexpected(field, field.kind === 'word' ? 'expected a field (keywords are not field names)' : "expected a field or '('")
    }
    const op = this.lexer.next()
    let operator: FormulaOperator
    if (op.kind === 'op') {
      operator = op.text as FormulaOperator
    } else if (isKeyword(op, 'in') || isKeyword(op, 'nin')) {
      operator = op.text.toUpperCase() as 'IN' | 'NIN'
    } else {
      throw this.unexpected(op, `expected an operator (${OPERATOR_LIST})`)
    }
    const value = this.value()
    return { kind: 'comparison', field: field.text, operator, value, pos: field.pos, operatorPos: op.pos }
  }

  private value (): ValueNode {
    const token = this.lexer.peek()
    if (token.kind !== '[') return this.scalar('expected a value')
    this.lexer.next()
    const items: ScalarNode[] = []
    if (this.lexer.peek().kind === ']') {
      this.lexer.next()
      return { kind: 'list', items, pos: token.pos }
    }
    for (;;) {
      items.push(this.scalar('expected a list item (string, number, true, false or null)'))
      const sep = this.lexer.next()
      if (sep.kind === ']') return { kind: 'list', items, pos: token.pos }
      if (sep.kind !== ',') throw this.unexpected(sep, `expected ',' or ']' to close the '[' at position ${token.pos}`)
    }
  }

  private scalar (expected: string): ScalarNode {
    const token = this.lexer.next()
    switch (token.kind) {
      case 'string': return { kind: 'string', value: token.value, pos: token.pos }
      case 'number': return { kind: 'number', value: token.value, pos: token.pos }
      case 'word': {
        const word = token.text.toLowerCase()
        if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true', pos: token.pos }
        if (word === 'null') return { kind: 'null', value: null, pos: token.pos }
        throw this.unexpected(token, `${expected} (quote text: '${token.text}')`)
      }
      case '[': throw this.unexpected(token, `${expected}; lists cannot be nested`)
      default: throw this.unexpected(token, expected)
    }
  }

  private unexpected (token: Token, reason: string): FormulaError {
    return new FormulaError(`unexpected ${describe(token)}`, token.pos, reason)
  }
}
