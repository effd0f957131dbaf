// find through the CLI on localhost: real files in a temp dir, selected by pattern, type, size and content.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlay, recap, save } from './cli-play.js';

const play = cliPlay('find');
afterAll(() => play.cleanup());

describe('find (CLI, local connection)', () => {
  it('selects files as Ansible does and changes nothing', async () => {
    const tree = join(play.dir, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'a.log'), 'level=info\n');
    writeFileSync(join(tree, 'b.log'), 'x'.repeat(3000));
    writeFileSync(join(tree, '.h.log'), '');
    writeFileSync(join(tree, 'sub', 'c.log'), 'level=error\n');
    writeFileSync(join(tree, 'old.txt'), '');
    const old = Date.now() / 1000 - 10 * 86400;
    utimesSync(join(tree, 'old.txt'), old, old);
    const r = await play.run(`- hosts: localhost
  gather_facts: false
  tasks:
    - find: { paths: "{{ dir }}/tree", patterns: "*.log" }
      register: top
    - find: { paths: "{{ dir }}/tree", patterns: "*.log", recurse: true, contains: "level=" }
      register: deep
    - find: { paths: "{{ dir }}/tree", size: 2k }
      register: big
    - find: { paths: "{{ dir }}/tree", age: 1w }
      register: aged
    - find: { paths: "{{ dir }}/tree", file_type: directory }
      register: dirs
    - find: { paths: ["{{ dir }}/nowhere"] }
      register: missing
${['top', 'deep', 'big', 'aged', 'dirs', 'missing'].map(save).join('')}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(recap(r.stdout)).toMatchObject({ ok: 12, changed: 6, failed: 0 });
    const paths = (name: string) => (play.result(name).files as { path: string }[]).map((f) => f.path).sort();
    expect(paths('top')).toEqual([join(tree, 'a.log'), join(tree, 'b.log')]);
    expect(play.result('top')).toMatchObject({ matched: 2, examined: 5, changed: false });
    expect(paths('deep')).toEqual([join(tree, 'a.log'), join(tree, 'sub', 'c.log')]);
    expect(paths('big')).toEqual([join(tree, 'b.log')]);
    expect(paths('aged')).toEqual([join(tree, 'old.txt')]);
    expect(paths('dirs')).toEqual([join(tree, 'sub')]);
    expect((play.result('big').files as Record<string, unknown>[])[0]).toMatchObject({ size: 3000, isreg: true, mode: expect.stringMatching(/^0[0-7]{3}$/) });
    expect(play.result('missing')).toMatchObject({ matched: 0, skipped_paths: { [join(play.dir, 'nowhere')]: expect.stringContaining('No such file') } });
  }, 120_000);
});
