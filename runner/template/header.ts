// A template file's first line `#jinja2: trim_blocks: False, lstrip_blocks: True` sets Jinja2's
// whitespace options for that file, as Ansible's template module reads it; the line is not output.
import { TemplateError } from './errors.js';
import type { Whitespace } from './nunjucks-internals.js';

const HEADER = '#jinja2:';
const KEYS: Record<string, keyof Whitespace> = { trim_blocks: 'trimBlocks', lstrip_blocks: 'lstripBlocks' };

export function jinja2Header(text: string, file: string): { text: string; ws: Whitespace } {
  const ws: Whitespace = { trimBlocks: true, lstripBlocks: false };
  if (!text.startsWith(HEADER)) return { text, ws };
  const eol = text.indexOf('\n');
  const line = text.slice(HEADER.length, eol < 0 ? text.length : eol);
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    const key = pair.slice(0, colon).trim();
    const value = pair.slice(colon + 1).trim();
    const where = { pos: { file, line: 1, col: 1 } };
    if (colon < 0) throw new TemplateError(`#jinja2: header: '${pair.trim()}' is not 'key: value'`, where);
    const field = KEYS[key];
    if (!field) throw new TemplateError(`#jinja2: header: '${key}' is not supported (trim_blocks and lstrip_blocks are)`, where);
    if (value !== 'True' && value !== 'False') throw new TemplateError(`#jinja2: header: ${key} must be True or False, got '${value}'`, where);
    ws[field] = value === 'True';
  }
  return { text: eol < 0 ? '' : text.slice(eol + 1), ws };
}
