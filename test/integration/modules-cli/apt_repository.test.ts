// apt_repository through the CLI in check mode only: it reads this machine's APT sources, plans, and
// must leave them as they were (the brief forbids changing them).
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlay, recap } from './cli-play.js';

const play = cliPlay('aptrepo');
afterAll(() => play.cleanup());

describe('apt_repository (CLI, local connection, check mode)', () => {
  it('a new repository would be added and the cache updated; nothing is written', async () => {
    const before = readdirSync('/etc/apt/sources.list.d').sort();
    const r = await play.run(
      `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - apt_repository: { repo: "deb http://127.0.0.1:9/osm-play-test bookworm main" }\n    - apt_repository: { repo: "ppa:x/y" }\n      ignore_errors: true\n`,
      ['--check', '--diff'],
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('/etc/apt/sources.list.d/127_0_0_1_9_osm_play_test.list');
    expect(r.stdout).toContain('+deb http://127.0.0.1:9/osm-play-test bookworm main');
    expect(r.stdout).toMatch(/PPAs \(ppa:x\/y\) are not supported/);
    expect(recap(r.stdout)).toMatchObject({ changed: 1, ignored: 1 });
    expect(readdirSync('/etc/apt/sources.list.d').sort()).toEqual(before);
  }, 120_000);
});
