// sysctl: a kernel parameter's line in a sysctl file (default /etc/sysctl.conf), optionally the live
// value too (sysctl_set) and a reload of the file after it changed, with Ansible's arguments.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { applyContentFile, gatherContentFile, isContentFileChange, planContentFile, type ContentFileChange, type ContentFileState } from '../runner/kit/content-file.js';
import type { Change } from '../runner/types.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.*/-]+$', description: 'The parameter, e.g. net.ipv4.ip_forward. Alias: key.' }),
    // A `type` list, not a union: the run-time validator coerces a union's value to its first member
    // (true to 'true'); a list coerces only a value of none of the types, so `value: yes` stays true.
    value: Type.Optional(Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'], description: 'Its value (required for state present). Alias: val.' })),
    val: Type.Optional(Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'], description: 'Alias of value.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: the line is there with value; absent: no line for it.' }),
    sysctl_file: Type.String({ pattern: '^/', default: '/etc/sysctl.conf', description: 'The file holding the line.' }),
    reload: Type.Boolean({ default: true, description: 'Run `sysctl -p FILE` when the file changed.' }),
    sysctl_set: Type.Boolean({ default: false, description: 'Also set the live value with `sysctl -w` when it differs.' }),
    ignoreerrors: Type.Boolean({ default: false, description: 'Pass -e to the reload, ignoring unknown keys.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface SysctlState {
  file: ContentFileState;
  /** The live value (`sysctl -n`), gathered only with sysctl_set; null when the key is unknown. */
  live: string | null;
}

export type SysctlChange = ContentFileChange | Change<'set', string[]> | Change<'reload', string[]>;

/** Values compare with runs of whitespace as one space (the kernel prints tabs between numbers). */
export const normaliseValue = (v: string): string => v.trim().split(/\s+/).join(' ');
const normaliseKey = (k: string): string => k.trim().replace(/\//g, '.');

export function valueOf(a: Args): string | undefined {
  const v = a.value ?? a.val;
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

/** The file's text with the key's line set to value (the first kept, later duplicates dropped) or removed. */
export function editSysctlText(text: string, key: string, value: string | null): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let done = false;
  for (const line of lines) {
    const m = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*)$/.exec(line);
    if (m && normaliseKey(m[1]) === normaliseKey(key)) {
      if (value !== null && !done) out.push(`${key}=${value}`);
      done = true;
      continue;
    }
    out.push(line);
  }
  if (value !== null && !done) out.push(`${key}=${value}`);
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The value the file gives the key, or null. */
export function fileValue(text: string, key: string): string | null {
  let found: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*)$/.exec(line);
    if (m && normaliseKey(m[1]) === normaliseKey(key)) found = m[2].trim();
  }
  return found;
}

export function planSysctl(a: Args, s: SysctlState): SysctlChange[] {
  const file = a.sysctl_file;
  const present = a.state === 'present';
  const value = valueOf(a);
  if (present && value === undefined) throw new ModuleError('sysctl: value is required with state present');
  const text = s.file.current?.toString('utf8') ?? '';
  const current = fileValue(text, a.name);
  const fileOk = present ? current !== null && normaliseValue(current) === normaliseValue(value ?? '') && editSysctlText(text, a.name, current) === text : current === null;
  const changes: SysctlChange[] = fileOk ? [] : planContentFile(file, editSysctlText(text, a.name, present ? (value ?? '') : null), s.file, {});
  if (present && a.sysctl_set && (s.live === null || normaliseValue(s.live) !== normaliseValue(value ?? ''))) {
    const argv = ['sysctl', '-w', `${a.name}=${value}`];
    changes.push({ action: 'set', target: a.name, summary: `set ${a.name} to ${value} (live: ${s.live ?? 'unknown key'})`, data: argv });
  }
  if (!fileOk && a.reload) {
    const argv = ['sysctl', ...(a.ignoreerrors ? ['-e'] : []), '-p', file];
    changes.push({ action: 'reload', target: file, summary: `reload ${file}`, data: argv });
  }
  return changes;
}

async function gatherSysctl(host: HostContext, a: Args): Promise<SysctlState> {
  const file = await gatherContentFile(host, a.sysctl_file, {});
  let live: string | null = null;
  if (a.sysctl_set) {
    const r = await host.exec({ argv: ['sysctl', '-n', '--', a.name] });
    live = r.exitCode === 0 ? r.stdout.trim() : null;
  }
  return { file, live };
}

export default defineModule({
  name: 'sysctl',
  doc:
    'Keeps a kernel parameter\'s `key=value` line in a sysctl file (default /etc/sysctl.conf; the first line for the key is set, ' +
    'duplicates dropped, or the line removed with state absent), written atomically. With sysctl_set the live value is set with ' +
    '`sysctl -w` when it differs; with reload (default) `sysctl -p FILE` runs after the file changed. Changed when the file or the live value changed.',
  example: ['- sysctl:', '    name: net.ipv4.ip_forward', "    value: '1'", '    sysctl_set: true', '    sysctl_file: /etc/sysctl.d/90-osm.conf'].join('\n'),
  args,
  gather: gatherSysctl,
  plan: planSysctl,
  async apply(host, a, changes, s) {
    const file = a.sysctl_file;
    const write = changes.filter(isContentFileChange);
    if (write.length) {
      const text = s.file.current?.toString('utf8') ?? '';
      await applyContentFile(host, file, editSysctlText(text, a.name, a.state === 'present' ? (valueOf(a) ?? '') : null), write, s.file, {});
    }
    for (const c of changes) {
      switch (c.action) {
        case 'create':
        case 'write':
        case 'attributes':
          break; // written above, before set and reload
        case 'set':
        case 'reload':
          if (c.data) await host.run(c.data);
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a) => ({ name: a.name, value: valueOf(a), state: a.state, sysctl_file: a.sysctl_file }),
});
