// unarchive through the CLI on localhost: a tar.gz from the controller's files/ and a zip already on the host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlay, recap } from './cli-play.js';

const play = cliPlay('unarchive');
afterAll(() => play.cleanup());

const PLAYBOOK = `- hosts: localhost
  gather_facts: false
  tasks:
    - unarchive: { src: site.tar.gz, dest: "{{ dir }}/www" }
    - unarchive: { src: "{{ dir }}/site.zip", dest: "{{ dir }}/zipped", remote_src: true, exclude: "*.log" }
`;

describe('unarchive (CLI, local connection)', () => {
  it('unpacks tar.gz and zip, then is ok; check mode writes nothing', async () => {
    const content = join(play.dir, 'content');
    mkdirSync(join(content, 'sub'), { recursive: true });
    writeFileSync(join(content, 'index.html'), '<p>hi</p>\n');
    writeFileSync(join(content, 'sub', 'x.txt'), 'x\n');
    writeFileSync(join(content, 'debug.log'), 'log\n');
    mkdirSync(join(play.dir, 'files'));
    execFileSync('tar', ['-czf', join(play.dir, 'files', 'site.tar.gz'), '-C', content, '.']);
    execFileSync('zip', ['-qr', join(play.dir, 'site.zip'), '.'], { cwd: content });
    mkdirSync(join(play.dir, 'www'));
    mkdirSync(join(play.dir, 'zipped'));

    const check = await play.run(PLAYBOOK, ['--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(readdirSync(join(play.dir, 'www'))).toEqual([]);

    const first = await play.run(PLAYBOOK);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(recap(first.stdout)).toMatchObject({ ok: 2, changed: 2 });
    expect(readFileSync(join(play.dir, 'www', 'sub', 'x.txt'), 'utf8')).toBe('x\n');
    expect(readFileSync(join(play.dir, 'zipped', 'index.html'), 'utf8')).toBe('<p>hi</p>\n');
    expect(existsSync(join(play.dir, 'zipped', 'debug.log'))).toBe(false);

    const again = await play.run(PLAYBOOK);
    expect(recap(again.stdout)).toMatchObject({ ok: 2, changed: 0 });
  }, 180_000);
});
