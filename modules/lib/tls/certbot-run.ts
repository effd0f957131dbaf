// Running certbot when the host's certbot lock is free.
import type { HostContext } from '../../../runner/module.js';

const CERTBOT_BUSY = /Another instance of Certbot is already running/;

export interface CertbotWait {
  /** How long to keep trying while another certbot runs. */
  waitMs: number;
  /** Pause between tries. */
  pauseMs: number;
}

const DEFAULT_WAIT: CertbotWait = { waitMs: 180_000, pauseMs: 2000 };

/**
 * certbot allows one instance per config dir. Another may hold it for a while: Debian's certbot.timer
 * renewing, or the certbot of a run whose link dropped, still finishing on the host. Wait for it
 * rather than fail the customer; any other failure is returned at once.
 */
export async function runCertbotWhenFree(
  host: Pick<HostContext, 'exec' | 'log'>,
  argv: string[],
  env: Record<string, string> | undefined,
  wait: CertbotWait = DEFAULT_WAIT,
) {
  const deadline = Date.now() + wait.waitMs;
  for (;;) {
    const r = await host.exec({ argv }, { env, timeoutMs: 300_000 });
    if (r.exitCode === 0 || !CERTBOT_BUSY.test(r.stderr + r.stdout) || Date.now() >= deadline) return r;
    host.log('another certbot is running on the host; waiting for it');
    await new Promise((resolve) => setTimeout(resolve, wait.pauseMs));
  }
}
