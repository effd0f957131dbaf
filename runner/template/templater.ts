// The one templating engine: nunjucks with our strict, Python-like compiler, Ansible's filters and
// tests, lookups and `omit`. A string that is exactly `{{ expr }}` renders to the native value.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isProxy } from 'node:util/types';
import nunjucks from 'nunjucks';
import type { SourcePos, Vars } from '../types.js';
import { singleExpression, type VarStringMode } from './braces.js';
import { compileTemplate } from './compiler.js';
import { TemplateError } from './errors.js';
import { allFilters } from './filters/index.js';
import { runLookup, type LookupContext } from './lookups/index.js';
import { jinja2Header } from './header.js';
import { templateFromCode, type CompiledProps } from './nunjucks-internals.js';
import { makeRuntime } from './runtime.js';
import { jinjaTests } from './tests.js';

/** What `{{ omit }}` renders to; a module argument equal to it is dropped. */
export const OMIT = '__omit_place_holder__osm_play__';

export interface Templater {
  /** Exactly one `{{ expr }}` returns the native value; other strings render to a string. */
  render(str: string, vars: Vars, pos?: SourcePos): unknown;
  renderString(str: string, vars: Vars, pos?: SourcePos): string;
  /** A bare expression, as in `when:`, `failed_when:`, `assert.that`. */
  evaluate(expr: string, vars: Vars, pos?: SourcePos): unknown;
  /** Renders every string inside objects and arrays; entries rendering to OMIT are dropped. */
  renderDeep(value: unknown, vars: Vars, pos?: SourcePos): unknown;
  /** A .j2 file; includes and imports resolve relative to it; errors carry the line inside it. */
  renderFile(path: string, vars: Vars): string;
}

const HAS_TEMPLATE = /\{\{|\{%|\{#/;
const CACHE_LIMIT = 5000;

/** True when a string has Jinja syntax in it (and so would change when rendered). */
export function isTemplated(s: string): boolean {
  return HAS_TEMPLATE.test(s);
}

interface NjErrorLike {
  lineno?: unknown;
  cause?: unknown;
  message?: unknown;
}

/** Turns whatever nunjucks threw into our TemplateError, keeping the original when it was ours. */
function toTemplateError(e: unknown, file: string | undefined, pos: SourcePos | undefined): TemplateError {
  let cur: unknown = e;
  let line: number | undefined;
  while (cur && !(cur instanceof TemplateError)) {
    const njLine = (cur as NjErrorLike).lineno;
    if (typeof njLine === 'number' && line === undefined) line = njLine;
    const cause = (cur as NjErrorLike).cause;
    if (!cause) break;
    cur = cause;
  }
  const err = cur instanceof TemplateError ? cur : new TemplateError(cleanMessage(String((cur as NjErrorLike)?.message ?? cur)), { templateLine: line });
  err.templateLine ??= line;
  if (!err.pos) {
    if (err.templateFile && isAbsolute(err.templateFile)) err.pos = { file: err.templateFile, line: err.templateLine ?? 1, col: 1 };
    else if (file) err.pos = { file, line: err.templateLine ?? 1, col: 1 };
    // A multi-line playbook string is a block scalar (`|`): its line n sits n lines below the key.
    else if (pos) err.pos = err.templateLine !== undefined && err.templateLine > 1 ? { ...pos, line: pos.line + err.templateLine } : pos;
  }
  return err;
}

/** nunjucks prefixes messages with `(path) [Line n, Column m]` and error class names; keep the reason. */
function cleanMessage(msg: string): string {
  return msg
    .replace(/^\([^)]*\)(\s*\[Line \d+, Column \d+\])?\s*/, '')
    .replace(/^(Template render error|Error|TypeError|Template render error: \(unknown path\)):\s*/g, '')
    .trim();
}

/** A compile failure: says it is a syntax error, and which expression when it is short enough to show. */
function syntaxError(err: TemplateError, source?: string): TemplateError {
  const shown = source !== undefined && source.length <= 200 ? ` in '${source.trim()}'` : '';
  err.message = `template syntax error${shown}: ${err.message}`;
  return err;
}

const unsafeValues = new WeakSet<object>();

/**
 * Marks a value as data that must never be templated, like Ansible's "unsafe" registered results:
 * a command's stdout containing `{{` is text, not a template. Mark the registered object (or list).
 */
export function markUnsafe<T extends object>(value: T): T {
  unsafeValues.add(value);
  return value;
}

/** An expression (`when:`) is one YAML value: its errors point at the value, not a line inside it. */
function atExpression(err: TemplateError, pos: SourcePos | undefined): TemplateError {
  err.pos ??= pos;
  return err;
}

function trailingNewlines(s: string): number {
  return /\n*$/.exec(s)![0].length;
}

/**
 * Python's dict(): from a mapping or a list of [key, value] pairs (`dict(keys | zip(values))`), then
 * keyword arguments (`dict(a=1)`), which nunjucks passes as a last object marked __keywords.
 */
function pyDict(...args: unknown[]): Record<string, unknown> {
  const last = args[args.length - 1];
  const kw = typeof last === 'object' && last !== null && !Array.isArray(last) && (last as Record<string, unknown>)['__keywords'] === true ? (last as Record<string, unknown>) : undefined;
  const positional = kw ? args.slice(0, -1) : args;
  if (positional.length > 1) throw new TemplateError(`dict expected at most 1 argument, got ${positional.length}`);
  const out: Record<string, unknown> = {};
  const src = positional[0];
  if (Array.isArray(src)) {
    src.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateError(`dict(): element #${i} of the sequence is not a [key, value] pair`);
      out[String(pair[0])] = pair[1];
    });
  } else if (typeof src === 'object' && src !== null) {
    Object.assign(out, src);
  } else if (src !== undefined) {
    throw new TemplateError(`dict(): cannot make a dict from ${typeof src}`);
  }
  if (kw) for (const [k, v] of Object.entries(kw)) if (k !== '__keywords') out[k] = v;
  return out;
}

export function createTemplater(): Templater {
  const codeCache = new Map<string, CompiledProps>();
  const fileCache = new Map<string, { stamp: string; props: CompiledProps }>();
  let captured: unknown;
  const templates = new WeakMap<CompiledProps, nunjucks.Template>();

  const compileCached = (src: string, name: string, mode: VarStringMode): CompiledProps => {
    const key = `${name}\u0000${mode}\u0000${src}`;
    let props = codeCache.get(key);
    if (!props) {
      if (codeCache.size >= CACHE_LIMIT) codeCache.clear();
      props = compileTemplate(src, name, mode);
      codeCache.set(key, props);
    }
    return props;
  };

  // Jinja2 drops one trailing newline of each template; Ansible puts it back for the top-level file
  // only, so an included file's last newline disappears ("Hello {% include 'w' %}!" → "Hello world!").
  const compileFile = (path: string, included: boolean): CompiledProps => {
    const st = statSync(path);
    const key = `${included ? 'inc' : 'top'}\u0000${path}`;
    const stamp = `${st.mtimeMs}:${st.size}`;
    const hit = fileCache.get(key);
    if (hit && hit.stamp === stamp) return hit.props;
    let props: CompiledProps;
    try {
      const { text, ws } = jinja2Header(readFileSync(path, 'utf8'), path);
      props = compileTemplate(included ? text.replace(/\r?\n$/, '') : text, path, 'python', ws);
    } catch (e) {
      throw syntaxError(toTemplateError(e, path, undefined));
    }
    fileCache.set(key, { stamp, props });
    return props;
  };

  // Includes and imports: relative to the including file; compiled by our compiler.
  const loader = {
    cache: {},
    isRelative: (name: string) => !isAbsolute(name),
    resolve: (from: string, to: string) => (isAbsolute(from) ? resolve(dirname(from), to) : resolve(to)),
    getSource(name: string) {
      const path = resolve(name);
      try {
        statSync(path);
      } catch {
        return null;
      }
      return { src: { type: 'code', obj: compileFile(path, true) }, path, noCache: true };
    },
  };

  const env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, { autoescape: false, dev: true });
  // Objects already walked and found free of templates; vars objects are replaced, not edited, when
  // facts or registered results change, so identity is a safe key.
  const plainValues = new WeakSet<object>();
  const needsRendering = (value: unknown): boolean => {
    if (typeof value === 'string') return HAS_TEMPLATE.test(value);
    if (typeof value !== 'object' || value === null || plainValues.has(value) || unsafeValues.has(value)) return false;
    // Lazy views (the executor's hostvars) are left alone: walking one would compute every entry.
    if (isProxy(value)) return false;
    if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return false;
    const found = (Array.isArray(value) ? value : Object.values(value)).some(needsRendering);
    if (!found) plainValues.add(value);
    return found;
  };
  const runtime = makeRuntime(allFilters, jinjaTests, { needsRendering, render: (value, vars) => renderDeep(value, vars) });
  Object.assign(env, { osm: runtime });
  env.addGlobal('omit', OMIT);
  env.addGlobal('dict', pyDict);
  env.addGlobal('__osm_capture__', (v: unknown) => {
    captured = v;
    return '';
  });
  const lookupContext = (): LookupContext => ({ vars: runtime.currentVars(), renderFile: (path, vars) => renderFile(path, vars) });
  env.addGlobal('lookup', (kind: unknown, ...terms: unknown[]) => runLookup(kind, terms, lookupContext(), false));
  env.addGlobal('query', (kind: unknown, ...terms: unknown[]) => runLookup(kind, terms, lookupContext(), true));
  env.addGlobal('q', (kind: unknown, ...terms: unknown[]) => runLookup(kind, terms, lookupContext(), true));

  const run = (props: CompiledProps, name: string, vars: Vars, file: string | undefined, pos: SourcePos | undefined): string => {
    try {
      let tmpl = templates.get(props);
      if (!tmpl) {
        tmpl = templateFromCode(props, env, name);
        templates.set(props, tmpl);
      }
      const compiledTemplate = tmpl;
      return runtime.withVars(vars, () => compiledTemplate.render({}));
    } catch (e) {
      throw toTemplateError(e, file, pos);
    }
  };

  // Like Ansible: the trailing newlines of the source survive even when a block tag ate them.
  const keepTrailingNewlines = (src: string, out: string): string => {
    const want = trailingNewlines(src);
    const have = trailingNewlines(out);
    return want > have ? out + '\n'.repeat(want - have) : out;
  };

  const renderString = (str: string, vars: Vars, pos?: SourcePos): string => {
    if (!HAS_TEMPLATE.test(str)) return str;
    let props: CompiledProps;
    try {
      props = compileCached(str, '<template>', 'literal');
    } catch (e) {
      throw syntaxError(toTemplateError(e, undefined, pos), str);
    }
    return keepTrailingNewlines(str, run(props, '<template>', vars, undefined, pos));
  };

  // Conditions read string literals with Python escapes (Ansible wraps them in {% if %}); a
  // `{{ expr }}` playbook string keeps backslashes literal (Ansible's escape_backslashes).
  const evaluateAs = (expr: string, vars: Vars, pos: SourcePos | undefined, mode: VarStringMode): unknown => {
    let props: CompiledProps;
    try {
      props = compileCached(`{{ __osm_capture__(${expr}\n) }}`, '<expression>', mode);
    } catch (e) {
      throw syntaxError(atExpression(toTemplateError(e, undefined, undefined), pos), expr);
    }
    captured = undefined;
    try {
      run(props, '<expression>', vars, undefined, undefined);
    } catch (e) {
      throw atExpression(e as TemplateError, pos);
    }
    const value = captured;
    captured = undefined;
    return value;
  };

  // `when: "{{ x }}"` is templated first, as Ansible does (with a warning there): its result is the condition.
  const evaluate = (expr: string, vars: Vars, pos?: SourcePos): unknown => {
    if (!HAS_TEMPLATE.test(expr)) return evaluateAs(expr, vars, pos, 'python');
    const first = render(expr, vars, pos);
    return typeof first === 'string' && first.trim() !== '' ? evaluateAs(first, vars, pos, 'python') : first;
  };

  const render = (str: string, vars: Vars, pos?: SourcePos): unknown => {
    const single = singleExpression(str);
    if (single !== undefined) return evaluateAs(single, vars, pos, 'literal');
    return renderString(str, vars, pos);
  };

  const renderDeep = (value: unknown, vars: Vars, pos?: SourcePos): unknown => {
    if (typeof value === 'string') return render(value, vars, pos);
    if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars, pos)).filter((v) => v !== OMIT);
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && !isProxy(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const rendered = renderDeep(v, vars, pos);
        if (rendered !== OMIT) out[renderString(k, vars, pos)] = rendered;
      }
      return out;
    }
    return value;
  };

  const renderFile = (path: string, vars: Vars): string => {
    const abs = resolve(path);
    let props: CompiledProps;
    try {
      props = compileFile(abs, false);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      throw new TemplateError(`cannot read template ${path}: ${(e as Error).message}`, { pos: { file: path, line: 1, col: 1 } });
    }
    return keepTrailingNewlines(jinja2Header(readFileSync(abs, 'utf8'), abs).text, run(props, abs, vars, abs, undefined));
  };

  return { render, renderString, evaluate, renderDeep, renderFile };
}
