// Text shapes shared by the plain and live reporters, so both say the same thing.
import type { HostRecap, SourcePos } from '../types.js';
import type { ItemResult, ReportedResult } from './events.js';

export function formatPos(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}` : '';
}

/** Ansible's word for a status: `ok`, `changed`, `skipping`, `failed`, and `UNREACHABLE`, which it shouts too. */
export function statusWord(r: { status: ReportedResult['status'] }): string {
  if (r.status === 'unreachable') return 'UNREACHABLE';
  return r.status === 'skipped' ? 'skipping' : r.status;
}

/** `ok: [web1] Install nginx`, with `...ignoring` for ignored failures. */
export function resultLine(r: ReportedResult): string {
  const who = r.delegatedTo ? `${r.host} -> ${r.delegatedTo}` : r.host;
  let line = `${statusWord(r)}: [${who}] ${r.task}`;
  const why = r.error ?? (r.status === 'failed' || r.status === 'unreachable' ? r.msg : undefined);
  if (why) line += `: ${why}`;
  if (r.ignored) line += ' ...ignoring';
  if (r.rescued) line += ' (rescued)';
  return line;
}

export function itemLine(host: string, item: ItemResult): string {
  let line = `${statusWord(item)}: [${host}] => (item=${item.label})`;
  const why = item.error ?? (item.status === 'failed' ? item.msg : undefined);
  if (why) line += `: ${why}`;
  return line;
}

/** Change summaries: in check mode they are what would happen. */
export function changeLines(changes: ReportedResult['changes'], check: boolean): string[] {
  return changes.map((c) => {
    const s = c.summary || `${c.action} ${c.target}`;
    if (check && !/^would\b/.test(s)) return `  would ${s}`;
    return `  ${s}`;
  });
}

/** What a debug-like task asked to show, as readable text. */
export function displayText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

export const RECAP_KEYS: (keyof HostRecap)[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];

/** `PLAY RECAP` lines, one per host, columns aligned. */
export function recapLines(hosts: Record<string, HostRecap>): string[] {
  const names = Object.keys(hosts).sort();
  const width = Math.max(0, ...names.map((n) => n.length));
  return names.map((n) => {
    const r = hosts[n]!;
    return `${n.padEnd(width)} : ${RECAP_KEYS.map((k) => `${k}=${r[k]}`.padEnd(k.length + 5)).join(' ').trimEnd()}`;
  });
}

export function banner(title: string, width = 79): string {
  const t = `${title} `;
  return t + '*'.repeat(Math.max(3, width - t.length));
}
