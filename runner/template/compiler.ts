// nunjucks' compiler with Jinja2/Ansible semantics: a missing variable or attribute is an error naming
// it (unless under `default`, `mandatory` or `is defined`), operators follow Python (truthiness, ==,
// chained comparisons, `in`, `~`), and `{{ x }}` writes Python's str(x) with None as ''.
import { prepareSource, type VarStringMode } from './braces.js';
import { BaseCompiler, filterNode, parseTemplate, type CompiledProps, type NjFrame, type NjNode, type Whitespace } from './nunjucks-internals.js';

/** Filters and tests whose operand may be undefined without an error. */
const GUARDING_FILTERS = new Set(['default', 'd', 'mandatory']);
const GUARDING_TESTS = new Set(['defined', 'undefined']);
const PY_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null', true: 'true', false: 'false', none: 'null' };

const q = (s: string): string => JSON.stringify(s);

/** Filters and tests may be written with their collection name (`ansible.builtin.to_json`). */
const shortName = (name: string): string => name.replace(/^(ansible\.(builtin|netcommon|utils|legacy)|community\.general)\./, '');

function isNode(v: unknown): v is NjNode {
  return typeof v === 'object' && v !== null && typeof (v as { typename?: unknown }).typename === 'string';
}

/** Marks a name and its attribute chain (`a.b.c`) as allowed to be undefined. */
function guard(node: NjNode | undefined): void {
  for (let n = node; n && (n.typename === 'Symbol' || n.typename === 'LookupVal'); n = n.target) n.osmGuarded = true;
}

/** `defined` or `ansible.builtin.defined` as written after `is`. */
function dottedName(node: NjNode | undefined): string | undefined {
  if (node?.typename === 'Symbol') return String(node.value);
  if (node?.typename === 'LookupVal' && node.val?.typename === 'Literal') {
    const base = dottedName(node.target);
    return base === undefined ? undefined : `${base}.${String(node.val.value)}`;
  }
  return undefined;
}

function testName(right: NjNode | undefined): string | undefined {
  if (!right) return undefined;
  if (right.typename === 'Symbol' || right.typename === 'LookupVal') return dottedName(right);
  // `none`, `true` and `false` are literals to the lexer, but also test names.
  if (right.typename === 'Literal' && (right.value === null || typeof right.value === 'boolean')) return String(right.value ?? 'none');
  if (right.typename === 'FunCall') return dottedName(right.name);
  return undefined;
}

/** The AST pass before compiling: guards (see above), and `for x in mapping` iterating its keys. */
function markGuards(node: NjNode): void {
  if (node.typename === 'For' && node.name?.typename === 'Symbol' && node.arr) node.arr = filterNode(node.arr, '__osm_iter', node.arr);
  if (node.typename === 'Filter' && GUARDING_FILTERS.has(shortName(String(node.name?.value)))) guard(node.args?.children?.[0]);
  if (node.typename === 'Is' && GUARDING_TESTS.has(shortName(testName(node.right) ?? ''))) guard(node.left);
  for (const v of Object.values(node)) {
    if (isNode(v)) markGuards(v);
    else if (Array.isArray(v)) for (const c of v) if (isNode(c)) markGuards(c);
  }
}

/** `a.b['c d']` as written, for messages. */
export function pathOf(node: NjNode | undefined): string {
  if (!node) return '<expression>';
  if (node.typename === 'Symbol') return String(node.value);
  if (node.typename === 'LookupVal') {
    const key = node.val?.typename === 'Literal' ? node.val.value : undefined;
    const base = pathOf(node.target);
    if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${base}.${key}`;
    if (typeof key === 'string' || typeof key === 'number') return `${base}[${JSON.stringify(key)}]`;
    return `${base}[...]`;
  }
  return '<expression>';
}

class StrictCompiler extends BaseCompiler {
  compileSymbol(node: NjNode, frame: NjFrame): void {
    const name = String(node.value);
    const local = frame.lookup(name);
    if (local) return this._emit(local);
    if (Object.prototype.hasOwnProperty.call(PY_LITERALS, name)) return this._emit(PY_LITERALS[name]);
    this._emit(`env.osm.lookup(context, frame, ${q(name)}, ${this.where(node)}, ${node.osmGuarded === true})`);
  }

  compileLookupVal(node: NjNode, frame: NjFrame): void {
    if (node.val?.typename === 'Slice') {
      this._emit('env.osm.slice((');
      this._compileExpression(node.target as NjNode, frame);
      this._emit('), ');
      this.compile(node.val, frame);
      this._emit(')');
      return;
    }
    this._emit('env.osm.member((');
    this._compileExpression(node.target as NjNode, frame);
    this._emit('),');
    this._compileExpression(node.val as NjNode, frame);
    this._emit(`, ${q(pathOf(node))}, ${this.where(node)}, ${node.osmGuarded === true})`);
  }

  compileOutput(node: NjNode, frame: NjFrame): void {
    for (const child of node.children ?? []) {
      if (child.typename === 'TemplateData') {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(child, frame);
          this._emitLine(';');
        }
      } else {
        this._emit(`${this.buffer} += env.osm.finalize(`);
        this.compile(child, frame);
        this._emitLine(');');
      }
    }
  }

  /** `x | mandatory` needs the operand's name for its message, which only the compiler knows. */
  compileFilter(node: NjNode, frame: NjFrame): void {
    const name = shortName(String(node.name?.value));
    const args = node.args?.children ?? [];
    if (name !== 'mandatory') {
      this._emit(`env.osm.filter(${q(name)}, context, ${this.where(node)}, `);
      this._compileAggregate(node.args as NjNode, frame, '[', ']');
      this._emit(')');
      return;
    }
    this._emit('env.osm.mandatory(');
    this.compile(args[0], frame);
    this._emit(`, ${q(pathOf(args[0]))}, ${this.where(node)}, `);
    if (args[1]) this.compile(args[1], frame);
    else this._emit('undefined');
    this._emit(')');
  }

  /** Jinja2 dict literals evaluate their keys; keyword arguments (also pairs) keep names as written. */
  override compilePair(node: NjNode, frame: NjFrame): void {
    if (!node.osmExpressionKey) return super.compilePair(node, frame);
    this._emit('[env.osm.dictKey(');
    this._compileExpression(node.key as NjNode, frame);
    this._emit(')]: ');
    this._compileExpression(node.value as NjNode, frame);
  }

  /**
   * nunjucks writes the called name into the generated code unescaped for its messages; a method of a
   * string literal (`'\n'.join(x)`) would break that code. Same call, with the name quoted safely.
   */
  compileFunCall(node: NjNode, frame: NjFrame): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.callWrap(`);
    this._compileExpression(node.name as NjNode, frame);
    this._emit(`, ${q(pathOf(node.name))}, context, `);
    this._compileAggregate(node.args as NjNode, frame, '[', '])');
    this._emit(')');
  }

  compileIf(node: NjNode, frame: NjFrame): void {
    this._emit('if(env.osm.truthy(');
    this._compileExpression(node.cond as NjNode, frame);
    this._emitLine(')) {');
    this._withScopedSyntax(() => this.compile(node.body as NjNode, frame));
    if (node.else_) {
      this._emitLine('}\nelse {');
      this._withScopedSyntax(() => this.compile(node.else_ as NjNode, frame));
    }
    this._emitLine('}');
  }

  compileInlineIf(node: NjNode, frame: NjFrame): void {
    this._emit('(env.osm.truthy(');
    this.compile(node.cond as NjNode, frame);
    this._emit(')?');
    this.compile(node.body as NjNode, frame);
    this._emit(':');
    if (node.else_) this.compile(node.else_, frame);
    else this._emit('null');
    this._emit(')');
  }

  compileAnd(node: NjNode, frame: NjFrame): void {
    this.lazyBinary('and', node, frame);
  }

  compileOr(node: NjNode, frame: NjFrame): void {
    this.lazyBinary('or', node, frame);
  }

  compileNot(node: NjNode, frame: NjFrame): void {
    this._emit('!env.osm.truthy(');
    this.compile(node.target as NjNode, frame);
    this._emit(')');
  }

  compileIn(node: NjNode, frame: NjFrame): void {
    this.call('contains', [node.left, node.right], frame);
  }

  compileAdd(node: NjNode, frame: NjFrame): void {
    this.call('add', [node.left, node.right], frame);
  }

  compileConcat(node: NjNode, frame: NjFrame): void {
    this.call('concat', [node.left, node.right], frame);
  }

  compileCompare(node: NjNode, frame: NjFrame): void {
    this._emit('env.osm.compare(');
    this.compile(node.expr as NjNode, frame);
    for (const op of node.ops ?? []) {
      this._emit(`, ${q(String(op.type))}, `);
      this.compile(op.expr as NjNode, frame);
    }
    this._emit(')');
  }

  compileIs(node: NjNode, frame: NjFrame): void {
    this._emit(`env.osm.test(${q(shortName(testName(node.right) ?? ''))}, `);
    this.compile(node.left as NjNode, frame);
    const args = node.right?.typename === 'FunCall' ? node.right.args : undefined;
    if (args?.children?.length) {
      this._emit(', ');
      this._compileAggregate(args, frame);
    }
    this._emit(')');
  }

  /** `[file, line]` for runtime errors: the template (included files too) and its 1-based line. */
  private where(node: NjNode): string {
    return `[${q(this.templateName)}, ${node.lineno + 1}]`;
  }

  private lazyBinary(op: 'and' | 'or', node: NjNode, frame: NjFrame): void {
    this._emit(`env.osm.${op}(`);
    this.compile(node.left as NjNode, frame);
    this._emit(', () => (');
    this.compile(node.right as NjNode, frame);
    this._emit('))');
  }

  private call(fn: string, args: (NjNode | undefined)[], frame: NjFrame): void {
    this._emit(`env.osm.${fn}(`);
    args.forEach((a, i) => {
      if (i > 0) this._emit(', ');
      this.compile(a as NjNode, frame);
    });
    this._emit(')');
  }
}

/**
 * Compiles template text to the props nunjucks' Template runs (root render function and blocks).
 * `varStrings`: 'literal' for playbook strings (Ansible keeps backslashes in `{{ }}` literals),
 * 'python' for .j2 files and conditions.
 */
export function compileTemplate(src: string, name: string, varStrings: VarStringMode, ws?: Whitespace): CompiledProps {
  const ast = parseTemplate(prepareSource(src, varStrings), name, ws);
  markGuards(ast);
  const compiler = new StrictCompiler(name, false);
  compiler.compile(ast);
  return new Function(compiler.getCode())() as CompiledProps;
}
