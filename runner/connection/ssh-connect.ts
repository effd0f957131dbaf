// Opens one authenticated ssh2 Client for a host, or fails with an UnreachableError whose message
// says why in words: refused, timed out, host key, authentication.
// ssh2 is CommonJS: Node's ESM loader sees only its default export.
import ssh2, { type Client } from 'ssh2';
import { planAuth, type AuthPlan } from './ssh-auth.js';
import { hostKeyCheck, type HostKeyCheck } from './ssh-host-key.js';
import type { SshTarget } from './ssh-target.js';
import { UnreachableError } from './types.js';

function errCode(err: Error): string | undefined {
  return 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function errLevel(err: Error): string | undefined {
  return 'level' in err && typeof err.level === 'string' ? err.level : undefined;
}

export function unreachableReason(err: Error, t: SshTarget, hk: HostKeyCheck, auth: AuthPlan): string {
  const where = `${t.host}:${t.port}`;
  const hostKeyFailure = hk.failure();
  if (hostKeyFailure) return hostKeyFailure;
  if (errLevel(err) === 'client-authentication') {
    return `authentication failed for ${t.user}@${where} (tried: ${auth.tried()})`;
  }
  if (errLevel(err) === 'client-timeout' || errCode(err) === 'ETIMEDOUT') {
    return `timed out after ${Math.round(t.connectTimeoutMs / 1000)}s connecting to ${where} (ansible_timeout)`;
  }
  switch (errCode(err)) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (is sshd running and listening on port ${t.port}?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host name ${t.host}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where}`;
    case 'ECONNRESET':
      return `connection to ${where} was reset during the handshake`;
  }
  return `ssh to ${t.user}@${where} failed: ${err.message}`;
}

// A dead peer is noticed within KEEPALIVE_INTERVAL_MS * (KEEPALIVE_COUNT_MAX + 1) even when no command runs.
export const KEEPALIVE_INTERVAL_MS = 15_000;
export const KEEPALIVE_COUNT_MAX = 4;

/** Why an open connection died, in words: ssh2 says only 'Keepalive timeout' for a silent peer. */
export function linkLostReason(where: string, err: Error): string {
  if (errLevel(err) === 'client-timeout') {
    return `connection to ${where} stopped answering (no reply to ${KEEPALIVE_COUNT_MAX} keepalives sent ${KEEPALIVE_INTERVAL_MS / 1000}s apart)`;
  }
  return `connection to ${where} failed: ${err.message}`;
}

export function openClient(t: SshTarget): Promise<Client> {
  const auth = planAuth(t);
  const hk = hostKeyCheck(t);
  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(new UnreachableError(t.name, unreachableReason(err, t, hk, auth)));
    };
    const onError = (err: Error): void => fail(err);
    const onClose = (): void => fail(new Error('connection closed during the handshake'));
    client.on('error', onError);
    client.once('close', onClose);
    client.once('ready', () => {
      settled = true;
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      resolve(client);
    });
    client.connect({
      host: t.host,
      port: t.port,
      username: t.user,
      readyTimeout: t.connectTimeoutMs,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      hostVerifier: (key: Buffer) => hk.verify(key),
      authHandler: auth.handler,
      algorithms: { serverHostKey: hk.algorithms },
    });
    // ssh2 leaves Nagle on: each small request then waits ~40 ms for the previous packet's ACK.
    // Set on the socket ssh2 just created; Node applies it once the socket connects.
    client.setNoDelay(true);
  });
}
