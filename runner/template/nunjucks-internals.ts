// Typed view of the nunjucks internals we build on (compiler, parser nodes, Template from compiled code).
// @types/nunjucks only describes the public API; we need the compiler to make lookups strict and
// Python-like, so the few internal shapes we touch are declared here, in one place.
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';

/** A parsed template node. Only the fields our compiler reads are declared. */
export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  value?: unknown;
  target?: NjNode;
  val?: NjNode;
  name?: NjNode;
  args?: NjNode;
  left?: NjNode;
  right?: NjNode;
  expr?: NjNode;
  ops?: NjNode[];
  type?: string;
  cond?: NjNode;
  body?: NjNode;
  else_?: NjNode | null;
  children?: NjNode[];
  arr?: NjNode;
  key?: NjNode;
  /** A dict literal's key, evaluated as an expression as Jinja2 does (not a keyword argument's name). */
  osmExpressionKey?: boolean;
  /** Set by our guard pass: a missing name/attribute here yields undefined instead of an error. */
  osmGuarded?: boolean;
}

export interface NjFrame {
  lookup(name: string): string | undefined;
}

/** The methods of nunjucks' Compiler that our subclass calls or overrides. */
export interface NjCompiler {
  _emit(code: string): void;
  _emitLine(code: string): void;
  _compileExpression(node: NjNode, frame: NjFrame): void;
  _compileAggregate(node: NjNode, frame: NjFrame, start?: string, end?: string): void;
  _withScopedSyntax(fn: () => void): void;
  compile(node: NjNode, frame?: NjFrame): void;
  compileLiteral(node: NjNode, frame: NjFrame): void;
  compilePair(node: NjNode, frame: NjFrame): void;
  getCode(): string;
  buffer: string;
  templateName: string;
}

export type NjCompilerCtor = new (name: string, throwOnUndefined: boolean) => NjCompiler;

interface NjParser {
  peekToken(): { type: string; lineno: number; colno: number };
  nextToken(): { type: string; lineno: number; colno: number };
  skip(type: string): boolean;
  skipSymbol(name: string): boolean;
  fail(msg: string, lineno?: number, colno?: number): never;
  parseExpression(): NjNode;
  parseOr(): NjNode;
  parseInlineIf(): NjNode;
  parseAggregate(): NjNode | null;
}

interface NjInternals {
  compiler: { Compiler: NjCompilerCtor };
  parser: { parse(src: string, extensions: unknown[], opts: object): NjNode; Parser: { prototype: NjParser } };
  nodes: Record<'TemplateData' | 'Filter' | 'Symbol' | 'NodeList' | 'InlineIf' | 'Dict' | 'Pair', new (...a: unknown[]) => NjNode>;
}

const internals = nunjucks as unknown as NjInternals;

// nunjucks' Jinja compatibility layer teaches its parser Python slices (`x[1:]`, `s[::-1]`). It patches
// nunjucks' shared prototypes, which is fine: this engine is the only nunjucks user in the process.
// (Its runtime lookups are also patched, but our compiled code does not call them.)
const compat = globalThis as { __osmNunjucksCompat?: boolean };
if (!compat.__osmNunjucksCompat) {
  teachJinjaGrammar(internals.parser.Parser.prototype);
  nunjucks.installJinjaCompat();
  compat.__osmNunjucksCompat = true;
}

/**
 * Two grammar points where nunjucks' parser is narrower than Jinja2's: the `else` branch of an inline
 * if is itself an inline if (`a if c else b if d else e`), and a dict key is any expression
 * (`{ item.name: item.value }` uses the value of `item.name`). Patched before installJinjaCompat,
 * which wraps parseAggregate for slices and must see this version.
 */
function teachJinjaGrammar(proto: NjParser): void {
  const lexer = createRequire(import.meta.url)('nunjucks/src/lexer.js') as Record<string, string>;
  const { InlineIf, Dict, Pair } = internals.nodes;
  proto.parseInlineIf = function parseInlineIf(this: NjParser): NjNode {
    const body = this.parseOr();
    if (!this.skipSymbol('if')) return body;
    const node = new InlineIf(body.lineno, body.colno);
    node.body = body;
    node.cond = this.parseOr();
    node.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
    return node;
  };
  const parseAggregate = proto.parseAggregate;
  proto.parseAggregate = function parseDictOrOther(this: NjParser): NjNode | null {
    if (this.peekToken().type !== lexer.TOKEN_LEFT_CURLY) return parseAggregate.call(this);
    const open = this.nextToken();
    const dict = new Dict(open.lineno, open.colno);
    for (;;) {
      if (this.skip(lexer.TOKEN_RIGHT_CURLY)) return dict;
      if (dict.children!.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail('expected comma after a dict entry', open.lineno, open.colno);
      if (this.skip(lexer.TOKEN_RIGHT_CURLY)) return dict;
      const key = this.parseExpression();
      if (!this.skip(lexer.TOKEN_COLON)) this.fail('expected colon after dict key', open.lineno, open.colno);
      const pair = new Pair(key.lineno, key.colno, key, this.parseExpression());
      pair.osmExpressionKey = true;
      (dict as unknown as { addChild(n: NjNode): void }).addChild(pair);
    }
  };
}

/** A `value | name` node, for rewriting the AST before compiling. */
export function filterNode(at: NjNode, name: string, value: NjNode): NjNode {
  const { Filter, Symbol: Sym, NodeList } = internals.nodes;
  return new Filter(at.lineno, at.colno, new Sym(at.lineno, at.colno, name), new NodeList(at.lineno, at.colno, [value]));
}

export const BaseCompiler: NjCompilerCtor = internals.compiler.Compiler;
const transformer = createRequire(import.meta.url)('nunjucks/src/transformer.js') as { transform(ast: NjNode, asyncFilters: string[], name: string): NjNode };

/**
 * Parses a template into nunjucks' AST, after nunjucks' own transform pass (super(), async lifting).
 * trimBlocks as Ansible sets it: the newline after a block tag (`{% if %}`) is dropped.
 */
export const parseTemplate = (src: string, name: string, ws: Whitespace = { trimBlocks: true, lstripBlocks: false }): NjNode =>
  transformer.transform(internals.parser.parse(src, [], ws), [], name);

/** Jinja2's whitespace control, which a `#jinja2:` header line may change per template. */
export interface Whitespace {
  trimBlocks: boolean;
  lstripBlocks: boolean;
}

/** What `new Function(compiledSource)()` returns: the root render function and blocks. */
export type CompiledProps = Record<string, unknown>;

/** A nunjucks Template built from already compiled code (our compiler's output). */
export function templateFromCode(props: CompiledProps, env: nunjucks.Environment, path: string): nunjucks.Template {
  const Ctor = nunjucks.Template as unknown as new (src: { type: 'code'; obj: CompiledProps }, env: nunjucks.Environment, path: string) => nunjucks.Template;
  return new Ctor({ type: 'code', obj: props }, env, path);
}
