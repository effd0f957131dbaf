// fetch through the CLI on localhost: a file lands under dest/localhost/PATH, then again unchanged.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlay, recap, save } from './cli-play.js';

const play = cliPlay('fetch');
afterAll(() => play.cleanup());

const PLAYBOOK = `- hosts: localhost
  gather_facts: false
  tasks:
    - fetch: { src: "{{ dir }}/remote.conf", dest: "{{ dir }}/fetched" }
      register: tree
    - fetch: { src: "{{ dir }}/remote.conf", dest: "{{ dir }}/flat/", flat: true }
    - fetch: { src: "{{ dir }}/absent.conf", dest: "{{ dir }}/fetched", fail_on_missing: false }
${save('tree')}`;

describe('fetch (CLI, local connection)', () => {
  it('copies to the controller, then is ok; check mode writes nothing', async () => {
    writeFileSync(join(play.dir, 'remote.conf'), 'setting=1\n');
    const check = await play.run(PLAYBOOK, ['--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(existsSync(join(play.dir, 'fetched'))).toBe(false);

    const first = await play.run(PLAYBOOK);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const tree = join(play.dir, 'fetched', 'localhost', play.dir, 'remote.conf');
    expect(readFileSync(tree, 'utf8')).toBe('setting=1\n');
    expect(readFileSync(join(play.dir, 'flat', 'remote.conf'), 'utf8')).toBe('setting=1\n');
    expect(recap(first.stdout)).toMatchObject({ changed: 3, failed: 0 });
    expect(play.result('tree')).toMatchObject({ dest: tree, checksum: createHash('sha1').update('setting=1\n').digest('hex') });

    const again = await play.run(PLAYBOOK);
    expect(recap(again.stdout)).toMatchObject({ changed: 1, failed: 0 });
  }, 180_000);
});
