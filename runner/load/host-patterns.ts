// Ansible host patterns: `all`/`*`, host and group names, `a:b` / `a,b` (union), `a:&b` (and),
// `a:!b` (not), wildcards `web*`, regexes `~web\d+`, and subscripts `web[0]`, `web[1:3]`, `web[-1]`.
import type { Inventory } from '../types.js';

/** Names that mean this machine even when the inventory does not list them (ansible_connection local). */
export const IMPLICIT_LOCALHOST = new Set(['localhost', '127.0.0.1', '::1']);

/** Splits on `,`, and on `:` outside brackets (so `web[1:3]` stays one term). */
export function splitPattern(pattern: string): string[] {
  return pattern
    .split(',')
    .flatMap((p) => p.split(/:(?![^[]*\])/))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const c of glob) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** All hosts of a group, through its children, in inventory order. */
export function groupHosts(inv: Inventory, group: string): string[] {
  if (group === 'all') return [...inv.hosts.keys()];
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = inv.groups.get(name);
    if (!g) return;
    for (const h of g.hosts) found.add(h);
    for (const c of g.children) walk(c);
  };
  walk(group);
  return [...inv.hosts.keys()].filter((h) => found.has(h));
}

function matchByName(inv: Inventory, test: (name: string) => boolean): string[] {
  const hosts = new Set<string>();
  for (const g of inv.groups.keys()) if (test(g)) for (const h of groupHosts(inv, g)) hosts.add(h);
  for (const h of inv.hosts.keys()) if (test(h)) hosts.add(h);
  return [...inv.hosts.keys()].filter((h) => hosts.has(h));
}

function resolveTerm(inv: Inventory, term: string): string[] {
  const sub = /^(.+?)\[(-?\d+)(?:(:)(-?\d*))?\]$/.exec(term);
  if (sub && !term.startsWith('~')) {
    const hosts = resolveTerm(inv, sub[1]);
    const idx = (s: string): number => (Number(s) < 0 ? hosts.length + Number(s) : Number(s));
    const start = idx(sub[2]);
    if (!sub[3]) return hosts[start] === undefined ? [] : [hosts[start]];
    const end = sub[4] === '' || sub[4] === undefined ? hosts.length - 1 : idx(sub[4]);
    return hosts.slice(start, end + 1);
  }
  if (term === 'all' || term === '*') return [...inv.hosts.keys()];
  if (term.startsWith('~')) {
    const re = new RegExp(term.slice(1));
    return matchByName(inv, (n) => re.exec(n)?.index === 0);
  }
  if (inv.groups.has(term)) return groupHosts(inv, term);
  if (inv.hosts.has(term)) return [term];
  if (/[*?]/.test(term)) {
    const re = globToRegExp(term);
    return matchByName(inv, (n) => re.test(n));
  }
  if (IMPLICIT_LOCALHOST.has(term)) return [term];
  return [];
}

/** The hosts a pattern selects, in inventory order within each term; unknown names select nothing. */
export function matchHosts(inv: Inventory, pattern: string): string[] {
  const terms = splitPattern(pattern);
  const union: string[] = [];
  const and: string[][] = [];
  const not = new Set<string>();
  for (const t of terms) {
    if (t.startsWith('!')) for (const h of resolveTerm(inv, t.slice(1))) not.add(h);
    else if (t.startsWith('&')) and.push(resolveTerm(inv, t.slice(1)));
    else for (const h of resolveTerm(inv, t)) if (!union.includes(h)) union.push(h);
  }
  return union.filter((h) => !not.has(h) && and.every((set) => set.includes(h)));
}

/** Terms of a pattern that select no host (Ansible warns about these). */
export function unmatchedTerms(inv: Inventory, pattern: string): string[] {
  return splitPattern(pattern).filter((t) => resolveTerm(inv, t.replace(/^[!&]/, '')).length === 0);
}
