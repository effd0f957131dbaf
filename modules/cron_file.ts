// cron_file: a whole /etc/cron.d/<name> file from a list of entries, validated before it is written.
import { Type, type Static } from '@sinclair/typebox';
import { fileChange, writeValidated, type FileContentChange } from '../runner/kit/index.js';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { checkCronName, renderCronFile, validateCronText } from './lib/cron/file.js';

const field = (what: string) => Type.Optional(Type.String({ minLength: 1, description: `${what}; default *.` }));

const entry = Type.Object(
  {
    minute: field('Minute (0-59, lists, ranges, steps), or a nickname such as @reboot or @daily (then leave the other time fields out)'),
    hour: field('Hour (0-23)'),
    day: field('Day of month (1-31)'),
    month: field('Month (1-12 or jan-dec)'),
    weekday: field('Day of week (0-7 or sun-sat)'),
    user: Type.String({ default: 'root', description: 'The user the job runs as.' }),
    job: Type.String({ minLength: 1, description: 'The command line (a literal % must be written \\%).' }),
    comment: Type.Optional(Type.String({ description: 'A comment line written above the entry.' })),
  },
  { additionalProperties: false },
);

const args = Type.Object({
  name: Type.String({ description: 'File name under cron_d: letters, digits, _ and - only (cron skips other names).' }),
  entries: Type.Array(entry, { default: [], description: 'The jobs, in order.' }),
  env: Type.Record(Type.String(), Type.String(), { default: {}, description: 'Variables at the top of the file (SHELL, PATH, MAILTO...).' }),
  state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: '`absent` removes the file.' }),
  cron_d: Type.String({ default: '/etc/cron.d', pattern: '^/', description: 'Directory cron reads the file from.' }),
});

export interface CronFileState {
  current: string | null;
  mode: number | null;
}

/** What the plan reads of the arguments. */
type PlanArgs = Pick<Static<typeof args>, 'name' | 'entries' | 'env' | 'state' | 'cron_d'>;

export function cronPath(a: { name: string; cron_d: string }): string {
  const bad = checkCronName(a.name);
  if (bad) throw new ModuleError(bad);
  return `${a.cron_d.replace(/\/+$/, '')}/${a.name}`;
}

/** The file text for the args; ModuleError listing every invalid field. */
export function cronContent(a: PlanArgs): string {
  let text: string;
  try {
    text = renderCronFile(a.entries, a.env, `managed by osm-play (cron_file ${a.name}): local edits are overwritten`);
  } catch (err) {
    throw new ModuleError(`cron_file ${a.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const problems = validateCronText(text);
  if (problems.length > 0) throw new ModuleError(`cron_file ${a.name}: ${problems.join('; ')}`);
  return text;
}

/** What cron_file plans: remove the file, write it, or only fix its mode. */
export type CronFileChange = Change<'delete'> | FileContentChange | Change<'chmod'>;

export function planCronFile(a: PlanArgs, s: CronFileState): CronFileChange[] {
  const path = cronPath(a);
  if (a.state === 'absent') {
    return s.current === null ? [] : [{ action: 'delete', target: path, summary: `remove ${path}`, before: s.current, after: '' }];
  }
  const changes: CronFileChange[] = fileChange(path, s.current, cronContent(a));
  if (changes.length === 0 && s.mode !== 0o644) changes.push({ action: 'chmod', target: path, summary: `chmod 644 ${path}` });
  return changes;
}

export default defineModule({
  name: 'cron_file',
  doc:
    'Writes /etc/cron.d/<name> from a list of entries (five time fields, a user, a command) and optional ' +
    'environment lines. Every field is checked (ranges, names, steps; an unescaped % is refused since cron turns ' +
    'it into a newline) and the whole text is validated before it is written atomically, mode 0644. ' +
    'Changed when the rendered text or the mode differs; `absent` removes the file.',
  example: `- name: nightly backup of the containers
  cron_file:
    name: osm-backup
    env: { SHELL: /bin/sh, PATH: "/usr/sbin:/usr/bin:/sbin:/bin" }
    entries:
      - { minute: "43", hour: "2", user: root, job: "/opt/devtank/backup.sh >> /var/log/osm-backup 2>&1" }`,
  args,
  async gather(host, a) {
    const path = cronPath(a);
    const current = await host.readFile(path);
    return { current, mode: current === null ? null : ((await host.stat(path))?.mode ?? null) };
  },
  plan(a, s) {
    return planCronFile(a, s);
  },
  async apply(host, a, changes) {
    const path = cronPath(a);
    for (const c of changes) {
      switch (c.action) {
        case 'delete':
          await host.run(['rm', '-f', '--', path]);
          break;
        case 'create':
        case 'write':
        case 'chmod': // the same text written again gets mode 0644
          await writeValidated(host, path, cronContent(a), { mode: 0o644 });
          break;
        default:
          unknownChange(c);
      }
    }
    return { data: { path } };
  },
  result(a) {
    return { path: cronPath(a) };
  },
});
