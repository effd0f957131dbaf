// lookup('env', 'HOME') and lookup('file', 'files/motd'): run on the controller, like Ansible's.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { TemplateError } from './errors.js';
import { pyStr } from './python.js';

type LookupFn = (terms: string[], vars: Record<string, unknown>) => unknown[];

/** Where lookup('file', rel) looks: the role's files/, then the playbook's files/, then the playbook dir. */
function fileCandidates(rel: string, vars: Record<string, unknown>): string[] {
  if (isAbsolute(rel)) return [rel];
  const out: string[] = [];
  if (typeof vars.role_path === 'string') out.push(join(vars.role_path, 'files', rel), join(vars.role_path, rel));
  if (typeof vars.playbook_dir === 'string') out.push(join(vars.playbook_dir, 'files', rel), join(vars.playbook_dir, rel));
  else out.push(rel);
  return out;
}

const lookups: Record<string, LookupFn> = {
  env: (terms) => terms.map((t) => process.env[t] ?? ''),
  file: (terms, vars) =>
    terms.map((t) => {
      for (const candidate of fileCandidates(t, vars)) {
        try {
          // Ansible strips trailing whitespace from file lookups by default.
          return readFileSync(candidate, 'utf8').replace(/\s+$/, '');
        } catch {
          continue;
        }
      }
      throw new TemplateError(`lookup('file'): could not find '${t}' (looked in ${fileCandidates(t, vars).join(', ')})`);
    }),
};

/** lookup(kind, term, ...): the results joined with commas, as Ansible's lookup() returns them. */
export function runLookup(kind: unknown, terms: unknown[], vars: Record<string, unknown>, asList: boolean): unknown {
  const name = pyStr(kind);
  const fn = Object.prototype.hasOwnProperty.call(lookups, name) ? lookups[name] : undefined;
  if (!fn) throw new TemplateError(`unknown lookup '${name}' (supported: ${Object.keys(lookups).join(', ')})`);
  const positional = terms.filter((t) => !(typeof t === 'object' && t !== null && '__keywords' in t)).flatMap((t) => (Array.isArray(t) ? t : [t]));
  const results = fn(positional.map(pyStr), vars);
  if (asList) return results;
  return results.length === 1 ? results[0] : results.map(pyStr).join(',');
}
