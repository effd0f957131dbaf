import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import command from '../../../modules/command.js';
import shell from '../../../modules/shell.js';
import { localLab } from './harness.js';

const lab = localLab();
afterAll(() => lab.cleanup());
const p = (name: string) => join(lab.dir, name);

describe('command', () => {
  it('runs without a shell and registers rc/stdout/stdout_lines', async () => {
    const r = await lab.run(command, { _raw_params: `printf "%s\\n" 'a b' '$HOME' "$(nope)"` });
    expect(r.status).toBe('changed');
    expect(r.data).toMatchObject({ rc: 0, stdout: 'a b\n$HOME\n$(nope)', stdout_lines: ['a b', '$HOME', '$(nope)'], stderr: '' });
  });

  it('fails on a non-zero rc with stderr', async () => {
    const r = await lab.run(command, { argv: ['ls', p('does-not-exist')] });
    expect(r.status).toBe('failed');
    expect(r.data.rc).not.toBe(0);
    expect(r.error).toContain('non-zero return code');
    expect(String(r.data.stderr)).toContain('does-not-exist');
  });

  it('check mode says what it would run and runs nothing', async () => {
    const r = await lab.run(command, { argv: ['touch', p('made by check')] }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.changes[0].summary).toBe(`would run: touch '${p('made by check')}'`);
    expect(existsSync(p('made by check'))).toBe(false);
  });

  it('creates/removes/chdir/stdin', async () => {
    const first = await lab.run(command, { cmd: 'touch marker', chdir: lab.dir, creates: p('marker') });
    expect(first.status).toBe('changed');
    expect(existsSync(p('marker'))).toBe(true);
    const again = await lab.run(command, { cmd: 'touch marker', chdir: lab.dir, creates: p('marker') });
    expect(again.status).toBe('ok');
    expect(again.data.msg).toMatch(/since .* exists/);
    expect((await lab.run(command, { argv: ['rm', p('gone')], removes: p('gone') })).status).toBe('ok');
    // Globs, expanded on the host; spaces in the pattern stay part of it.
    writeFileSync(p('a file.tar'), '');
    expect((await lab.run(command, { argv: ['true'], creates: p('a file.*') })).status).toBe('ok');
    expect((await lab.run(command, { argv: ['true'], creates: p('*.none') })).status).toBe('changed');
    expect((await lab.run(command, { argv: ['true'], removes: p('*.none') })).status).toBe('ok');
    const cat = await lab.run(command, { argv: ['cat'], stdin: 'fed' });
    expect(cat.data.stdout).toBe('fed');
  });
});

describe('shell', () => {
  it('runs pipes and variables through /bin/sh', async () => {
    writeFileSync(p('lines'), 'a\nb\nc\n');
    const r = await lab.run(shell, { _raw_params: `wc -l < lines | tr -d ' ' chdir=${lab.dir}` });
    expect(r).toMatchObject({ status: 'changed', data: { rc: 0, stdout: '3' } });
  });

  it('uses executable and reports failures', async () => {
    const r = await lab.run(shell, { cmd: 'echo "$BASH_VERSION" | grep -q . && exit 3', executable: '/bin/bash' });
    expect(r).toMatchObject({ status: 'failed', data: { rc: 3 } });
  });
});
