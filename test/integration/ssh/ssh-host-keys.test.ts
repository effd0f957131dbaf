// Host key checking and connect failures against a real sshd: changed key refused with file:line and
// fingerprints, unknown host refused then accepted with the flag, refused port and bad key named.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../../runner/connection/index.js';
import { fingerprint } from '../../../runner/connection/known-hosts.js';
import { UnreachableError } from '../../../runner/connection/types.js';
import { freePort, keygen } from '../../helpers/sshd.js';
import { sshFixture, type SshFixture } from './ssh-fixture.js';

let fx: SshFixture;
let dir: string;

beforeAll(async () => {
  fx = await sshFixture();
  dir = mkdtempSync(join(tmpdir(), 'osm-hk-'));
});
afterAll(async () => {
  await fx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function connectError(vars: Record<string, unknown>, opts: Record<string, unknown> = {}): Promise<UnreachableError> {
  try {
    const c = await createConnection('hk', fx.vars(vars), opts);
    await c.close();
  } catch (err) {
    if (err instanceof UnreachableError) return err;
    throw err;
  }
  throw new Error('connection unexpectedly succeeded');
}

function blobOf(pubLine: string): Buffer {
  return Buffer.from(pubLine.split(' ')[1]!, 'base64');
}

describe('host key checking', () => {
  it('connects when known_hosts holds the key, also hashed', async () => {
    const hashed = join(dir, 'hashed');
    writeFileSync(hashed, readFileSync(fx.sshd.knownHostsPath));
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
    const c = await createConnection('hk', fx.vars({ ansible_ssh_known_hosts_file: hashed }));
    expect((await c.exec({ argv: ['id', '-un'] })).stdout.trim()).toBe(fx.user.name);
    await c.close();
  });

  it('refuses a changed key, naming file:line and both fingerprints', async () => {
    const wrong = join(dir, 'wrong');
    const other = keygen(join(dir, 'otherhost'));
    writeFileSync(wrong, `# stale entry below\n[127.0.0.1]:${fx.sshd.port} ${other.split(' ').slice(0, 2).join(' ')}\n`);
    const err = await connectError({ ansible_ssh_known_hosts_file: wrong }, { acceptNewHostKeys: true });
    expect(err.message).toContain('has changed');
    expect(err.message).toContain(`${wrong}:2`);
    expect(err.message).toContain(fingerprint(blobOf(other)));
    expect(err.message).toContain(fingerprint(blobOf(fx.sshd.hostPublicKey)));
    // accept-new never replaces a changed key.
    expect(readFileSync(wrong, 'utf8')).not.toContain(fx.sshd.hostPublicKey);
  });

  it('refuses a @revoked key', async () => {
    const revoked = join(dir, 'revoked');
    writeFileSync(revoked, `@revoked * ${fx.sshd.hostPublicKey}\n[127.0.0.1]:${fx.sshd.port} ${fx.sshd.hostPublicKey}\n`);
    const err = await connectError({ ansible_ssh_known_hosts_file: revoked });
    expect(err.message).toMatch(/@revoked in .*revoked:1/);
  });

  it('refuses an unknown host, then accepts and records it with --accept-new-host-keys', async () => {
    const fresh = join(dir, 'fresh', 'known_hosts');
    const err = await connectError({ ansible_ssh_known_hosts_file: fresh });
    expect(err.message).toMatch(/is not in .*--accept-new-host-keys/);
    expect(err.message).toContain(fingerprint(blobOf(fx.sshd.hostPublicKey)));

    const c = await createConnection('hk', fx.vars({ ansible_ssh_known_hosts_file: fresh }), { acceptNewHostKeys: true });
    await c.close();
    expect(readFileSync(fresh, 'utf8')).toBe(`[127.0.0.1]:${fx.sshd.port} ${fx.sshd.hostPublicKey}\n`);
    // Now known: strict checking passes without the flag; OpenSSH agrees with the line.
    const again = await createConnection('hk', fx.vars({ ansible_ssh_known_hosts_file: fresh }));
    await again.close();
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${fx.sshd.port}`, '-f', fresh]).toString();
    expect(found).toContain(fx.sshd.hostPublicKey);
  });

  it('accepts new keys via ansible_ssh_host_key_checking: accept-new, and refuses to turn checking off', async () => {
    const viaVar = join(dir, 'viavar');
    const c = await createConnection('hk', fx.vars({ ansible_ssh_known_hosts_file: viaVar, ansible_ssh_host_key_checking: 'accept-new' }));
    await c.close();
    expect(readFileSync(viaVar, 'utf8')).toContain(fx.sshd.hostPublicKey);
    const err = await connectError({ ansible_ssh_host_key_checking: false });
    expect(err.message).toMatch(/cannot be turned off/);
  });
});

describe('connect failures are UNREACHABLE with a reason', () => {
  it('names a refused port', async () => {
    const port = await freePort();
    const err = await connectError({ ansible_port: port });
    expect(err.message).toContain(`connection refused by 127.0.0.1:${port}`);
  });

  it('names failed authentication and what was tried', async () => {
    const stranger = join(dir, 'stranger');
    keygen(stranger);
    const err = await connectError({ ansible_ssh_private_key_file: stranger });
    expect(err.message).toContain(`authentication failed for ${fx.user.name}@127.0.0.1:${fx.sshd.port}`);
    expect(err.message).toContain(`key ${stranger}`);
  });

  it('logs in with ansible_password', async () => {
    const stranger = join(dir, 'stranger2');
    keygen(stranger);
    const c = await createConnection('hk', fx.vars({ ansible_ssh_private_key_file: stranger, ansible_password: fx.user.password }));
    expect((await c.exec({ argv: ['id', '-un'] })).stdout.trim()).toBe(fx.user.name);
    await c.close();
  });

  it('times out on a host that never answers the handshake', async () => {
    // A listener that accepts and stays silent.
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const addr = silent.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      const t0 = Date.now();
      const err = await connectError({ ansible_port: port, ansible_timeout: 1 });
      expect(err.message).toMatch(/timed out after 1s/);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });
});
