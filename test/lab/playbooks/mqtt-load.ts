// MQTT traffic while a customer moves: a publisher sends a numbered QoS 1 message every 100 ms and a
// subscriber with a persistent session reads them, both going to the address DNS gives at the time
// (the subscriber reconnects when the answer changes or its connection drops). What the broker
// acknowledged must reach the subscriber; the longest time without an acknowledged publish is what
// the customer's gateways would see of the move.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runArgv } from '../../helpers/lab.js';

export interface LoadTarget {
  /** The customer's MQTT name: the clients check the certificate against it. */
  name: string;
  port: number;
  cafile: string;
  user: string;
  password: string;
  topic: string;
  /** The address DNS gives for `name` now (null while it gives none). */
  resolve: () => string | null;
  /** A folder for the clients' hosts files. */
  dir: string;
}

export interface LoadReport {
  sent: number;
  acknowledged: number[];
  received: Set<number>;
  /** The longest time between two acknowledged publishes. */
  longestGapMs: number;
  /** Addresses the subscriber connected to, in order. */
  subscribedAt: string[];
}

const PERIOD_MS = 100;

/** argv of a mosquitto client that resolves `name` to `ip` (a private /etc/hosts in its own mount namespace). */
function client(t: LoadTarget, ip: string, tool: string, rest: string[]): string[] {
  const hosts = join(t.dir, `hosts-${ip}`);
  writeFileSync(hosts, `${ip} ${t.name}\n`);
  return ['unshare', '-m', '/bin/sh', '-c', 'mount --bind "$1" /etc/hosts && shift && exec "$@"', 'sh', hosts,
    tool, '-h', t.name, '-p', String(t.port), '--cafile', t.cafile, '--tls-version', 'tlsv1.2', '-u', t.user, '-P', t.password, ...rest];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startLoad(t: LoadTarget): { stop: () => Promise<LoadReport> } {
  const report: LoadReport = { sent: 0, acknowledged: [], received: new Set(), longestGapMs: 0, subscribedAt: [] };
  let stopped = false;
  let sub: { child: ChildProcess; ip: string; exited: boolean } | null = null;

  const subscribe = (ip: string) => {
    const argv = client(t, ip, 'mosquitto_sub', ['-t', t.topic, '-q', '1', '-c', '-i', `${t.user}-move-load`]);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    const s = { child, ip, exited: false };
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (/^\d+$/.test(l.trim())) report.received.add(Number(l.trim()));
    });
    child.on('exit', () => (s.exited = true));
    report.subscribedAt.push(ip);
    sub = s;
  };

  const watch = setInterval(() => {
    const ip = t.resolve();
    if (ip === null || stopped) return;
    if (!sub || sub.exited || sub.ip !== ip) {
      sub?.child.kill('SIGKILL');
      subscribe(ip);
    }
  }, 500);

  // The subscriber's session exists before the first publish, so it holds every message after it.
  const first = t.resolve();
  if (first !== null) subscribe(first);

  const publishing = (async () => {
    await sleep(1500);
    let lastAck = Date.now();
    while (!stopped) {
      const started = Date.now();
      const n = ++report.sent;
      const ip = t.resolve();
      if (ip !== null) {
        const r = await runArgv(client(t, ip, 'mosquitto_pub', ['-t', t.topic, '-q', '1', '-m', String(n)]), { timeoutMs: 5000 });
        if (r.exitCode === 0) {
          report.acknowledged.push(n);
          report.longestGapMs = Math.max(report.longestGapMs, Date.now() - lastAck);
          lastAck = Date.now();
        }
      }
      await sleep(Math.max(0, PERIOD_MS - (Date.now() - started)));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await publishing;
      // The subscriber catches up on what its session holds.
      for (let i = 0; i < 50 && report.acknowledged.some((n) => !report.received.has(n)); i++) await sleep(200);
      clearInterval(watch);
      (sub as { child: ChildProcess } | null)?.child.kill('SIGKILL');
      return report;
    },
  };
}
