// /etc/cron.d file rendering and validation: five time fields, a user, a command.

export interface CronEntry {
  minute?: string;
  hour?: string;
  day?: string;
  month?: string;
  weekday?: string;
  user: string;
  job: string;
  comment?: string;
}

const FIELD = /^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
const NAMES = /^[0-9]+$|^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i;
const RANGES: [string, number, number][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day', 1, 31],
  ['month', 1, 12],
  ['weekday', 0, 7],
];

/** Problems with one time field (empty list when valid). Accepts *, lists, ranges, steps and names. */
export function checkField(name: string, value: string, min: number, max: number): string[] {
  if (!FIELD.test(value)) return [`${name} '${value}' is not a cron field`];
  const errs: string[] = [];
  for (const atom of value.split(',')) {
    for (const part of atom.replace(/\/\d+$/, '').split('-')) {
      if (part === '*') continue;
      if (!NAMES.test(part)) errs.push(`${name} '${part}' is not a number or a month/day name`);
      else if (/^\d+$/.test(part) && (Number(part) < min || Number(part) > max)) {
        errs.push(`${name} ${part} is outside ${min}-${max}`);
      }
    }
  }
  return errs;
}

/** A cron.d file name: run-parts ignores names with dots and other characters, so refuse them. */
export function checkCronName(name: string): string | null {
  return /^[A-Za-z0-9_-]+$/.test(name) ? null : `cron.d name '${name}' may only hold letters, digits, _ and -`;
}

/** cron's nicknames, written in `minute` (e.g. minute: "@reboot") with the other time fields left out. */
export const SPECIAL_TIMES = new Set(['@reboot', '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function isSpecial(e: CronEntry): boolean {
  return e.minute?.startsWith('@') === true;
}

export function checkEntry(e: CronEntry, index: number): string[] {
  const errs: string[] = [];
  const at = `entries[${index}]`;
  if (isSpecial(e)) {
    if (!SPECIAL_TIMES.has(e.minute ?? '')) errs.push(`${at}: '${e.minute ?? ''}' is not one of ${[...SPECIAL_TIMES].join(' ')}`);
    for (const key of ['hour', 'day', 'month', 'weekday'] as const) {
      if (e[key] !== undefined) errs.push(`${at}: ${key} cannot be combined with ${e.minute ?? ''}`);
    }
  } else {
    for (const [key, min, max] of RANGES) {
      const v = e[key as keyof CronEntry] ?? '*';
      errs.push(...checkField(key, v, min, max).map((m) => `${at}: ${m}`));
    }
  }
  if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(e.user)) errs.push(`${at}: user '${e.user}' is not a user name`);
  if (e.job.trim() === '') errs.push(`${at}: job is empty`);
  if (/[\n\r]/.test(e.job)) errs.push(`${at}: job spans lines`);
  // cron turns an unescaped % into a newline (stdin for the job): almost always a mistake like `date +%F`.
  if (/(^|[^\\])%/.test(e.job)) errs.push(`${at}: job has an unescaped % (cron reads it as a newline): write \\%`);
  if (e.comment !== undefined && /[\n\r]/.test(e.comment)) errs.push(`${at}: comment spans lines`);
  return errs;
}

const ENV_KEY = /^[A-Z_][A-Z0-9_]*$/;

/** Renders the file; throws with every problem when an entry or env line is invalid. */
export function renderCronFile(entries: CronEntry[], env: Record<string, string>, header: string): string {
  const errs = entries.flatMap((e, i) => checkEntry(e, i));
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_KEY.test(k)) errs.push(`env ${k}: not a variable name`);
    if (/[\n\r]/.test(v)) errs.push(`env ${k}: value spans lines`);
  }
  if (errs.length > 0) throw new Error(errs.join('; '));
  const lines = [`# ${header}`];
  for (const [k, v] of Object.entries(env)) lines.push(`${k}=${v}`);
  for (const e of entries) {
    if (e.comment) lines.push(`# ${e.comment}`);
    const time = isSpecial(e) ? (e.minute ?? '') : [e.minute, e.hour, e.day, e.month, e.weekday].map((f) => f ?? '*').join(' ');
    lines.push(`${time} ${e.user} ${e.job}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Checks a whole cron.d text line by line (what cron itself would reject). */
export function validateCronText(text: string): string[] {
  const errs: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(line)) return;
    const f = line.split(/\s+/);
    if (f[0]?.startsWith('@')) {
      if (!SPECIAL_TIMES.has(f[0])) errs.push(`line ${i + 1}: unknown schedule ${f[0]}`);
      if (f.length < 3) errs.push(`line ${i + 1}: '@' schedule needs a user and a command`);
      return;
    }
    if (f.length < 7) {
      errs.push(`line ${i + 1}: needs five time fields, a user and a command`);
      return;
    }
    RANGES.forEach(([key, min, max], k) => errs.push(...checkField(key, f[k] ?? '', min, max).map((m) => `line ${i + 1}: ${m}`)));
  });
  if (text !== '' && !text.endsWith('\n')) errs.push('the file must end with a newline (cron ignores the last line otherwise)');
  return errs;
}
