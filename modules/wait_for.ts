// wait_for: waits until a TCP port or a path on the host reaches a state, polling through the
// host's own connection (so over ssh it checks the remote side), with short waits between polls.
import { Type, type Static } from '@sinclair/typebox';
import { defineReadOnlyModule, ModuleError, type HostContext } from '../runner/module.js';
import type { Command } from '../runner/connection/types.js';

const args = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Address to check the port on, as seen from the target host.' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port to wait for.' })),
    path: Type.Optional(Type.String({ description: 'File to wait for (present/absent).' })),
    state: Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('present'), Type.Literal('absent'), Type.Literal('drained')], {
      default: 'started',
      description: 'started/present: wait until it accepts connections or exists; stopped/absent: until it does not; drained: no established connections on the port.',
    }),
    timeout: Type.Number({ minimum: 0, default: 300, description: 'Seconds before failing.' }),
    delay: Type.Number({ minimum: 0, default: 0, description: 'Seconds to wait before the first check.' }),
    sleep: Type.Number({ minimum: 0.05, default: 0.5, description: 'Seconds between checks.' }),
    msg: Type.Optional(Type.String({ description: 'Message on timeout.' })),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

/** Whether the thing is there: the port accepts connections / has connections, or the path exists. */
export type Probe = { kind: 'port'; want: boolean; cmd: Command } | { kind: 'drained'; cmd: Command } | { kind: 'path'; want: boolean; path: string };

// Connects with bash's /dev/tcp; host and port arrive as positional parameters, never inside the script.
const TCP_PROBE = 'exec 3<>"/dev/tcp/$1/$2"';

export function probeFor(a: Pick<Args, 'host' | 'port' | 'path' | 'state'>): Probe {
  const { state } = a;
  if (a.port !== undefined && a.path !== undefined) throw new ModuleError('wait_for: give port or path, not both');
  if (a.path !== undefined) {
    if (state === 'drained') throw new ModuleError('wait_for: drained applies to ports only');
    return { kind: 'path', want: state === 'started' || state === 'present', path: a.path };
  }
  if (a.port === undefined) throw new ModuleError('wait_for: give port or path');
  if (state === 'drained') return { kind: 'drained', cmd: { argv: ['ss', '-Htn', 'state', 'established', `( sport = :${a.port} )`] } };
  return { kind: 'port', want: state === 'started' || state === 'present', cmd: { argv: ['timeout', '2', 'bash', '-c', TCP_PROBE, 'wait_for', a.host, String(a.port)] } };
}

/** ss -Htn output: any non-empty line is an established connection. */
export function hasConnections(ssOutput: string): boolean {
  return ssOutput.split('\n').some((l) => l.trim() !== '');
}

async function satisfied(host: HostContext, p: Probe): Promise<boolean> {
  if (p.kind === 'path') return ((await host.stat(p.path)) !== null) === p.want;
  const r = await host.exec(p.cmd);
  if (p.kind === 'drained') return r.exitCode === 0 && !hasConnections(r.stdout);
  return (r.exitCode === 0) === p.want;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export default defineReadOnlyModule({
  name: 'wait_for',
  doc: 'Waits until a TCP port accepts connections (started) or refuses them (stopped), has no established connections (drained), or a path exists (present) or not (absent). Checks run on the target host through its connection every `sleep` seconds until `timeout`. Never changes anything; fails on timeout.',
  example: ['- name: Wait for the broker', '  wait_for:', '    port: 1883', '    timeout: 30'].join('\n'),
  args,
  controllerOnly: false,
  async gather(host, a) {
    const probe = probeFor(a);
    const started = Date.now();
    if (a.delay) await sleep(a.delay * 1000);
    const deadline = started + a.timeout * 1000;
    for (;;) {
      if (await satisfied(host, probe)) return { elapsed: (Date.now() - started) / 1000 };
      if (Date.now() >= deadline) {
        const what = a.path !== undefined ? `path ${a.path}` : `port ${a.port} on ${a.host}`;
        throw new ModuleError(a.msg ?? `Timeout when waiting for ${what} to be ${a.state}`);
      }
      await sleep(Math.min(a.sleep * 1000, Math.max(10, deadline - Date.now())));
    }
  },
  result: (a, s) => ({ elapsed: s.elapsed, state: a.state, ...(a.port !== undefined ? { port: a.port } : {}), ...(a.path !== undefined ? { path: a.path } : {}) }),
});
