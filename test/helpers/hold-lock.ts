// A separate process that takes a host lock and holds it until killed: tests kill -9 it and check
// that nothing is left blocking the next run. Usage: tsx hold-lock.ts '<json>'
//   { "kind": "local" | "ssh", "host": "name", "vars": {...}, "lockDir": "/tmp/x", "timeoutMs": 5000 }
import { LocalConnection } from '../../runner/connection/local.js';
import { createSshConnection } from '../../runner/connection/ssh.js';
import type { Connection } from '../../runner/connection/types.js';
import { acquireHostLock, describeHolder } from '../../runner/execute/host-lock.js';

interface Spec {
  kind: 'local' | 'ssh';
  host: string;
  vars?: Record<string, unknown>;
  lockDir: string;
  timeoutMs: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
  const conn: Connection =
    spec.kind === 'local' ? new LocalConnection(spec.host) : await createSshConnection(spec.host, spec.vars ?? {});
  await acquireHostLock(conn, { timeoutMs: spec.timeoutMs, holder: describeHolder(), lockDir: spec.lockDir });
  process.stdout.write('LOCKED\n');
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(3);
});
