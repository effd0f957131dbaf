// lookup('password', 'path length=20 chars=ascii_letters,digits'): Ansible's file-backed password.
// The first use writes a random password to the file on the controller (directory 0700, file 0600);
// later uses read it back. `/dev/null` is never stored. Options: length, chars, seed (seeded output
// is repeatable here but not Python's sequence), encrypt is refused with what to use instead.
import { createHash, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TemplateError } from '../errors.js';
import { dwim, type LookupVars } from './search.js';

const DEFAULT_CHARS = ['ascii_letters', 'digits', '.,:-_'];
const NAMED_CHARS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
};
const VALID = new Set(['length', 'encrypt', 'chars', 'ident', 'seed']);

export interface PasswordTerm {
  path: string;
  length: number;
  chars: string;
  seed?: string;
}

/** `path key=value...`, as Ansible's _parse_parameters; keyword arguments of the lookup count too. */
export function parsePasswordTerm(term: string, kw: Record<string, unknown>): PasswordTerm {
  const words = term.trim().split(/\s+/);
  const params: Record<string, string> = {};
  const pathWords: string[] = [];
  for (const w of words) {
    const m = /^([A-Za-z_]+)=(.*)$/.exec(w);
    if (m && pathWords.length > 0) params[m[1]!] = m[2]!;
    else if (Object.keys(params).length === 0) pathWords.push(w);
    else throw new TemplateError(`lookup('password'): cannot read '${w}' in '${term}' (options are key=value after the path)`);
  }
  for (const [k, v] of Object.entries(kw)) params[k] = String(v);
  const unknown = Object.keys(params).filter((k) => !VALID.has(k));
  if (unknown.length) throw new TemplateError(`Unrecognized parameter(s) given to password lookup: ${unknown.join(', ')}`);
  if (params.encrypt || params.ident) {
    throw new TemplateError("lookup('password'): 'encrypt' is not supported; store the plain password and use the password_hash filter on it");
  }
  const length = params.length === undefined ? 20 : Number(params.length);
  if (!Number.isInteger(length) || length < 1) throw new TemplateError(`lookup('password'): length must be a positive whole number, got '${params.length}'`);
  let specs = DEFAULT_CHARS;
  if (params.chars !== undefined) {
    specs = params.chars.includes(',,') ? [','] : [];
    specs.push(...params.chars.replace(/,,/g, ',').split(',').filter((c) => c !== ''));
  }
  const chars = specs.map((s) => NAMED_CHARS[s] ?? s).join('').replace(/["']/g, '');
  if (chars === '') throw new TemplateError(`lookup('password'): no characters to choose from (chars=${params.chars})`);
  return { path: pathWords.join(' '), length, chars, seed: params.seed };
}

function generate(t: PasswordTerm): string {
  let out = '';
  if (t.seed === undefined) {
    for (let i = 0; i < t.length; i++) out += t.chars[randomInt(t.chars.length)];
    return out;
  }
  // Seeded: a hash stream, so the same seed always gives the same password.
  let block = Buffer.alloc(0);
  for (let counter = 0; out.length < t.length; counter++) {
    block = createHash('sha256').update(`${t.seed}\0${counter}`).digest();
    for (let i = 0; i + 4 <= block.length && out.length < t.length; i += 4) out += t.chars[block.readUInt32BE(i) % t.chars.length];
  }
  return out;
}

export function passwordLookup(term: string, kw: Record<string, unknown>, vars: LookupVars): string {
  const t = parsePasswordTerm(term, kw);
  const path = dwim(t.path, vars);
  if (path === '/dev/null') return generate(t);
  let content: string | undefined;
  try {
    content = readFileSync(path, 'utf8').trimEnd();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new TemplateError(`lookup('password'): cannot read ${path}: ${(e as Error).message}`);
  }
  if (content !== undefined) {
    // A file written with encrypt= holds `password salt=...`: the password is before the salt.
    const salt = content.lastIndexOf(' salt=');
    return salt >= 0 ? content.slice(0, salt) : content;
  }
  const password = generate(t);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another run wrote it first: theirs is the password.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trimEnd();
    throw e;
  }
  return password;
}
