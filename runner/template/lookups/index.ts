// lookup()/query() plugins that run on the controller, like Ansible's: env, file, pipe, template,
// password, first_found, fileglob, varnames, items, dict. Names may carry `ansible.builtin.`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TemplateError } from '../errors.js';
import { isMapping, pyStr } from '../python.js';
import { passwordLookup } from './password.js';
import { baseDir, candidates, findFile, searchDirs, type LookupVars } from './search.js';

export interface LookupContext {
  vars: LookupVars;
  /** Renders a template file with these vars (for lookup('template')). */
  renderFile(path: string, vars: LookupVars): string;
}

type Kw = Record<string, unknown>;
type LookupFn = (terms: unknown[], kw: Kw, ctx: LookupContext) => unknown[];

const str = (v: unknown): string => (typeof v === 'string' ? v : pyStr(v));

/** A shell glob on one path component (`*`, `?`, `[...]`) as a regular expression. */
function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function fileglob(pattern: string, vars: LookupVars): string[] {
  const name = basename(pattern);
  const dirs = name === pattern ? searchDirs(vars).flatMap((d) => [join(d, 'files'), d]) : [findFile(dirname(pattern), 'files', vars)].filter((d): d is string => d !== undefined);
  const re = globRegex(name);
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    // Hidden files match only a pattern starting with a dot, as in glob.glob.
    const found = names.filter((n) => re.test(n) && (!n.startsWith('.') || name.startsWith('.'))).sort().map((n) => join(dir, n)).filter(isFile);
    if (found.length) return found;
  }
  return [];
}

/** first_found's terms: strings, lists, or {files, paths, skip} mappings; `files=`/`paths=` keywords too. */
function firstFound(terms: unknown[], kw: Kw, ctx: LookupContext): unknown[] {
  const split = (v: unknown, seps: RegExp): string[] => (Array.isArray(v) ? v.map(str) : v === undefined || v === null ? [] : str(v).split(seps)).filter((s) => s !== '');
  let skip = kw.skip === true;
  const searches: { files: string[]; paths: string[] }[] = [];
  const flat = terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
  for (const t of flat) {
    if (isMapping(t)) {
      const m = t as Kw;
      if (m.skip === true) skip = true;
      searches.push({ files: split(m.files, /[,;]/), paths: split(m.paths, /[,:;]/) });
    } else searches.push({ files: [str(t)], paths: [] });
  }
  if (kw.files !== undefined || kw.paths !== undefined) searches.push({ files: split(kw.files, /[,;]/), paths: split(kw.paths, /[,:;]/) });
  for (const s of searches) {
    for (const f of s.files) {
      const options = s.paths.length ? s.paths.map((p) => join(p, f)) : [f];
      for (const o of options) {
        const found = candidates(o, 'files', ctx.vars).find(isFile) ?? (s.paths.length ? candidates(o, '', ctx.vars).find(isFile) : undefined);
        if (found) return [found];
      }
    }
  }
  if (skip) return [];
  throw new TemplateError("No file was found when using first_found (give skip=True to get an empty result instead)");
}

/** `vars` plus `extra`, reading `vars` entries only when used (they may be lazily rendered). */
function withOverrides(vars: LookupVars, extra: Kw): LookupVars {
  const out: Kw = {};
  for (const key of Object.keys(vars)) Object.defineProperty(out, key, { get: () => vars[key], enumerable: true, configurable: true });
  for (const [key, value] of Object.entries(extra)) Object.defineProperty(out, key, { value, enumerable: true, configurable: true });
  return out;
}

const lookups: Record<string, LookupFn> = {
  env: (terms, kw) => terms.map((t) => process.env[str(t)] ?? (kw.default === undefined ? '' : kw.default)),
  file: (terms, kw, ctx) =>
    terms.map((t) => {
      const found = findFile(str(t), 'files', ctx.vars);
      if (!found) throw new TemplateError(`lookup('file'): could not find '${str(t)}' (looked in ${candidates(str(t), 'files', ctx.vars).join(', ')})`);
      let text = readFileSync(found, 'utf8');
      // Ansible strips trailing whitespace by default (rstrip=True), leading only when asked.
      if (kw.rstrip !== false) text = text.replace(/\s+$/, '');
      if (kw.lstrip === true) text = text.replace(/^\s+/, '');
      return text;
    }),
  pipe: (terms, _kw, ctx) =>
    terms.map((t) => {
      try {
        return execFileSync('/bin/sh', ['-c', str(t)], { cwd: baseDir(ctx.vars), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
      } catch (e) {
        throw new TemplateError(`lookup('pipe'): command '${str(t)}' failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }),
  template: (terms, kw, ctx) =>
    terms.map((t) => {
      const found = findFile(str(t), 'templates', ctx.vars);
      if (!found) throw new TemplateError(`lookup('template'): could not find '${str(t)}' (looked in ${candidates(str(t), 'templates', ctx.vars).join(', ')})`);
      // template_vars over the current vars, without copying them (that would render every one).
      const extra = isMapping(kw.template_vars) ? (kw.template_vars as Kw) : undefined;
      return ctx.renderFile(found, extra ? withOverrides(ctx.vars, extra) : ctx.vars);
    }),
  password: (terms, kw, ctx) => {
    const opts = Object.fromEntries(Object.entries(kw).filter(([k]) => k !== 'errors'));
    return terms.map((t) => passwordLookup(str(t), opts, ctx.vars));
  },
  first_found: firstFound,
  fileglob: (terms, _kw, ctx) => terms.flatMap((t) => fileglob(str(t), ctx.vars)),
  varnames: (terms, _kw, ctx) =>
    terms.flatMap((t) => {
      const re = new RegExp(str(t));
      return Object.keys(ctx.vars).filter((n) => re.test(n));
    }),
  items: (terms) => terms,
  dict: (terms) =>
    terms.flatMap((t) => {
      if (!isMapping(t)) throw new TemplateError(`lookup('dict') expects a dict, got ${pyStr(t)}`);
      return Object.entries(t as Kw).map(([key, value]) => ({ key, value }));
    }),
};

/** Lookup names as written: `ansible.builtin.env` and `community.general.x` resolve to `env` and `x`. */
export function lookupName(kind: unknown): string {
  return str(kind).replace(/^(ansible\.builtin|ansible\.legacy|community\.general)\./, '');
}

/**
 * lookup(kind, term, ...): Ansible joins string results with commas, gives a lone other value as it
 * is, and a list otherwise; query()/q() and wantlist=True give the list.
 */
export function runLookup(kind: unknown, terms: unknown[], ctx: LookupContext, asList: boolean): unknown {
  const name = lookupName(kind);
  const fn = Object.prototype.hasOwnProperty.call(lookups, name) ? lookups[name] : undefined;
  if (!fn) throw new TemplateError(`unknown lookup '${str(kind)}' (supported: ${Object.keys(lookups).join(', ')})`);
  const kwArg = terms.find((t): t is Kw => typeof t === 'object' && t !== null && '__keywords' in t);
  const kw: Kw = kwArg ? Object.fromEntries(Object.entries(kwArg).filter(([k]) => k !== '__keywords')) : {};
  const wantList = asList || kw.wantlist === true;
  const errors = kw.errors;
  delete kw.wantlist;
  delete kw.errors;
  const positional = terms.filter((t) => t !== kwArg);
  // items/dict take their terms as given; the others flatten one level of lists (with_* style).
  const flat = name === 'dict' ? positional : positional.flatMap((t) => (Array.isArray(t) ? t : [t]));
  let results: unknown[];
  try {
    results = fn(flat, kw, ctx);
  } catch (e) {
    if (errors === 'ignore' || errors === 'warn') results = [];
    else throw e;
  }
  if (wantList) return results;
  if (results.length > 0 && results.every((r) => typeof r === 'string')) return results.join(',');
  return results.length === 1 ? results[0] : results;
}
