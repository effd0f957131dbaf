// A private PowerDNS for a test: scripts/lab/pdns.sh's functions against a temp dir, on free
// loopback ports. The lab's own instance (/var/lib/osm-lab/pdns, port 5300) is never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runCli, type CliRun } from '../cli/run-cli.js';

export interface PdnsInstance {
  dir: string;
  dnsPort: number;
  apiUrl: string;
  keyFile: string;
  key: string;
  zone: string;
  /** LAB_PDNS* settings of this instance, for pdnsSh. */
  env: Record<string, string>;
  /** Makes (once) a TSIG key allowed to update the zone; returns its base64 secret. */
  tsigSecret(name: string): string;
  /** Stops the daemon and removes the temp dir; safe to call twice. */
  cleanup(): void;
}

/** A port free for TCP and UDP on 127.0.0.1 (pdns binds both for DNS). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

export function pdnsSh(dir: string, env: Record<string, string>, fn: string): { code: number; out: string } {
  const script = `set -euo pipefail; source scripts/lab/lib.sh; LAB_STATE=$1; LAB_RUN=$1/run; source scripts/lab/pdns.sh; ${fn}`;
  const r = spawnSync('bash', ['-c', script, 'pdns-test', dir], { cwd: REPO, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export async function startPdns(): Promise<PdnsInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'osm-pdns-'));
  // pdns drops to user pdns, which must reach its database below this dir.
  chmodSync(dir, 0o755);
  const dnsPort = await freePort();
  const apiPort = await freePort();
  const env = { LAB_PDNS: join(dir, 'pdns'), LAB_PDNS_PORT: String(dnsPort), LAB_PDNS_API_PORT: String(apiPort), LAB_PDNS_NAME: 'pdns-test' };
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    const r = pdnsSh(dir, env, 'pdns_cleanup');
    rmSync(dir, { recursive: true, force: true });
    if (r.code !== 0) throw new Error(`pdns_cleanup failed: ${r.out}`);
  };
  const up = pdnsSh(dir, env, 'pdns_up');
  if (up.code !== 0) {
    const log = spawnSync('cat', [join(dir, 'logs/pdns-test.log')], { encoding: 'utf8' }).stdout;
    cleanup();
    throw new Error(`pdns_up failed:\n${up.out}\n${log}`);
  }
  const keyFile = join(dir, 'pdns/api-key');
  const tsigSecret = (name: string) => {
    const r = pdnsSh(dir, env, `pdns_tsig_key ${name}`);
    if (r.code !== 0) throw new Error(`pdns_tsig_key failed: ${r.out}`);
    return readFileSync(r.out.trim(), 'utf8').trim();
  };
  return { dir, dnsPort, apiUrl: `http://127.0.0.1:${apiPort}`, keyFile, key: readFileSync(keyFile, 'utf8').trim(), zone: 'osm-lab.test', env, tsigSecret, cleanup };
}

/** Runs a playbook written into the instance's dir, each run with its vars file, -vvv --diff and a --json report; keeps every output. */
export function playbookRunner(pdns: PdnsInstance, playbook: string, defaults: Record<string, unknown>) {
  const site = join(pdns.dir, `site-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(site, playbook);
  const outputs: string[] = [];
  let runs = 0;
  const play = async (vars: Record<string, unknown>, ...flags: string[]): Promise<CliRun> => {
    runs += 1;
    const varsFile = `${site}.vars-${runs}.json`;
    const report = `${site}.report-${runs}.json`;
    writeFileSync(varsFile, JSON.stringify({ ...defaults, ...vars }));
    const r = await runCli([site, '-e', `@${varsFile}`, '-vvv', '--diff', '--json', report, ...flags]);
    outputs.push(r.stdout, r.stderr, readFileSync(report, 'utf8'));
    return r;
  };
  return { play, outputs, runs: () => runs };
}

/** The recap's changed count. */
export const changedCount = (r: CliRun) => Number(/changed=(\d+)/.exec(r.stdout)?.[1] ?? NaN);

/** `dig +noall +answer` lines as [name, ttl, type, value]. */
export function dig(port: number, name: string, type: string): { ttl: number; type: string; value: string }[] {
  const out = execFileSync('dig', ['@127.0.0.1', '-p', String(port), '+noall', '+answer', '+norecurse', '+time=2', '+tries=2', name, type], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';'))
    .map((l) => {
      const [, ttl = '', , rtype = '', ...rest] = l.split(/\s+/);
      return { ttl: Number(ttl), type: rtype, value: rest.join(' ') };
    });
}
