// Free-form module arguments: `file: path=/x state=touch`, `command: chdir=/srv ls -l`.
// Tokens respect quotes and Jinja2 delimiters, so `msg="hello {{ name }}"` stays one argument.
import type { Vars } from '../types.js';
import { COMMAND_FREE_FORM_OPTIONS, COMMAND_MODULES } from './keywords.js';

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Splits on unquoted whitespace outside `{{ }}`/`{% %}`/`{# #}`, remembering where each token was. */
export function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    const start = i;
    let quote: string | undefined;
    let jinja = 0;
    while (i < s.length) {
      const c = s[i];
      const two = s.slice(i, i + 2);
      if (quote) {
        if (c === '\\' && i + 1 < s.length) i++;
        else if (c === quote) quote = undefined;
      } else if (two === '{{' || two === '{%' || two === '{#') {
        jinja++;
        i++;
      } else if (jinja > 0 && (two === '}}' || two === '%}' || two === '#}')) {
        jinja--;
        i++;
      } else if (jinja === 0 && (c === '"' || c === "'")) {
        quote = c;
      } else if (jinja === 0 && /\s/.test(c)) {
        break;
      }
      i++;
    }
    tokens.push({ text: s.slice(start, i), start, end: i });
  }
  return tokens;
}

const KV = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/**
 * A k=v value with its quotes removed. Values stay strings, as in Ansible's parse_kv: the module's
 * schema coerces them ("8883" to a port, "yes" to true), and set_fact keeps what was written.
 */
export function kvValue(raw: string): string {
  if (raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0])) {
    return raw.slice(1, -1).replace(new RegExp(`\\\\${raw[0]}`, 'g'), raw[0]);
  }
  return raw;
}

/**
 * Arguments from a free-form string. Command modules keep the command line whole in `_raw_params`
 * (only Ansible's own options such as `chdir=` are taken out); other modules take k=v pairs,
 * and whatever is left goes to `_raw_params`.
 */
export function parseFreeForm(module: string, s: string): Vars {
  const args: Vars = {};
  const tokens = tokenize(s);
  const isCommand = COMMAND_MODULES.has(module);
  let rest = '';
  let last = 0;
  const restParts: string[] = [];
  for (const t of tokens) {
    const m = KV.exec(t.text);
    const take = m !== null && (!isCommand || COMMAND_FREE_FORM_OPTIONS.has(m[1]));
    if (m && take) {
      args[m[1]] = kvValue(m[2]);
      if (isCommand) {
        rest += s.slice(last, t.start);
        last = t.end;
      }
    } else if (!isCommand) {
      restParts.push(t.text);
    }
  }
  if (isCommand) {
    // Cut only the option tokens out, so a multi-line script keeps its layout.
    rest = (rest + s.slice(last)).trim();
    if (rest !== '') args._raw_params = rest;
  } else if (restParts.length > 0) {
    args._raw_params = restParts.join(' ');
  }
  return args;
}
