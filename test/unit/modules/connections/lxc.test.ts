import { describe, expect, it } from 'vitest';
import { attachArgv, createLxcConnection } from '../../../../modules/connections/lxc.js';
import type { Command, Connection, ExecOptions, ExecResult } from '../../../../runner/connection/types.js';

/** Records what the lxc connection asks its parent to run; answers like a shell would. */
class FakeParent implements Connection {
  readonly kind = 'fake';
  calls: { argv: string[]; opts?: ExecOptions }[] = [];
  closed = false;
  constructor(readonly host: string, private readonly reply: Partial<ExecResult> = {}) {}
  async exec(cmd: Command, opts?: ExecOptions): Promise<ExecResult> {
    if (!('argv' in cmd)) throw new Error('the lxc connection must pass argv');
    this.calls.push({ argv: cmd.argv, opts });
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...this.reply };
  }
  readFile(): Promise<Buffer | null> { throw new Error('not through the parent'); }
  writeFile(): Promise<void> { throw new Error('not through the parent'); }
  stat(): Promise<null> { throw new Error('not through the parent'); }
  async close(): Promise<void> { this.closed = true; }
}

describe('lxc connection argv', () => {
  it('wraps argv in lxc-attach with a clean environment, quoting nothing itself', () => {
    expect(attachArgv('acme-svr', { argv: ['cat', '/etc/host name'] })).toEqual(['lxc-attach', '-n', 'acme-svr', '--clear-env', '--', 'cat', '/etc/host name']);
  });
  it('passes env as env K=V and cwd as a positional argument', () => {
    expect(attachArgv('c1', { argv: ['ls'] }, { env: { A: 'x y' }, cwd: '/tmp' })).toEqual([
      'lxc-attach', '-n', 'c1', '--clear-env', '--', '/bin/sh', '-c', 'cd "$1" || exit 1; shift; exec "$@"', 'sh', '/tmp', 'env', 'A=x y', 'ls',
    ]);
  });
  it('treats become root as a no-op, wraps other users, refuses bad names', () => {
    expect(attachArgv('c1', { argv: ['id'] }, { become: { method: 'sudo', user: 'root' } }).slice(-1)).toEqual(['id']);
    expect(attachArgv('c1', { argv: ['id'] }, { become: { method: 'sudo', user: 'mosquitto' } }).slice(5, 9)).toEqual(['sudo', '-n', '-u', 'mosquitto']);
    expect(() => attachArgv('-x', { argv: ['id'] })).toThrow(/invalid container name/);
  });
});

describe('createLxcConnection', () => {
  it('runs through the executor\'s connection of the parent, with stdin and timeout, and leaves it open', async () => {
    const parent = new FakeParent('osm1', { stdout: 'hi' });
    const conn = await createLxcConnection('acme', { ansible_lxc_host: 'osm1', ansible_lxc_name: 'acme-svr' }, {
      connectionFor: async (h: string) => (h === 'osm1' ? parent : new FakeParent(h)),
    });
    const r = await conn.exec({ argv: ['echo', 'a b'] }, { stdin: 'x', timeoutMs: 5 });
    expect(r.stdout).toBe('hi');
    expect(parent.calls[0]).toEqual({ argv: ['lxc-attach', '-n', 'acme-svr', '--clear-env', '--', 'echo', 'a b'], opts: { stdin: 'x', timeoutMs: 5, become: undefined } });
    await conn.close();
    expect(parent.closed).toBe(false);
  });
  it('escalates on the parent when ansible_lxc_host_become is set', async () => {
    const parent = new FakeParent('osm1');
    const conn = await createLxcConnection('c', { ansible_lxc_host: 'osm1', ansible_lxc_host_become: true }, { connectionFor: async () => parent });
    await conn.exec({ argv: ['true'] });
    expect(parent.calls[0]?.opts?.become).toEqual({ method: 'sudo', user: 'root' });
  });
  it('files go through commands inside the container', async () => {
    const parent = new FakeParent('osm1', { stdout: Buffer.from('content').toString('base64') });
    const conn = await createLxcConnection('c', { ansible_lxc_host: 'osm1' }, { connectionFor: async () => parent });
    expect((await conn.readFile('/etc/x'))?.toString()).toBe('content');
    expect(parent.calls[0]?.argv.slice(0, 7)).toEqual(['lxc-attach', '-n', 'c', '--clear-env', '--', '/bin/sh', '-c']);
    expect(parent.calls[0]?.argv.slice(-1)).toEqual(['/etc/x']);
  });
  it('without connectionFor: local for the controller, an error for a remote parent without its vars', async () => {
    const local = await createLxcConnection('c', {}, {});
    expect(local.kind).toBe('lxc');
    await local.close();
    await expect(createLxcConnection('c', { ansible_lxc_host: 'osm1' }, {})).rejects.toThrow(/connectionFor option or ansible_lxc_host_vars/);
    await expect(createLxcConnection('c', { ansible_lxc_host: 'osm1', ansible_lxc_host_vars: { ansible_connection: 'lxc' } }, {})).rejects.toThrow(/cannot itself be lxc/);
  });
});
