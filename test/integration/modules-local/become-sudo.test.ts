// sudo with a password, for real: a throwaway user with a password-protected sudo rule runs the
// LocalConnection (through tsx), so sudo actually prompts and the stdin gate is exercised.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const USER = 'osmplay-become-t';
const PASSWORD = 'correct horse $(battery)';
const SUDOERS = `/etc/sudoers.d/${USER}`;
const canRun = process.getuid?.() === 0 && spawnSync('which', ['useradd', 'sudo']).status === 0;
const repo = resolve(import.meta.dirname, '../../..');
let work = '';

function cleanup(): void {
  rmSync(SUDOERS, { force: true });
  spawnSync('userdel', [USER]);
  if (work) rmSync(work, { recursive: true, force: true });
}

// Runs LocalConnection.exec as USER with the given become password; prints the ExecResult as JSON.
function execAsUser(password: string, stdin: string): { exitCode: number; stdout: string; stderr: string } {
  const script = join(work, 'run.mts');
  writeFileSync(
    script,
    [
      `import { LocalConnection } from '${repo}/runner/connection/local.ts';`,
      'const conn = new LocalConnection();',
      `const r = await conn.exec({ script: 'id -un; cat' }, { stdin: ${JSON.stringify(stdin)}, become: { method: 'sudo', user: 'root', password: ${JSON.stringify(password)} } });`,
      'process.stdout.write(JSON.stringify(r));',
    ].join('\n'),
  );
  chmodSync(work, 0o755);
  chmodSync(script, 0o644);
  const out = execFileSync('su', ['-s', '/bin/sh', USER, '-c', `cd ${work} && ${repo}/node_modules/.bin/tsx run.mts`], { encoding: 'utf8', env: { ...process.env, HOME: work } });
  return JSON.parse(out) as { exitCode: number; stdout: string; stderr: string };
}

describe.runIf(canRun)('sudo become with a password (real sudo prompt)', () => {
  beforeAll(() => {
    cleanup();
    work = mkdtempSync(join(tmpdir(), 'osm-play-become-'));
    execFileSync('useradd', ['-M', '-d', work, '-s', '/bin/sh', USER]);
    execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
    // timestamp_timeout=0: no cached ticket, so every command prompts.
    writeFileSync(SUDOERS, `Defaults:${USER} timestamp_timeout=0, !lecture\n${USER} ALL=(ALL) ALL\n`, { mode: 0o440 });
  });
  afterAll(cleanup);

  it('answers the prompt on stdin, then passes the caller stdin, with clean stderr', () => {
    const r = execAsUser(PASSWORD, 'payload');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'root\npayload', stderr: '' });
  });

  it('reports a wrong password clearly and does not hang', () => {
    const r = execAsUser('wrong', 'payload');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('incorrect become password');
    expect(r.stdout).not.toContain('payload');
  });
});
