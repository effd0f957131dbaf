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
    fields: Type.Record(Type.String({ pattern: KEY }), Type.Union([Type.String(), Type.Number()]), {
      default: {},
      description: 'Plain `key=value` lines written above the secret (user, endpoint...). Values must be one line.',
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

export function renderSecretFile(a: Args, secret: string): string {
  const lines = a.comment ? [`# ${a.comment.replace(/\n/g, ' ')}`] : [];
  for (const [k, v] of Object.entries(a.fields)) lines.push(`${k}=${String(v).replace(/\n/g, ' ')}`);
  lines.push(`${a.key}=${secret}`);
  return `${lines.join('\n')}\n`;
}

export type SecretFileChange = Change<'delete'> | Change<'create' | 'write'>;

/** Plans with the secret shown as stars: before/after feed --diff, which must never see it. */
export function planSecretFile(a: Args, s: SecretFileState): SecretFileChange[] {
  if (a.state === 'absent') return s.text === null ? [] : [{ action: 'delete', target: a.path, summary: `delete ${a.path}` }];
  const kept = s.values[a.key];
  const after = renderSecretFile(a, HIDDEN);
  const before = s.text === null || kept === undefined ? null : renderSecretFile({ ...a, fields: fieldsOf(s.values, a.key) , comment: commentOf(s.text) }, HIDDEN);
  if (kept !== undefined && s.text === renderSecretFile(a, kept)) return [];
  return [
    {
      action: kept === undefined ? 'create' : 'write',
      target: a.path,
      summary: kept === undefined ? `generate a ${a.length}-character ${a.key} into ${a.path}` : `update the fields of ${a.path}, keeping its ${a.key}`,
      before: before ?? '',
      after,
    },
  ];
}

function fieldsOf(values: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => k !== key));
}

function commentOf(text: string): string | undefined {
  const first = text.split('\n')[0] ?? '';
  return first.startsWith('# ') ? first.slice(2) : undefined;
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
  secretResults: ['value'],
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
          return { data: { value: null } };
        case 'create':
        case 'write': {
          const secret = s.values[a.key] ?? generate(a.length);
          // The folder holds other customers' secrets too: root only.
          await host.run(['mkdir', '-p', '-m', '0700', '--', posix.dirname(a.path)]);
          await writeValidated(host, a.path, renderSecretFile(a, secret), { mode: 0o600, owner: a.owner, group: '0' });
          return { data: { value: secret } };
        }
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s) => ({ path: a.path, value: s.values[a.key] ?? null }),
});
