// hostname in check mode: this machine keeps its name.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlay, recap } from './cli-play.js';

const play = cliPlay('hostname');
afterAll(() => play.cleanup());

describe('hostname (CLI, local connection, check mode only)', () => {
  it('a different name would change; the machine keeps its name', async () => {
    const before = execFileSync('hostname', { encoding: 'utf8' }).trim();
    const r = await play.run(`- hosts: localhost\n  gather_facts: false\n  tasks:\n    - hostname: { name: osm-play-test-${process.pid} }\n`, ['--check', '--diff']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(recap(r.stdout)).toMatchObject({ changed: 1 });
    expect(r.stdout).toContain(`osm-play-test-${process.pid}`);
    expect(execFileSync('hostname', { encoding: 'utf8' }).trim()).toBe(before);
  }, 120_000);
});
