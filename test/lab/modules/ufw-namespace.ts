// A private place where ufw may be enabled: a new network namespace plus a private mount namespace
// with copies of /etc/ufw AND /etc/default/ufw bind-mounted over the real ones (ufw_state's
// `ufw default ...` writes /etc/default/ufw, which scripts/lab/ufw-netns does not cover), kept alive by
// one holder process for the whole test file, so ufw's state and netfilter tables persist between
// commands. Commands enter it with nsenter; the machine's own firewall and files are never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../runner/connection/local.js';
import { ExecFileOps } from '../../../runner/connection/exec-file-ops.js';
import type { Command, Connection, ExecOptions, ExecResult, StatResult, WriteOptions } from '../../../runner/connection/types.js';
import { commandArgv } from '../../../runner/connection/prepare.js';

export interface UfwNamespace {
  conn: Connection;
  /** Runs argv inside the namespace (for assertions). */
  sh(argv: string[]): string;
  stop(): Promise<void>;
}

class NsConnection implements Connection {
  readonly kind = 'local';
  readonly host = 't5b-ufw-ns';
  private readonly local = new LocalConnection('t5b-ufw-ns');
  private readonly files = new ExecFileOps((cmd, opts) => this.exec(cmd, opts));

  constructor(private readonly holder: ChildProcess) {}

  private guard(): string {
    const pid = this.holder.pid;
    if (pid === undefined || this.holder.exitCode !== null || this.holder.signalCode !== null) {
      throw new Error('the ufw namespace holder is gone: refusing to run ufw outside it');
    }
    // Never the machine's own network namespace, whatever happened to the holder.
    if (readlinkSync(`/proc/${pid}/ns/net`) === readlinkSync('/proc/self/ns/net')) throw new Error('holder is in our own netns');
    return String(pid);
  }

  exec(cmd: Command, opts?: ExecOptions): Promise<ExecResult> {
    const pid = this.guard();
    return this.local.exec({ argv: ['nsenter', '-t', pid, '--net', '--mount', '--', ...commandArgv(cmd)] }, opts);
  }
  readFile(path: string): Promise<Buffer | null> {
    return this.files.readFile(path);
  }
  writeFile(path: string, data: string | Buffer, opts?: WriteOptions): Promise<void> {
    return this.files.writeFile(path, data, opts);
  }
  stat(path: string): Promise<StatResult | null> {
    return this.files.stat(path);
  }
  async close(): Promise<void> {
    await this.local.close();
  }
}

export async function startUfwNamespace(): Promise<UfwNamespace> {
  const dir = mkdtempSync(join(tmpdir(), 't5b-ufw-'));
  cpSync('/etc/ufw', join(dir, 'ufw'), { recursive: true });
  cpSync('/etc/default/ufw', join(dir, 'default-ufw'));
  const script = 'mount --bind "$1" /etc/ufw && mount --bind "$2" /etc/default/ufw && ip link set lo up && echo ready && exec sleep infinity';
  const holder = spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'bash', '-c', script, 't5b-ufw-ns', join(dir, 'ufw'), join(dir, 'default-ufw')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) resolve();
    });
    holder.on('exit', (code) => reject(new Error(`ufw namespace holder exited (${code})`)));
  });
  const conn = new NsConnection(holder);
  return {
    conn,
    sh(argv: string[]): string {
      const pid = String(holder.pid);
      return execFileSync('nsenter', ['-t', pid, '--net', '--mount', '--', ...argv]).toString();
    },
    async stop(): Promise<void> {
      if (holder.exitCode === null) {
        const exited = new Promise((r) => holder.once('exit', r));
        holder.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
