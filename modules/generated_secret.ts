// generated_secret: a root-only file holding a generated secret (and a few plain fields beside it).
// The secret is made once and kept on re-runs, so a password handed to a customer stays valid.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, unknownChange } from '../runner/module.js';
import { writeValidated } from '../runner/kit/index.js';
import type { Change } from '../runner/types.js';

const KEY = '^[a-z][a-z0-9_]{0,63}$';
const HIDDEN = '********';

const args = Type.Object(
  {
    path: Type.String({ pattern: '^/', description: 'The file; created 0600, owned by owner.' }),
    key: Type.String({ pattern: KEY, default: 'password', description: 'Name of the secret in the file (`key=value` line).' }),
    secrets: Type.Array(Type.String({ pattern: KEY }), {
      default: [],
      uniqueItems: true,
      description: 'Further secrets kept in the same file, each generated once (e.g. one per service of the customer); registered in `values`.',
    }),
    fields: Type.Record(Type.String({ pattern: KEY }), Type.Union([Type.String(), Type.Number()]), {
      default: {},
      description: 'Plain `key=value` lines written above the secret (user, endpoint...). Values must be one line.',
    }),
    given: Type.Record(Type.String({ pattern: KEY }), Type.String({ pattern: '^[^\\n]*$' }), {
      default: {},
      description:
        'Secrets made elsewhere (a token a server generated) kept in the file beside the generated ones: written when missing or ' +
        'different, hidden like them in every output, registered in `values`. Another task can add them to a file made earlier.',
    }),
    length: Type.Integer({ minimum: 12, maximum: 128, default: 24, description: 'Length of a newly generated secret (URL-safe characters).' }),
    comment: Type.Optional(Type.String({ description: 'A `#` line at the top saying what the file is.' })),
    owner: Type.String({ default: '0', description: 'Owner of the file (name or uid; 0 is root).' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'absent deletes the file (and the secret).' }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export interface SecretFileState {
  text: string | null;
  values: Record<string, string>;
}

export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z][a-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** The secret names of the file, the main key first. */
export function secretKeys(a: Pick<Args, 'key' | 'secrets'>): string[] {
  return [a.key, ...a.secrets.filter((k) => k !== a.key)];
}

/** A `key=value` line: values are one line. */
const line = (k: string, v: string | number) => `${k}=${String(v).replace(/\n/g, ' ')}`;

/** Every line the task names, with its value: plain fields, the secrets (from `secrets`), then the given values. */
function namedValues(a: Args, secrets: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(a.fields)) out.set(k, String(v));
  for (const k of secretKeys(a)) out.set(k, secrets[k] ?? '');
  for (const [k, v] of Object.entries(a.given)) out.set(k, v);
  return out;
}

/**
 * The file. A new one: comment, plain fields, the secrets, the given values. An existing one is
 * edited in place: named lines take their values where they are, missing ones are added at the end,
 * and every other line stays (a secret dropped from a task must not be lost with the file's
 * rewrite). In place, so two tasks that keep lines of one file never undo each other's order.
 */
export function renderSecretFile(a: Args, secrets: Record<string, string>, existing: string | null = null): string {
  const named = namedValues(a, secrets);
  const comment = a.comment ? `# ${a.comment.replace(/\n/g, ' ')}` : null;
  if (existing === null) return `${[...(comment ? [comment] : []), ...[...named].map(([k, v]) => line(k, v))].join('\n')}\n`;
  const lines = existing.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const seen = new Set<string>();
  const out = lines.map((l, i) => {
    if (i === 0 && comment && l.startsWith('#')) return comment;
    const m = /^([a-z][a-z0-9_]*)=/.exec(l);
    const k = m?.[1];
    if (k === undefined || !named.has(k)) return l;
    seen.add(k);
    return line(k, named.get(k) ?? '');
  });
  if (comment && !lines[0]?.startsWith('#')) out.unshift(comment);
  for (const [k, v] of named) if (!seen.has(k)) out.push(line(k, v));
  return `${out.join('\n')}\n`;
}

const hidden = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, HIDDEN]));

export type SecretFileChange = Change<'delete'> | Change<'create' | 'write'>;

/** Plans with the secret shown as stars: before/after feed --diff, which must never see it. */
export function planSecretFile(a: Args, s: SecretFileState): SecretFileChange[] {
  if (a.state === 'absent') return s.text === null ? [] : [{ action: 'delete', target: a.path, summary: `delete ${a.path}` }];
  const keys = secretKeys(a);
  const missing = keys.filter((k) => s.values[k] === undefined);
  if (missing.length === 0 && s.text === renderSecretFile(a, s.values, s.text)) return [];
  const before = s.text === null ? '' : redactedText(a, s.text);
  const after = renderSecretFile({ ...a, given: hidden(Object.keys(a.given)) }, hidden(keys), s.text === null ? null : before);
  const newGiven = Object.keys(a.given).filter((k) => s.values[k] !== a.given[k]);
  return [
    {
      action: s.text === null ? 'create' : 'write',
      target: a.path,
      summary:
        missing.length > 0
          ? `generate ${missing.map((k) => `a ${a.length}-character ${k}`).join(', ')} into ${a.path}${missing.length < keys.length ? ', keeping the others' : ''}`
          : newGiven.length > 0
            ? `record ${newGiven.join(', ')} in ${a.path}, keeping its secrets`
            : `update the fields of ${a.path}, keeping its secrets`,
      before,
      after,
    },
  ];
}

/** A line of the file whose value must never be shown: a named secret, or one the task does not name. */
function secretLike(a: Args, key: string): boolean {
  return !(key in a.fields);
}

/** The file as it is, every value but the task's plain fields shown as stars. */
function redactedText(a: Args, text: string): string {
  return text.replace(/^([a-z][a-z0-9_]*)=(.*)$/gm, (line, k: string) => (secretLike(a, k) ? `${k}=${HIDDEN}` : line));
}


function generate(length: number): string {
  return randomBytes(length).toString('base64url').slice(0, length);
}

export default defineModule({
  name: 'generated_secret',
  doc:
    'Keeps a secret in a root-only file (mode 0600) as a `key=value` line, with optional plain fields above it. ' +
    'The secret is generated (URL-safe random) the first time and kept on every later run, so re-runs never ' +
    'change a password already handed out. Registers `value` (the secret, redacted in every output) and `path`. ' +
    'Changed when the file is created or its plain fields change. Diffs show the secret as stars.',
  example: [
    '- name: MQTT password for the customer',
    '  generated_secret:',
    '    path: "/root/osm-credentials/{{ customer_name }}.txt"',
    '    fields: { user: "{{ customer_name }}", endpoint: "mqtts://{{ customer_name }}-mqtt.{{ osm_domain }}:{{ mqtt_port }}" }',
    '  register: mqtt_secret',
  ].join('\n'),
  args,
  secretResults: ['value', 'values'],
  async gather(host, a): Promise<SecretFileState> {
    const text = await host.readFile(a.path);
    return { text, values: text === null ? {} : parseKeyValues(text) };
  },
  plan: (a, s) => planSecretFile(a, s),
  async apply(host, a, changes, s) {
    // The plan is one change: it decides the whole apply.
    for (const c of changes) {
      switch (c.action) {
        case 'delete':
          await host.run(['rm', '-f', '--', a.path]);
          return { data: { value: null, values: {} } };
        case 'create':
        case 'write': {
          const values = Object.fromEntries(secretKeys(a).map((k) => [k, s.values[k] ?? generate(a.length)]));
          // The folder holds other customers' secrets too: root only.
          await host.run(['mkdir', '-p', '-m', '0700', '--', posix.dirname(a.path)]);
          await writeValidated(host, a.path, renderSecretFile(a, values, s.text), { mode: 0o600, owner: a.owner, group: '0' });
          return { data: { value: values[a.key], values: { ...values, ...a.given } } };
        }
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s) => ({
    path: a.path,
    value: s.values[a.key] ?? null,
    values: { ...Object.fromEntries(secretKeys(a).map((k) => [k, s.values[k] ?? null])), ...a.given },
  }),
});
