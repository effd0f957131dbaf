// sysctl on a temp sysctl_file (reload: false; the live value only in check mode): this machine's
// settings stay as they are.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlay, recap } from './cli-play.js';

const play = cliPlay('sysctl');
afterAll(() => play.cleanup());

describe('sysctl (CLI, local connection)', () => {
  it('edits the given file idempotently; sysctl_set in check mode sets nothing', async () => {
    const file = join(play.dir, '90-test.conf');
    writeFileSync(file, '# test\nvm.swappiness = 60\n');
    const pb = `- hosts: localhost
  gather_facts: false
  tasks:
    - sysctl: { name: vm.swappiness, value: 10, sysctl_file: "${file}", reload: false }
    - sysctl: { name: kernel.osm_play_absent, state: absent, sysctl_file: "${file}", reload: false }
`;
    const first = await play.run(pb);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('# test\nvm.swappiness=10\n');
    expect(recap(first.stdout)).toMatchObject({ ok: 2, changed: 1 });
    const again = await play.run(pb);
    expect(recap(again.stdout)).toMatchObject({ ok: 2, changed: 0 });

    const live = execFileSync('sysctl', ['-n', 'vm.swappiness'], { encoding: 'utf8' }).trim();
    const other = live === '11' ? '12' : '11';
    const check = await play.run(`- hosts: localhost\n  gather_facts: false\n  tasks:\n    - sysctl: { name: vm.swappiness, value: ${other}, sysctl_set: true, sysctl_file: "${file}" }\n`, ['--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(recap(check.stdout)).toMatchObject({ changed: 1 });
    expect(execFileSync('sysctl', ['-n', 'vm.swappiness'], { encoding: 'utf8' }).trim()).toBe(live);
    expect(readFileSync(file, 'utf8')).toBe('# test\nvm.swappiness=10\n');
  }, 180_000);
});
