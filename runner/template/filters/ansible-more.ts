// Ansible's comment, password_hash, to_uuid, random and json_query filters.
import { createHash, randomInt } from 'node:crypto';
import jmespath from 'jmespath';
import { TemplateError } from '../errors.js';
import { pyStr } from '../python.js';
import { ipFilters } from './ipaddr.js';
import { PyRandom } from './py-random.js';
import { randomSalt, shaCrypt } from './sha-crypt.js';
import { arg, expectString, type FilterFn, type Kwargs } from './types.js';

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter, step for step. */
function comment(text: string, style: string, kw: Kwargs): string {
  const styleParams = COMMENT_STYLES[style];
  if (!styleParams) throw new TemplateError(`comment: unknown style '${style}' (styles: ${Object.keys(COMMENT_STYLES).join(', ')})`);
  const prepostfix = kw.decoration !== undefined ? pyStr(kw.decoration) : styleParams.decoration!;
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: prepostfix.trimEnd(), prefix_count: 1, decoration: '', postfix: prepostfix.trimEnd(), postfix_count: 1, end: '', ...styleParams, ...kw };
  const s = (k: string): string => pyStr(p[k]);
  const nl = s('newline');
  const deco = s('decoration');
  const beginning = s('beginning') ? `${s('beginning')}${nl}` : '';
  let prefix = '';
  if (s('prefix')) prefix = (s('prefix') !== nl ? `${s('prefix')}${nl}` : nl).repeat(Number(p.prefix_count));
  const body = `${deco}${text.split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${deco.trimEnd()}${nl}`);
  const postfix = ['', ...Array<string>(Number(p.postfix_count)).fill(s('postfix'))].join(nl);
  const end = s('end') ? `${nl}${s('end')}` : '';
  return `${beginning}${prefix}${body}${postfix}${end}`;
}

/** uuid5 (SHA-1, RFC 4122) of `name` in `namespace`. */
function uuid5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new TemplateError(`to_uuid: namespace '${namespace}' is not a UUID`);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E';
const HASH_TYPES: Record<string, 'sha256' | 'sha512'> = { sha512: 'sha512', sha512_crypt: 'sha512', sha256: 'sha256', sha256_crypt: 'sha256' };

export const ansibleMoreFilters: Record<string, FilterFn> = {
  comment: (v, args, kw) => comment(pyStr(v), pyStr(arg(args, kw, 0, 'style', 'plain')), Object.fromEntries(Object.entries(kw).filter(([k]) => k !== 'style'))),
  password_hash: (v, args, kw) => {
    const type = pyStr(arg(args, kw, 0, 'hashtype', 'sha512'));
    const algo = HASH_TYPES[type];
    if (!algo) throw new TemplateError(`password_hash: hash type '${type}' is not supported (use sha512 or sha256)`);
    const salt = arg(args, kw, 1, 'salt', null);
    const rounds = arg(args, kw, 2, 'rounds', null);
    return shaCrypt(algo, expectString(v, 'password_hash'), salt === null ? randomSalt() : pyStr(salt), rounds === null ? undefined : Number(rounds));
  },
  to_uuid: (v, args, kw) => uuid5(pyStr(v), pyStr(arg(args, kw, 0, 'namespace', ANSIBLE_UUID_NAMESPACE))),
  random: (v, args, kw) => {
    const start = arg(args, kw, 0, 'start', null);
    const step = arg(args, kw, 1, 'step', null);
    const seed = arg(args, kw, 2, 'seed', null);
    const gen = seed === null ? undefined : new PyRandom(typeof seed === 'number' ? seed : pyStr(seed));
    if (typeof v === 'number' && Number.isInteger(v)) {
      const from = Number(start || 0);
      const by = Number(step || 1);
      if (gen) return gen.randrange(from, v, by);
      const n = Math.ceil((v - from) / by);
      if (n <= 0) throw new TemplateError('random: empty range');
      return from + by * randomInt(n);
    }
    if (start || step) throw new TemplateError('random: start and step can only be used with integer values');
    const seq = typeof v === 'string' ? [...v] : Array.isArray(v) ? v : typeof v === 'object' && v !== null ? Object.keys(v) : undefined;
    if (!seq || seq.length === 0) throw new TemplateError('random: expects an integer or a non-empty sequence');
    return gen ? gen.choice(seq) : seq[randomInt(seq.length)];
  },
  json_query: (v, args) => {
    try {
      return jmespath.search(v as Parameters<typeof jmespath.search>[0], expectString(args[0], 'json_query'));
    } catch (e) {
      throw new TemplateError(`json_query: ${(e as Error).message}`);
    }
  },
  ...ipFilters,
};
