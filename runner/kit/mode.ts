// File modes as playbooks write them: '0644', '644', '0o644', an integer (our loader reads YAML 1.1
// like PyYAML, so unquoted 0644 arrives as 420 = 0o644 and is taken as that number, as Ansible
// does), or symbolic 'u=rw,g=r,o=' / 'u+x,go-w' / 'a+rX' applied to the current mode.
import { ModuleError } from '../module.js';

const OCTAL = /^(?:0o|0)?([0-7]{1,4})$/;
const CLAUSE = /^([ugoa]*)([=+-])([rwxXst]*)$/;

function fromOctalText(text: string): number | undefined {
  const m = OCTAL.exec(text);
  return m ? parseInt(m[1], 8) : undefined;
}

/**
 * The numeric mode for `mode`, given the current mode (symbolic modes change it) and whether the
 * target is a directory (for X). Throws ModuleError on nonsense.
 */
export function parseMode(mode: string | number, current = 0, isDir = false): number {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleError(`invalid mode ${mode}: quote it as a string, e.g. '0644'`);
    return mode;
  }
  const text = mode.trim();
  const octal = fromOctalText(text);
  if (octal !== undefined) return octal;
  let result = current & 0o7777;
  for (const clause of text.split(',')) {
    const m = CLAUSE.exec(clause.trim());
    if (!m) throw new ModuleError(`invalid mode '${mode}': expected octal like '0644' or symbolic like 'u=rw,g=r,o='`);
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    const bits = permBits(who, m[3], isDir || (result & 0o111) !== 0);
    const mask = permBits(who, 'rwxst', true);
    if (m[2] === '=') result = (result & ~mask) | bits;
    else if (m[2] === '+') result |= bits;
    else result &= ~bits;
  }
  return result;
}

function permBits(who: string, perms: string, xApplies: boolean): number {
  let bits = 0;
  const shifts: Record<string, number> = { u: 6, g: 3, o: 0 };
  for (const w of who) {
    const shift = shifts[w];
    for (const p of perms) {
      if (p === 'r') bits |= 4 << shift;
      else if (p === 'w') bits |= 2 << shift;
      else if (p === 'x' || (p === 'X' && xApplies)) bits |= 1 << shift;
      else if (p === 's' && w === 'u') bits |= 0o4000;
      else if (p === 's' && w === 'g') bits |= 0o2000;
      else if (p === 't' && w === 'o') bits |= 0o1000;
    }
  }
  return bits;
}

/** '0644' style, as Ansible reports modes. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
