// A file whose whole content a module decides (copy, template, lineinfile, blockinfile, replace):
// gather content + attributes, plan content and attribute changes, apply through writeValidated.
import { Type } from '@sinclair/typebox';
import { unknownChange, type ApplyOutcome, type HostContext } from '../module.js';
import type { Change } from '../types.js';
import { applyAttributes, attributeChanges, gatherAttributes, type AttributeChange, type AttributeState } from './attributes.js';
import { linesLabel, type FileContentChange } from './diff.js';
import { parseMode } from './mode.js';
import { splitWords } from './split-words.js';
import { writeValidated } from './write-validated.js';

/** Argument schemas shared by every content module, with their descriptions. */
export const contentFileArgs = {
  mode: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: "Permissions: '0644' (quote it) or symbolic 'u=rw,g=r,o='. A replaced file keeps its mode when unset." })),
  owner: Type.Optional(Type.String({ description: 'Owner name (or uid) of the file.' })),
  group: Type.Optional(Type.String({ description: 'Group name (or gid) of the file.' })),
  backup: Type.Boolean({ default: false, description: 'Keep the old content as `<dest>.<timestamp>~` when it changes.' }),
  validate: Type.Optional(Type.String({ description: "Command run on the new content before it is installed; '%s' is the temp file, e.g. 'nginx -t -c %s'. Split into words like a shell would, never run by one." })),
};

/** contentFileArgs as the modules that spread them get them; sysctl and deb822_repository, which do not, pass only what they set. */
export interface ContentFileOptions {
  mode?: string | number;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
}

export interface ContentFileState {
  /** Current content, null when the file does not exist. */
  current: Buffer | null;
  attrs: AttributeState;
}

export async function gatherContentFile(host: HostContext, path: string, o: ContentFileOptions): Promise<ContentFileState> {
  const [current, attrs] = await Promise.all([host.conn.readFile(path, { become: host.become }), gatherAttributes(host, path, o)]);
  return { current, attrs };
}

/** Text we can show in a diff: valid UTF-8 without NUL bytes. */
function asText(b: Buffer | string): string | undefined {
  if (typeof b === 'string') return b;
  if (b.includes(0)) return undefined;
  const text = b.toString('utf8');
  return Buffer.from(text, 'utf8').equals(b) ? text : undefined;
}

/** What planContentFile plans: applyContentFile handles exactly these. */
export type ContentFileChange = FileContentChange | AttributeChange;

/**
 * The changes that make `path` hold `desired` with the wanted attributes: [] when it already does.
 * Content changes carry before/after text (for --diff) unless the content is binary.
 */
export function planContentFile(path: string, desired: Buffer | string, state: ContentFileState, o: ContentFileOptions, opts: { force?: boolean } = {}): ContentFileChange[] {
  const want = typeof desired === 'string' ? Buffer.from(desired, 'utf8') : desired;
  if (state.current !== null && (state.current.equals(want) || opts.force === false)) {
    return attributeChanges(path, o, state.attrs);
  }
  const before = state.current === null ? '' : asText(state.current);
  const after = asText(desired);
  const creating = state.current === null;
  const showable = before !== undefined && after !== undefined;
  const size = showable ? linesLabel(after) : `${want.length} bytes`;
  return [
    {
      action: creating ? 'create' : 'write',
      target: path,
      summary: creating ? `create ${path} (${size})` : `update ${path}${showable ? '' : ` (binary, ${size})`}`,
      ...(showable ? { before, after } : {}),
    },
  ];
}

/** For modules that plan more than content-file changes: picks those out for applyContentFile. */
export function isContentFileChange(c: Change): c is ContentFileChange {
  return c.action === 'create' || c.action === 'write' || c.action === 'attributes';
}

/** What the planned changes ask for; checks every change before anything is done, so an unknown one changes nothing. */
function contentFileSteps(changes: readonly ContentFileChange[]): { write: boolean; attributes: boolean } {
  const steps = { write: false, attributes: false };
  for (const c of changes) {
    switch (c.action) {
      case 'create':
      case 'write':
        steps.write = true;
        break;
      case 'attributes':
        steps.attributes = true;
        break;
      default:
        unknownChange(c);
    }
  }
  return steps;
}

/** Writes content (validated, backed up) and fixes attributes as planned. */
export async function applyContentFile(host: HostContext, path: string, desired: Buffer | string, changes: readonly ContentFileChange[], state: ContentFileState, o: ContentFileOptions): Promise<ApplyOutcome> {
  const data: Record<string, unknown> = {};
  const steps = contentFileSteps(changes);
  if (steps.write) {
    const currentMode = state.attrs.stat?.mode ?? 0o644;
    const written = await writeValidated(host, path, desired, {
      mode: o.mode === undefined ? undefined : parseMode(o.mode, currentMode, false),
      owner: o.owner,
      group: o.group,
      backup: o.backup,
      validate: o.validate === undefined ? undefined : splitWords(o.validate),
      known: { content: state.current, stat: state.attrs.stat },
    });
    if (written.backupPath) data.backup_file = written.backupPath;
  }
  if (steps.attributes) await applyAttributes(host, path, o);
  return { data };
}
