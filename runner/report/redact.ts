// Secret redaction. One Redactor per run collects every secret value (params marked secret,
// values of a module's secretArgs, the become password, args and output of no_log tasks) and
// every output path (terminal, diff, JSON, JUnit, error messages) passes its text through it.

export const REDACTED = '********';
export const NO_LOG_MESSAGE = '(output hidden: no_log)';

/** Shorter values would shred ordinary output ("yes", "on"); such secrets are not worth hiding. */
const MIN_SECRET_LENGTH = 3;

export class Redactor {
  private readonly secrets = new Set<string>();
  /** Longest first, so a secret containing another is replaced whole. */
  private sorted: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret, plus the forms it takes once JSON-escaped. Numbers and booleans count as their text. */
  add(value: unknown): void {
    if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    const forms = [value, JSON.stringify(value).slice(1, -1)];
    // A multi-line secret may be printed line by line (stdout_lines, diff hunks).
    for (const line of value.split('\n')) if (line.trim().length >= MIN_SECRET_LENGTH + 3) forms.push(line);
    let grew = false;
    for (const f of forms) {
      if (!this.secrets.has(f)) {
        this.secrets.add(f);
        grew = true;
      }
    }
    if (grew) this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  /** Adds every string leaf of a value (used for no_log task args). */
  addDeep(value: unknown): void {
    if (Array.isArray(value)) for (const v of value) this.addDeep(v);
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) this.addDeep(v);
    else this.add(value);
  }

  get size(): number {
    return this.secrets.size;
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.sorted) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** Redacts strings anywhere inside a value (objects, arrays), returning a copy. */
  deep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value instanceof Error) return value;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.text(k)] = this.walk(v);
      return out;
    }
    return value;
  }
}
