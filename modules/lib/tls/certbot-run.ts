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

/**
 * certbot 2.1 (Debian 12) on Python 3.11 reports any ACME error as "AttributeError: can't set
 * attribute" (certbot issue 9539); the ACME error itself is only in its log. The last one the last run logged.
 */
export function acmeErrorInLog(log: string): string | undefined {
  // Debian's cli.ini sets max-log-backups = 0: one log that every run appends to. Only the last run counts.
  const lastRun = log.slice(Math.max(0, log.lastIndexOf(':certbot version: ')));
  const errors = [...lastRun.matchAll(/^acme\.messages\.Error: (.+)$/gm)];
  return errors.at(-1)?.[1]?.trim();
}

/** certbot's own crash in place of an ACME error, see acmeErrorInLog. */
export const CERTBOT_MASKED_ERROR = /can't set attribute/;

/** A refused nonce is worth a new try; any other ACME error (unknown account, rate limit) is not. */
export const isRefusedNonce = (text: string) => /badNonce/.test(text);
