// A link dropped while a file operation is in flight over SFTP is UNREACHABLE with the reason, like a
// command's, never a plain failure ("No response from server") that would count as a failed task.
// The link runs through a TCP relay in this process, which cuts it at the operation's first packet.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../../runner/connection/index.js';
import { UnreachableError, type Connection } from '../../../runner/connection/types.js';
import { TcpRelay } from '../../helpers/tcp-relay.js';
import { sshFixture, type SshFixture } from './ssh-fixture.js';

let fx: SshFixture;
let dir: string;

beforeAll(async () => {
  fx = await sshFixture();
  dir = mkdtempSync(join(tmpdir(), 'osm-ssh-link-drop-'));
});
afterAll(async () => {
  await fx?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A connection through a fresh relay, its SFTP channel open, the relay armed to cut at the nth packet from now. */
async function armedConnection(name: string, cutAtPacket: number): Promise<{ conn: Connection; relay: TcpRelay }> {
  const relay = await TcpRelay.start('127.0.0.1', fx.sshd.port);
  const knownHosts = join(dir, `${name}.known_hosts`);
  writeFileSync(knownHosts, readFileSync(fx.sshd.knownHostsPath, 'utf8').replace(`]:${fx.sshd.port} `, `]:${relay.port} `));
  const conn = await createConnection(name, fx.vars({ ansible_port: relay.port, ansible_ssh_known_hosts_file: knownHosts }));
  expect(await conn.stat('/')).not.toBeNull();
  let packets = 0;
  relay.onClientData = () => {
    if (++packets < cutAtPacket) return undefined;
    relay.cut();
    return 'drop';
  };
  return { conn, relay };
}

describe('a link dropped during an SFTP file operation', () => {
  it.each([
    ['stat', 1, (c: Connection) => c.stat('/etc/hostname')],
    ['readFile', 1, (c: Connection) => c.readFile('/etc/hostname')],
    // Its first packet is the stat of the target; the second writes the temp file, whose clean-up
    // must not be sent over the dead link (ssh2 would never answer it: a hang, not UNREACHABLE).
    ['writeFile', 2, (c: Connection) => c.writeFile(join(fx.user.home, 'dropped.txt'), 'never written\n')],
  ])('%s, cut at its packet %i, is UNREACHABLE naming the lost connection', async (name, cutAt, op) => {
    const { conn, relay } = await armedConnection(`h-sftp-${name}`, cutAt);
    try {
      const err: unknown = await op(conn).then(
        () => new Error('the operation succeeded over a cut link'),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UnreachableError);
      expect(err instanceof Error ? err.message : '').toMatch(new RegExp(`connection to 127\\.0\\.0\\.1:${relay.port} was lost`));
      expect(err instanceof UnreachableError ? err.host : '').toBe(`h-sftp-${name}`);
      // The connection stays dead: the next operation says so at once.
      await expect(conn.stat('/')).rejects.toBeInstanceOf(UnreachableError);
    } finally {
      await conn.close();
      await relay.close();
    }
  });
});
