import { describe, expect, it } from 'vitest';
import { acmeErrorInLog, isRefusedNonce, runCertbotWhenFree } from '../../../../../modules/lib/tls/certbot-run.js';

const BUSY = { exitCode: 1, stdout: '', stderr: 'Another instance of Certbot is already running.\n' };
const OK = { exitCode: 0, stdout: 'Successfully received certificate.\n', stderr: '' };
const OTHER = { exitCode: 1, stdout: '', stderr: 'Some challenges have failed.\n' };

/** A host whose certbot answers the given results in turn; records what ran and what was logged. */
function fakeHost(answers: { exitCode: number; stdout: string; stderr: string }[]) {
  const runs: string[][] = [];
  const logs: string[] = [];
  const host = {
    exec: async (cmd: { argv: string[] }) => {
      runs.push(cmd.argv);
      const next = answers.shift();
      if (!next) throw new Error('certbot ran more often than the test expected');
      return next;
    },
    log: (line: string) => void logs.push(line),
  };
  return { host: host as unknown as Parameters<typeof runCertbotWhenFree>[0], runs, logs };
}

const quick = { waitMs: 1000, pauseMs: 1 };

describe('runCertbotWhenFree', () => {
  it('waits while another certbot holds the lock, then runs', async () => {
    const f = fakeHost([BUSY, BUSY, OK]);
    const r = await runCertbotWhenFree(f.host, ['certbot', 'certonly'], undefined, quick);
    expect(r.exitCode).toBe(0);
    expect(f.runs).toHaveLength(3);
    expect(f.logs).toEqual(['another certbot is running on the host; waiting for it', 'another certbot is running on the host; waiting for it']);
  });

  it('returns any other failure at once', async () => {
    const f = fakeHost([OTHER]);
    const r = await runCertbotWhenFree(f.host, ['certbot', 'certonly'], undefined, quick);
    expect(r.stderr).toContain('challenges have failed');
    expect(f.runs).toHaveLength(1);
  });

  it('gives up with the busy answer once the wait is over', async () => {
    const f = fakeHost(Array.from({ length: 50 }, () => BUSY));
    const r = await runCertbotWhenFree(f.host, ['certbot', 'certonly'], undefined, { waitMs: 0, pauseMs: 1 });
    expect(r.stderr).toContain('Another instance');
    expect(f.runs).toHaveLength(1);
  });
});

describe('acmeErrorInLog', () => {
  const log = [
    '2026-12-06 19:15:47,700:DEBUG:acme.client:Received response:',
    'Traceback (most recent call last):',
    'acme.messages.Error: urn:ietf:params:acme:error:badNonce :: JWS has an invalid anti-replay nonce',
    'Traceback (most recent call last):',
    'acme.messages.Error: urn:ietf:params:acme:error:accountDoesNotExist :: The request specified an account that does not exist',
    '    raise AttributeError("can\'t set attribute")',
    "AttributeError: can't set attribute",
  ].join('\n');

  it('finds the last ACME error certbot logged', () => {
    expect(acmeErrorInLog(log)).toBe('urn:ietf:params:acme:error:accountDoesNotExist :: The request specified an account that does not exist');
  });

  it('reads only the last run of a log that every run appends to', () => {
    const next = '2026-12-06 19:18:03,204:DEBUG:certbot._internal.main:certbot version: 2.1.0\nAttributeError: can\'t set attribute\n';
    expect(acmeErrorInLog(log + '\n' + next)).toBeUndefined();
  });

  it('finds none in a log without one', () => {
    expect(acmeErrorInLog("AttributeError: can't set attribute\n")).toBeUndefined();
    expect(acmeErrorInLog('')).toBeUndefined();
  });

  it('only a refused nonce is worth a retry', () => {
    expect(isRefusedNonce('the ACME server refused: urn:ietf:params:acme:error:badNonce :: JWS has an invalid anti-replay nonce')).toBe(true);
    expect(isRefusedNonce(`the ACME server refused: ${acmeErrorInLog(log)}`)).toBe(false);
  });
});
