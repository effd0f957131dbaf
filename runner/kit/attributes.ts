// Mode/owner/group of an existing path: gather, plan as a Change, apply with chmod/chown.
import type { StatResult } from '../connection/types.js';
import type { HostContext } from '../module.js';
import type { Change } from '../types.js';
import { formatMode, parseMode } from './mode.js';
import { resolveOwner } from './owner.js';

export interface WantedAttributes {
  mode?: string | number;
  owner?: string;
  group?: string;
}

export interface AttributeState {
  stat: StatResult | null;
  /** Ids of the wanted owner/group on the host: undefined when not asked, null when unknown there. */
  uid?: number | null;
  gid?: number | null;
}

export async function gatherAttributes(host: HostContext, path: string, wanted: WantedAttributes): Promise<AttributeState> {
  const [stat, ids] = await Promise.all([host.stat(path), resolveOwner(host, wanted.owner, wanted.group)]);
  return { stat, ...ids };
}

/** The change attributeChanges plans, for modules' change unions. */
export type AttributeChange = Change<'attributes', WantedAttributes>;

/** [] when the existing path already has the wanted attributes (or does not exist: creation sets them). */
export function attributeChanges(path: string, wanted: WantedAttributes, state: AttributeState): AttributeChange[] {
  const st = state.stat;
  if (!st) return [];
  const parts: string[] = [];
  const before: string[] = [];
  const after: string[] = [];
  const differs = (key: string, was: string, want: string) => {
    parts.push(`${key} ${was} -> ${want}`);
    before.push(`${key}: ${was}\n`);
    after.push(`${key}: ${want}\n`);
  };
  if (wanted.mode !== undefined) {
    const mode = parseMode(wanted.mode, st.mode, st.isDir);
    if (mode !== st.mode) differs('mode', formatMode(st.mode), formatMode(mode));
  }
  if (wanted.owner !== undefined && state.uid !== st.uid) differs('owner', String(st.uid), wanted.owner);
  if (wanted.group !== undefined && state.gid !== st.gid) differs('group', String(st.gid), wanted.group);
  if (parts.length === 0) return [];
  // before/after as `key: value` lines so --diff shows attribute changes too.
  return [{ action: 'attributes', target: path, summary: `${path}: ${parts.join(', ')}`, before: before.join(''), after: after.join(''), data: wanted }];
}

/** chmod/chown as planned; mode is recomputed against the current mode for symbolic modes. */
export async function applyAttributes(host: HostContext, path: string, wanted: WantedAttributes, opts: { recurse?: boolean } = {}): Promise<void> {
  const recurse = opts.recurse ? ['-R'] : [];
  if (wanted.owner !== undefined || wanted.group !== undefined) {
    const spec = wanted.group === undefined ? (wanted.owner ?? '') : `${wanted.owner ?? ''}:${wanted.group}`;
    await host.run(['chown', ...recurse, '--', spec, path]);
  }
  if (wanted.mode !== undefined) {
    const st = await host.stat(path);
    const mode = typeof wanted.mode === 'string' && !/^(0o)?[0-7]+$/.test(wanted.mode.trim()) && opts.recurse
      ? wanted.mode.trim() // symbolic modes recurse best through chmod itself
      : formatMode(parseMode(wanted.mode, st?.mode ?? 0, st?.isDir ?? false));
    await host.run(['chmod', ...recurse, '--', mode, path]);
  }
}
