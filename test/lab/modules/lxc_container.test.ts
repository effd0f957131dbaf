import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import btrfsSubvolume from '../../../modules/btrfs_subvolume.js';
import dnsmasqHost from '../../../modules/dnsmasq_host.js';
import lxcContainer from '../../../modules/lxc_container.js';
import serviceModule from '../../../modules/service.js';
import systemdModule from '../../../modules/systemd.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { runModule } from '../../../runner/execute/run-module.js';
import type { Vars } from '../../../runner/types.js';
import type { AnyModule } from '../../../runner/module.js';
import { createConnection } from '../../../runner/connection/index.js';
import { registerBuiltins } from '../../../modules/builtins.js';
import type { Connection } from '../../../runner/connection/types.js';
import { ensureLab } from '../../helpers/lab.js';
import { labDhcpFile, LXC_ROOT, run, sh } from './lab-host.js';

registerBuiltins();

const name = 't5a-ct';
const dir = `${LXC_ROOT}/containers/${name}`;
const config = `${dir}/lxc.container.conf`;
const log = `${LXC_ROOT}/logs/${name}.log`;
// A fixed, high address: dnsmasq's own dynamic pick could never be mistaken for it.
const dhcp = { name, ip: '10.0.3.187', ...labDhcpFile() };
const started = { name, config, log_file: log, wait_for_ip: true, timeout: 30 };

async function cleanup(): Promise<void> {
  await sh(['lxc-stop', '-n', name, '-k']);
  await run(btrfsSubvolume, { path: dir, state: 'absent' });
  await run(dnsmasqHost, { ...dhcp, state: 'absent' });
  await sh(['rm', '-f', log]);
}

describe('lxc_container and the lxc connection (lab)', () => {
  let ip = '';
  let conn: Connection | undefined;

  beforeAll(async () => {
    await ensureLab();
    await cleanup();
    const base = readdirSync(`${LXC_ROOT}/os-bases`).sort().pop();
    if (!base) throw new Error('the lab has no OS base');
    expect((await run(btrfsSubvolume, { path: dir })).status).toBe('changed');
    mkdirSync(`${dir}/rootfs-layer`);
    const addr = await run(dnsmasqHost, dhcp);
    expect(addr.error).toBeUndefined();
    ip = String(addr.data.ip);
    expect(ip).toBe('10.0.3.187');
    writeFileSync(
      config,
      [
        `lxc.include = ${LXC_ROOT}/include/common.conf`,
        `lxc.rootfs.path = overlayfs:${LXC_ROOT}/os-bases/${base}:${dir}/rootfs-layer`,
        `lxc.uts.name = ${name}`,
        `lxc.net.0.hwaddr = ${String(addr.data.mac)}`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await conn?.close();
    await cleanup();
  });

  it('check mode on a stopped container reports the start and starts nothing', async () => {
    const r = await run(lxcContainer, started, { check: true });
    expect(r.status).toBe('changed');
    expect(r.changes.map((c) => c.action)).toEqual(['start']);
    expect((await sh(['lxc-info', '-n', name, '-sH'])).rc).not.toBe(0);
  });

  it('starts it: changed, with the address of its dnsmasq_host line; then ok', async () => {
    const r = await run(lxcContainer, started);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.data.state).toBe('running');
    expect(r.data.ips).toContain(ip);
    const again = await run(lxcContainer, started);
    expect([again.status, again.data.state]).toEqual(['ok', 'running']);
    expect(again.data.ips).toContain(ip);
  });

  it('the lxc connection runs commands inside and writes, reads and stats files there', async () => {
    conn = await createConnection(name, { ansible_connection: 'lxc', ansible_lxc_host: 'localhost' });
    // A file of the OS base, read through the container's overlay.
    const release = await conn.exec({ argv: ['cat', '/etc/os-release'] });
    expect(release.stdout).toMatch(/^VERSION_CODENAME=bookworm$/m);
    const uts = await conn.exec({ argv: ['hostname'] });
    expect(uts.stdout.trim()).toBe(name);
    const tricky = "it's a \"test\" $(not run) `x`\n";
    await conn.writeFile('/root/t5a file.txt', tricky, { mode: 0o600 });
    expect((await conn.readFile('/root/t5a file.txt'))?.toString()).toBe(tricky);
    const st = await conn.stat('/root/t5a file.txt');
    expect([st?.isFile, st?.mode]).toEqual([true, 0o600]);
    expect(await conn.stat('/root/missing')).toBeNull();
    // The file is in the container's own layer, not on the host's /root.
    expect((await sh(['stat', `${dir}/rootfs-layer/root/t5a file.txt`])).rc).toBe(0);
    const piped = await conn.exec({ argv: ['cat'] }, { stdin: 'through stdin', env: { T5A: 'x y' } });
    expect(piped.stdout).toBe('through stdin');
    const env = await conn.exec({ argv: ['sh', '-c', 'echo "$T5A"'] }, { env: { T5A: 'x y' }, cwd: '/tmp' });
    expect(env.stdout).toBe('x y\n');
  });

  it('the lxc connection also works over the lab host\'s sshd (parent vars as osm_containers records them)', async () => {
    const viaSsh = await createConnection(name, {
      ansible_connection: 'lxc',
      ansible_lxc_host: 'osm-lab',
      ansible_lxc_host_vars: {
        ansible_connection: 'ssh',
        ansible_host: '127.0.0.1',
        ansible_port: 2222,
        ansible_user: 'root',
        ansible_ssh_private_key_file: '/var/lib/osm-lab/ssh/id_ed25519',
        ansible_ssh_known_hosts_file: '/var/lib/osm-lab/ssh/known_hosts',
      },
    });
    try {
      expect((await viaSsh.exec({ argv: ['hostname'] })).stdout.trim()).toBe(name);
      expect((await viaSsh.readFile('/root/t5a file.txt'))?.toString()).toContain('$(not run)');
    } finally {
      await viaSsh.close();
    }
  });

  it('service and systemd drive a unit inside over the lxc connection: each state, enabled, daemon_reload, check mode', async () => {
    const inside = makeHostContext({ name, conn: conn!, vars: {}, searchDirs: { files: [], templates: [] } });
    const mod = (m: AnyModule, args: Vars, check = false) => runModule(m, inside, args, { check, diff: false });
    const active = async () => (await conn!.exec({ argv: ['systemctl', 'is-active', 'mosquitto'] })).stdout.trim();
    const pid = async () => (await conn!.exec({ argv: ['systemctl', 'show', '--property=MainPID', '--value', 'mosquitto'] })).stdout.trim();
    expect(await active()).toBe('active');

    expect((await mod(systemdModule, { name: 'mosquitto', state: 'stopped' }, true)).status).toBe('changed');
    expect(await active()).toBe('active');
    expect((await mod(systemdModule, { name: 'mosquitto', state: 'stopped' })).status).toBe('changed');
    expect(await active()).toBe('inactive');
    expect((await mod(systemdModule, { name: 'mosquitto', state: 'stopped' })).status).toBe('ok');

    expect((await mod(serviceModule, { name: 'mosquitto', state: 'started' })).status).toBe('changed');
    expect(await active()).toBe('active');
    expect((await mod(serviceModule, { name: 'mosquitto', state: 'started' })).status).toBe('ok');

    const before = await pid();
    expect((await mod(serviceModule, { name: 'mosquitto', state: 'restarted' })).status).toBe('changed');
    expect(await pid()).not.toBe(before);
    const reloaded = await mod(systemdModule, { name: 'mosquitto', state: 'reloaded' });
    expect(reloaded.error).toBeUndefined();
    expect(reloaded.status).toBe('changed');

    const enabled = async () => (await conn!.exec({ argv: ['systemctl', 'is-enabled', 'mosquitto'] })).stdout.trim();
    expect(await enabled()).toBe('enabled');
    expect((await mod(systemdModule, { name: 'mosquitto', enabled: false }, true)).status).toBe('changed');
    expect(await enabled()).toBe('enabled');
    expect((await mod(systemdModule, { name: 'mosquitto', enabled: false })).status).toBe('changed');
    expect(await enabled()).toBe('disabled');
    expect((await mod(serviceModule, { name: 'mosquitto', enabled: true })).status).toBe('changed');
    expect(await enabled()).toBe('enabled');
    expect((await mod(serviceModule, { name: 'mosquitto', enabled: true })).status).toBe('ok');

    const reload = await mod(systemdModule, { daemon_reload: true });
    expect(reload.error).toBeUndefined();
    expect(reload.status).toBe('changed');
  });

  it('a container that cannot start fails with the reason from its log', async () => {
    const bad = `${dir}/t5a-broken.conf`;
    writeFileSync(bad, `lxc.uts.name = t5a-ct2\nlxc.rootfs.path = dir:${dir}/no-such-rootfs\n`);
    const r = await run(lxcContainer, { name: 't5a-ct2', config: bad, log_file: `${LXC_ROOT}/logs/t5a-ct2.log` });
    await sh(['rm', '-f', `${LXC_ROOT}/logs/t5a-ct2.log`, bad]);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/t5a-ct2 failed to start; errors in .*t5a-ct2\.log:\n.*no-such-rootfs/);
  });

  it('restarted always restarts', async () => {
    const r = await run(lxcContainer, { ...started, state: 'restarted' });
    expect(r.changes.map((c) => c.action)).toEqual(['stop', 'start']);
    expect(r.data.ips).toContain(ip);
  });

  it('stopped: check mode alters nothing, then it stops, then ok', async () => {
    const check = await run(lxcContainer, { name, state: 'stopped' }, { check: true });
    expect(check.status).toBe('changed');
    expect((await sh(['lxc-info', '-n', name, '-sH'])).out.trim()).toBe('RUNNING');
    const r = await run(lxcContainer, { name, state: 'stopped' });
    expect([r.status, r.data.state]).toEqual(['changed', 'stopped']);
    expect((await run(lxcContainer, { name, state: 'stopped' })).status).toBe('ok');
  });

  it('absent: a running container is stopped and nothing of it stays known to LXC', async () => {
    expect((await run(lxcContainer, started)).status).toBe('changed');
    const r = await run(lxcContainer, { name, state: 'absent' });
    expect([r.status, r.data.state]).toEqual(['changed', 'absent']);
    expect((await sh(['lxc-info', '-n', name])).rc).not.toBe(0);
    expect((await sh(['stat', `/var/lib/lxc/${name}`])).rc).not.toBe(0);
    expect((await run(lxcContainer, { name, state: 'absent' })).status).toBe('ok');
  });

  it('a boot that ends degraded fails, naming the unit that failed', async () => {
    // A unit of the customer's layer that cannot start, enabled the way systemctl enable does.
    const units = `${dir}/rootfs-layer/etc/systemd/system`;
    mkdirSync(`${units}/multi-user.target.wants`, { recursive: true });
    writeFileSync(`${units}/t5a-broken.service`, '[Unit]\nDescription=fails on purpose\n[Service]\nType=oneshot\nExecStart=/bin/false\n[Install]\nWantedBy=multi-user.target\n');
    await sh(['ln', '-sf', '../t5a-broken.service', `${units}/multi-user.target.wants/t5a-broken.service`]);
    const r = await run(lxcContainer, started);
    await sh(['lxc-stop', '-n', name, '-k']);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/degraded/);
    expect(r.error).toContain('t5a-broken.service');
  });
});
