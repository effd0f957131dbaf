// --profile-tasks: after the recap, one row per task and host with phase times and the number of
// remote operations, then a total per host. Times are not asserted; the counts are exact.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--profile-tasks', () => {
  it('counts each task’s remote commands per host and totals them', async () => {
    const pb = join(dir, 'p.yml');
    writeFileSync(pb, '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - command: "true"\n      loop: [1, 2]\n    - debug: msg=hi\n');
    const r = await runCli(['-i', 'localhost,', pb, '--profile-tasks']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const profile = r.stdout.slice(r.stdout.indexOf('TASK PROFILE'));
    expect(r.stdout.indexOf('PLAY RECAP')).toBeLessThan(r.stdout.indexOf('TASK PROFILE'));
    const cmds = (label: string) => profile.split('\n').find((l) => l.startsWith(label))?.trim().split(/\s+/).at(-1);
    expect(cmds('command (p/p.yml:4)'.replace('p/', `${dir.split('/').at(-1)}/`))).toBe('1');
    expect(cmds('command (p/p.yml:5)'.replace('p/', `${dir.split('/').at(-1)}/`))).toBe('2');
    expect(cmds('debug')).toBe('0');
    expect(cmds('(all tasks)')).toBe('3');
  }, 300_000);

  it('prints nothing extra without the flag', async () => {
    const pb = join(dir, 'q.yml');
    writeFileSync(pb, '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n');
    const r = await runCli(['-i', 'localhost,', pb]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('TASK PROFILE');
  }, 300_000);
});
