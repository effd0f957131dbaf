// `osm-play doc [MODULE] [--markdown]`: module documentation from each module's doc, args schema and example.
import type { AnyModule } from '../module.js';

interface PropInfo {
  name: string;
  type: string;
  required: boolean;
  description: string;
  default?: unknown;
}

function typeOf(s: Record<string, unknown>): string {
  if (Array.isArray(s['anyOf'])) {
    const parts = (s['anyOf'] as Record<string, unknown>[]).map((p) => ('const' in p ? JSON.stringify(p['const']) : typeOf(p)));
    return [...new Set(parts)].join(' | ');
  }
  if ('const' in s) return JSON.stringify(s['const']);
  if (s['type'] === 'array') return `list of ${typeOf((s['items'] as Record<string, unknown>) ?? {})}`;
  return typeof s['type'] === 'string' ? s['type'] : 'any';
}

export function moduleProps(mod: AnyModule): PropInfo[] {
  const schema = mod.args as unknown as Record<string, unknown>;
  const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  return Object.entries(props)
    .filter(([name]) => !name.startsWith('_'))
    .map(([name, p]) => ({ name, type: typeOf(p), required: required.has(name), description: String(p['description'] ?? ''), default: p['default'] }));
}

export function docText(mod: AnyModule): string {
  const lines = [`${mod.name}${mod.controllerOnly ? ' (runs on the controller)' : ''}`, '', mod.doc, '', 'Arguments:'];
  for (const p of moduleProps(mod)) {
    const dflt = p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : '';
    lines.push(`  ${p.name}${p.required ? ' (required)' : ''}: ${p.type}${dflt}`);
    if (p.description) lines.push(`      ${p.description}`);
  }
  if (mod.freeForm) lines.push('', `Free form: the string after the module name fills '${mod.freeForm}'.`);
  if (mod.example) lines.push('', 'Example:', ...mod.example.split('\n').map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}

export function docMarkdown(mod: AnyModule): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`## ${mod.name}`, '', mod.doc, '', '| argument | type | required | default | description |', '|---|---|---|---|---|'];
  for (const p of moduleProps(mod)) {
    lines.push(`| \`${p.name}\` | ${esc(p.type)} | ${p.required ? 'yes' : ''} | ${p.default !== undefined ? `\`${esc(JSON.stringify(p.default))}\`` : ''} | ${esc(p.description)} |`);
  }
  if (mod.example) lines.push('', '```yaml', mod.example, '```');
  return lines.join('\n') + '\n';
}

export function docIndex(mods: AnyModule[]): string {
  const width = Math.max(...mods.map((m) => m.name.length));
  return mods.map((m) => `${m.name.padEnd(width)}  ${m.doc.split(/(?<=\.)\s/)[0] ?? ''}`).join('\n') + '\n';
}
