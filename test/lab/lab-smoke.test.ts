// The lab works with the tools themselves (no osm-play modules): a container on the OS base gets its
// address from dnsmasq, MQTT over TLS through the lab nginx reaches its broker, snapper snapshots it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsmasqPid, ensureLab, labPaths, newestOsBase, runArgv, type RunResult } from '../helpers/lab.js';

const name = 'labsmoke-svr';
const mac = '00:16:3e:5a:0e:01';
const dir = join(labPaths.containers, name);
const conf = join(dir, 'lxc.container.conf');
const streamConf = join(labPaths.nginxStreamDir, 'labsmoke.conf');
const hostsLine = (ip: string): string => `${mac},${ip}`;
let ip = '';
let port = 0;

async function ok(argv: string[]): Promise<RunResult> {
  const r = await runArgv(argv, { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${r.exitCode}: ${r.stderr}${r.stdout}`);
  return r;
}

/** An address in 10.0.3.230-239 that no dhcp-host line or lease names. */
function freeAddress(): string {
  const used = [labPaths.dnsmasqConf, labPaths.dnsmasqHostsFile, labPaths.dnsmasqLeases]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  for (let last = 239; last >= 230; last--) {
    const candidate = `10.0.3.${last}`;
    if (!new RegExp(`\\b${candidate.replaceAll('.', '\\.')}\\b`).test(used)) return candidate;
  }
  throw new Error('no free address in 10.0.3.230-239');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function removeHostsLine(): void {
  if (!existsSync(labPaths.dnsmasqHostsFile) || ip === '') return;
  const kept = readFileSync(labPaths.dnsmasqHostsFile, 'utf8').split('\n').filter((l) => l !== hostsLine(ip));
  writeFileSync(labPaths.dnsmasqHostsFile, kept.join('\n'));
}

describe('lab smoke: container, dnsmasq, TLS through nginx, snapper', () => {
  beforeAll(async () => {
    await ensureLab();
    ip = freeAddress();
    port = await freePort();
    await ok(['btrfs', 'subvolume', 'create', dir]);
    // Files in the layer before the start: the overlay must not change under a running container.
    const confD = join(dir, 'rootfs-layer', 'etc', 'mosquitto', 'conf.d');
    mkdirSync(confD, { recursive: true });
    // Debian's mosquitto listens on loopback only until a listener is configured.
    writeFileSync(join(confD, 'zz-labsmoke.conf'), 'listener 1883\nallow_anonymous true\n');
    const base = newestOsBase();
    writeFileSync(
      conf,
      [
        `lxc.include = ${labPaths.commonConf}`,
        `lxc.rootfs.path = overlayfs:${join(labPaths.osBases, base)}:${join(dir, 'rootfs-layer')}`,
        `lxc.uts.name = ${name}`,
        `lxc.net.0.hwaddr = ${mac}`,
        '',
      ].join('\n'),
    );
    writeFileSync(labPaths.dnsmasqHostsFile, `${hostsLine(ip)}\n`, { flag: 'a' });
    process.kill(dnsmasqPid(), 'SIGHUP');
    await ok(['lxc-start', '-n', name, '-f', conf, '-o', join(labPaths.lxcLogs, `${name}.log`)]);
  });

  afterAll(async () => {
    rmSync(streamConf, { force: true });
    await runArgv([labPaths.nginxBin, '-s', 'reload']);
    await runArgv(['lxc-stop', '-n', name, '-k']);
    await runArgv(['snapper', '--no-dbus', '-c', name, 'delete-config']);
    if (existsSync(join(dir, '.snapshots'))) await runArgv(['btrfs', 'subvolume', 'delete', join(dir, '.snapshots')]);
    if (existsSync(dir)) await runArgv(['btrfs', 'subvolume', 'delete', dir]);
    removeHostsLine();
    try {
      process.kill(dnsmasqPid(), 'SIGHUP');
    } catch {
      // lxc-net was restarted or stopped meanwhile: a new dnsmasq reads the file at its start.
    }
  });

  it('the container gets the address its dhcp-host line gives it from dnsmasq', async () => {
    const got = await waitFor('the container address', async () => {
      const r = await runArgv(['lxc-info', '-n', name, '-iH']);
      return r.stdout.split('\n').map((l) => l.trim()).find((l) => l.startsWith('10.0.3.'));
    });
    // Only dnsmasq knows this MAC-to-address pairing (the dhcp-hostsfile line written above).
    expect(got).toBe(ip);
  });

  it('MQTT over TLS through a lab nginx stream server reaches the broker in the container', async () => {
    // Its own certificate: once setup-host has run, the stream block's default is the host's.
    writeFileSync(
      streamConf,
      `server {\n    listen 127.0.0.1:${port} ssl;\n    ssl_certificate ${labPaths.nginxDefaultCert};\n    ssl_certificate_key ${labPaths.nginxDefaultKey};\n    proxy_pass ${ip}:1883;\n}\n`,
    );
    await ok([labPaths.nginxBin, '-t', '-q']);
    await ok([labPaths.nginxBin, '-s', 'reload']);
    const message = `labsmoke-${randomBytes(6).toString('hex')}`;
    const tls = ['-h', 'localhost', '-p', String(port), '--cafile', labPaths.nginxDefaultCert];
    // A retained message: the subscriber reads it whenever it connects, so there is no race.
    await waitFor('a TLS publish through nginx', async () => {
      const r = await runArgv(['mosquitto_pub', ...tls, '-t', 'labsmoke/t', '-r', '-q', '1', '-m', message], { timeoutMs: 10_000 });
      return r.exitCode === 0 ? true : undefined;
    });
    const sub = await ok(['mosquitto_sub', ...tls, '-t', 'labsmoke/t', '-C', '1', '-W', '10']);
    expect(sub.stdout.trim()).toBe(message);
  });

  it('snapper (--no-dbus) snapshots the container subvolume', async () => {
    await ok(['snapper', '--no-dbus', '-c', name, 'create-config', dir]);
    await ok(['snapper', '--no-dbus', '-c', name, 'create', '-d', 'labsmoke']);
    const list = await ok(['snapper', '--no-dbus', '-c', name, '--csvout', 'list', '--columns', 'number,description']);
    const numbers = list.stdout.split('\n').filter((l) => l.endsWith(',labsmoke')).map((l) => l.split(',')[0]);
    expect(numbers).toHaveLength(1);
    const snap = join(dir, '.snapshots', String(numbers[0]), 'snapshot');
    expect(readFileSync(join(snap, 'rootfs-layer', 'etc', 'mosquitto', 'conf.d', 'zz-labsmoke.conf'), 'utf8')).toBe('listener 1883\nallow_anonymous true\n');
    await ok(['btrfs', 'subvolume', 'show', snap]);
  });
});

describe('lab guard: the containers subnet never leaves the machine', () => {
  it('the host refuses to send to 10.0.3.0/24 on any interface but the bridge (and lo, for its own address)', async () => {
    // While lxc-net restarts, the subnet's route is gone and the default route would otherwise carry it.
    await ensureLab();
    const chain = await ok(['nft', 'list', 'chain', 'inet', labPaths.nftTable, 'output']);
    expect(chain.stdout).toContain('type filter hook output');
    expect(chain.stdout).toMatch(new RegExp(`ip daddr ${labPaths.subnet.replace(/\./g, '\\.')} oifname != \\{ "lo", "${labPaths.bridge}" \\} reject`));
  });
});
