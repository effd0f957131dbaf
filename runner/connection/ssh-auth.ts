// Client authentication, in OpenSSH's order: agent keys, then key files, then a password.
// Remembers what was tried so an auth failure can say so.
import { readFileSync } from 'node:fs';
// ssh2 is CommonJS: Node's ESM loader sees only its default export.
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType } from 'ssh2';
import type { SshTarget } from './ssh-target.js';

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** Human description of the methods tried so far, for the failure message. */
  tried(): string;
}

/** Loads the key files that ssh2 can use; encrypted or unreadable keys are skipped with a note. */
function loadKeys(files: string[], notes: string[]): Array<{ file: string; key: Buffer }> {
  const out: Array<{ file: string; key: Buffer }> = [];
  for (const file of files) {
    let key: Buffer;
    try {
      key = readFileSync(file);
    } catch (err) {
      notes.push(`${file} unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    const parsed = ssh2.utils.parseKey(key);
    if (parsed instanceof Error) {
      notes.push(`${file} skipped (${parsed.message})`);
      continue;
    }
    out.push({ file, key });
  }
  return out;
}

export function planAuth(t: SshTarget): AuthPlan {
  const notes: string[] = [];
  const candidates: Array<{ label: string; method: AnyAuthMethod }> = [];
  if (t.agentSocket) {
    candidates.push({ label: 'ssh-agent', method: { type: 'agent', username: t.user, agent: t.agentSocket } });
  }
  for (const { file, key } of loadKeys(t.keyFiles, notes)) {
    candidates.push({ label: `key ${file}`, method: { type: 'publickey', username: t.user, key } });
  }
  if (t.password !== undefined) {
    candidates.push({ label: 'password', method: { type: 'password', username: t.user, password: t.password } });
  }
  const tried: string[] = [];
  let next = 0;
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, callback) => {
    const allowed = (type: AuthenticationType): boolean =>
      !Array.isArray(methodsLeft) || methodsLeft.includes(type === 'agent' ? 'publickey' : type);
    while (next < candidates.length) {
      const c = candidates[next++]!;
      if (!allowed(c.method.type)) continue;
      tried.push(c.label);
      callback(c.method);
      return;
    }
    callback(false as unknown as AnyAuthMethod);
  };
  return {
    handler,
    tried: () => {
      const parts = [...tried, ...notes];
      return parts.length > 0 ? parts.join(', ') : 'no key, agent or password available';
    },
  };
}
