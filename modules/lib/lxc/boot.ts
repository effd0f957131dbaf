// Waiting for a container's init to finish booting. A container whose PID 1 is systemd counts as up
// when `systemctl is-system-running` says running; degraded fails naming the failed units. Another
// init (none of our bases, but a container may have one) is up once LXC says RUNNING.
import { ModuleError, type HostContext } from '../../../runner/module.js';

const POLL_MS = 200;

export type BootOutcome = { init: 'systemd'; state: 'running' } | { init: 'other'; state: 'running' };

/** `systemctl --failed --plain --no-legend` lines to unit names. */
export function parseFailedUnits(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim().replace(/^[●*]\s*/, '').split(/\s+/)[0] ?? '')
    .filter((u) => u !== '');
}

/** What a final `is-system-running` answer means for the task. */
export function bootVerdict(name: string, state: string, failed: string[]): string | undefined {
  if (state === 'running') return undefined;
  if (state === 'degraded') return `${name}: systemd is degraded; failed units: ${failed.join(', ') || '(none listed)'}`;
  return `${name}: systemd did not finish booting (is-system-running: ${state || 'no answer'})`;
}

function attach(name: string, argv: string[]): string[] {
  return ['lxc-attach', '-n', name, '--clear-env', '--', ...argv];
}

async function initOf(host: HostContext, name: string): Promise<string> {
  const pid = (await host.exec({ argv: ['lxc-info', '-n', name, '-pH'] })).stdout.trim();
  if (!/^\d+$/.test(pid)) return '';
  return ((await host.readFile(`/proc/${pid}/comm`)) ?? '').trim();
}

/**
 * Waits until the container's systemd has booted (or at once for another init). For up to a second
 * after lxc-start returns, systemctl cannot reach systemd's bus: its private socket comes first.
 */
export async function waitForBoot(host: HostContext, name: string, timeoutS: number): Promise<BootOutcome> {
  if ((await initOf(host, name)) !== 'systemd') return { init: 'other', state: 'running' };
  const deadline = Date.now() + timeoutS * 1000;
  while ((await host.exec({ argv: attach(name, ['test', '-S', '/run/systemd/private']) })).exitCode !== 0) {
    if (Date.now() > deadline) throw new ModuleError(`${name}: systemd's bus did not appear in ${timeoutS}s`);
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
  const r = await host.exec({ argv: attach(name, ['timeout', String(left), 'systemctl', 'is-system-running', '--wait']) });
  const state = r.stdout.trim().split('\n').pop() ?? '';
  if (state === 'running') return { init: 'systemd', state: 'running' };
  const failed = state === 'degraded' ? parseFailedUnits((await host.exec({ argv: attach(name, ['systemctl', '--failed', '--plain', '--no-legend']) })).stdout) : [];
  throw new ModuleError(bootVerdict(name, state, failed) ?? `${name}: systemd state ${state}`);
}
