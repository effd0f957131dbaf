// scripts/lab/ufw-netns: ufw can be enabled inside its namespaces, and the machine's own ufw state,
// /etc/ufw files and netfilter rules stay exactly as they were.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inUfwNetns, runArgv } from '../helpers/lab.js';

/** Digest of every regular file under /etc/ufw, by path. */
function etcUfwDigest(): string {
  const lines: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) lines.push(`${p} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk('/etc/ufw');
  return lines.join('\n');
}

/** The machine's netfilter tables (not rules: lxc-net's counters move with traffic). */
async function hostTables(): Promise<string> {
  const r = await runArgv(['nft', 'list', 'tables']);
  return r.stdout;
}

describe('ufw-netns', () => {
  it('enables ufw and adds a rule inside the namespace only', async () => {
    const etcBefore = etcUfwDigest();
    const tablesBefore = await hostTables();
    const r = await inUfwNetns(['sh', '-c', 'ufw --force enable >/dev/null && ufw allow 48883/tcp >/dev/null && ufw status']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Status: active$/m);
    expect(r.stdout).toMatch(/^48883\/tcp\s+ALLOW\s+Anywhere/m);
    expect(etcUfwDigest()).toBe(etcBefore);
    expect(await hostTables()).toBe(tablesBefore);
    expect((await runArgv(['nft', 'list', 'ruleset'])).stdout).not.toContain('ufw-user-input');
    expect((await runArgv(['ufw', 'status'])).stdout).toMatch(/^Status: inactive$/m);
    const left = await runArgv(['ip', 'netns', 'list']);
    expect(left.stdout).not.toMatch(/^osm-ufw-/m);
  });

  it('keeps a private /etc/ufw across calls when given a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osm-ufw-etc-test-'));
    const hostRules = readFileSync('/etc/ufw/user.rules', 'utf8');
    try {
      const copy = await runArgv(['cp', '-a', '/etc/ufw/.', dir]);
      expect(copy.exitCode).toBe(0);
      const first = await inUfwNetns(['ufw', 'allow', '48884/tcp'], { etcUfw: dir });
      expect(first.exitCode).toBe(0);
      expect(readFileSync(join(dir, 'user.rules'), 'utf8')).toContain('48884');
      const second = await inUfwNetns(['ufw', 'show', 'added'], { etcUfw: dir });
      expect(second.stdout).toContain('ufw allow 48884/tcp');
      expect(readFileSync('/etc/ufw/user.rules', 'utf8')).toBe(hostRules);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
