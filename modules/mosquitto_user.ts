// mosquitto_user: one user line in a mosquitto password file, checked against the password in node
// (PBKDF2/SHA-512, as mosquitto_passwd does), so the password never reaches a command line and the
// file is only rewritten when the stored hash does not match.
import { Type, type Static } from '@sinclair/typebox';
import { writeValidated, type FileContentChange } from '../runner/kit/index.js';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { makeMosquittoHash, parsePasswdFile, verifyMosquittoHash } from './lib/mosquitto/hash.js';

const args = Type.Object({
  file: Type.String({ pattern: '^/', description: 'The mosquitto password file (password_file in mosquitto.conf).' }),
  user: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^:\\s]+$', description: 'MQTT user name (no colon or spaces).' }),
  password: Type.Optional(Type.String({ minLength: 1, description: 'The password (secret: never shown). Required for state=present.' })),
  state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: '`absent` removes the user line.' }),
  owner: Type.Optional(Type.String({ description: 'File owner (mosquitto 2.0.16+ wants the file owned by its user, e.g. mosquitto).' })),
  group: Type.Optional(Type.String({ description: 'File group; when given the mode is 0640, else 0600.' })),
});

export interface MosquittoUserState {
  /** File text, or null when missing. */
  content: string | null;
  /** The user's line exists. */
  exists: boolean;
  /** The stored hash matches the given password (computed in gather: plan stays pure and secret-free). */
  matches: boolean;
  mode: number | null;
}

/** Replaces every hash after `user:` with a marker, so a diff shows which lines changed but no hash. */
export function redactHashes(text: string): string {
  return text.replace(/^([^:#\n][^:\n]*):.*$/gm, '$1:<hash redacted>');
}

/** The file with `user`'s line set to `line` (appended when missing) or removed when line is null. */
export function withUserLine(content: string | null, user: string, line: string | null): string {
  const lines = (content ?? '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const idx = lines.findIndex((l) => l.startsWith(`${user}:`));
  if (line === null) {
    if (idx >= 0) lines.splice(idx, 1);
  } else if (idx >= 0) lines[idx] = line;
  else lines.push(line);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** What the plan reads of the arguments. */
type PlanArgs = Pick<Static<typeof args>, 'file' | 'user' | 'state' | 'group'>;

export function wantedMode(a: { group?: string }): number {
  return a.group !== undefined ? 0o640 : 0o600;
}

/** What mosquitto_user plans: the file written (created) with the user's line set or removed, or only its mode fixed. */
export type MosquittoUserChange = FileContentChange | Change<'chmod'>;

/** Pure: what to write. `after` holds a placeholder hash; apply makes the real one. */
export function planMosquittoUser(a: PlanArgs, s: MosquittoUserState): MosquittoUserChange[] {
  const marker = `${a.user}:<new hash>`;
  if (a.state === 'absent') {
    if (!s.exists) return [];
    const after = withUserLine(s.content, a.user, null);
    return [{ action: 'write', target: a.file, summary: `remove user ${a.user} from ${a.file}`, before: redactHashes(s.content ?? ''), after: redactHashes(after) }];
  }
  const out: MosquittoUserChange[] = [];
  if (!s.exists || !s.matches) {
    const after = withUserLine(s.content, a.user, marker);
    out.push({
      action: s.exists ? 'write' : s.content === null ? 'create' : 'write',
      target: a.file,
      summary: s.exists ? `set a new password for ${a.user} in ${a.file}` : `add user ${a.user} to ${a.file}`,
      before: redactHashes(s.content ?? ''),
      after: redactHashes(after),
    });
  } else if (s.mode !== wantedMode(a)) {
    out.push({ action: 'chmod', target: a.file, summary: `chmod ${wantedMode(a).toString(8)} ${a.file}` });
  }
  return out;
}

export default defineModule({
  name: 'mosquitto_user',
  doc:
    'Keeps one user in a mosquitto password file. The stored hash ($7$ PBKDF2-SHA512 or $6$ salted SHA-512) is ' +
    'checked against the password in node; only a missing user or a non-matching hash rewrites the line, with a ' +
    'new $7$ hash (101 iterations, as mosquitto_passwd 2 makes) computed in node: the password is never on a ' +
    'command line. The file is written atomically, mode 0600 (0640 with `group`). Diffs show which user line ' +
    'changed with every hash redacted. mosquitto re-reads the file on SIGHUP: notify a handler that reloads it.',
  example: `- name: the customer's MQTT user
  mosquitto_user:
    file: /etc/mosquitto/passwd
    user: "{{ customer_name }}"
    password: "{{ mqtt_password }}"
    owner: mosquitto
    group: mosquitto
  notify: reload mosquitto`,
  args,
  secretArgs: ['password'],
  async gather(host, a) {
    const content = await host.readFile(a.file);
    const entry = parsePasswdFile(content ?? '').find((e) => e.user === a.user);
    const matches = entry !== undefined && a.password !== undefined && verifyMosquittoHash(entry.hash, a.password);
    const st = content === null ? null : await host.stat(a.file);
    return { content, exists: entry !== undefined, matches, mode: st?.mode ?? null };
  },
  plan(a, s) {
    if (a.state === 'present' && a.password === undefined) throw new ModuleError('mosquitto_user: password is required for state=present');
    return planMosquittoUser(a, s);
  },
  async apply(host, a, changes, s) {
    // Each change is made by writing the whole file (a chmod too): the switch only proves there is no other kind.
    for (const c of changes) {
      switch (c.action) {
        case 'create':
        case 'write':
        case 'chmod':
          break;
        default:
          unknownChange(c);
      }
    }
    const line = a.state === 'absent' ? null : `${a.user}:${makeMosquittoHash(a.password ?? '')}`;
    const content = line === null || !s.exists || !s.matches ? withUserLine(s.content, a.user, line) : (s.content ?? '');
    await writeValidated(host, a.file, content, { mode: wantedMode(a), owner: a.owner, group: a.group });
    return { data: { file: a.file, user: a.user } };
  },
  result(a) {
    return { file: a.file, user: a.user };
  },
});
