// deb822_repository through the CLI in check mode only: the planned file shows in the diff; this
// machine's APT sources stay as they were.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlay, recap } from './cli-play.js';

const play = cliPlay('deb822');
afterAll(() => play.cleanup());

describe('deb822_repository (CLI, local connection, check mode)', () => {
  it('would create NAME.sources; nothing is written', async () => {
    const before = readdirSync('/etc/apt/sources.list.d').sort();
    const r = await play.run(
      `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - deb822_repository: { name: osm-play-test, uris: "http://127.0.0.1:9/debian", suites: bookworm, components: main }\n`,
      ['--check', '--diff'],
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('/etc/apt/sources.list.d/osm-play-test.sources');
    expect(r.stdout).toContain('+URIs: http://127.0.0.1:9/debian');
    expect(recap(r.stdout)).toMatchObject({ changed: 1 });
    expect(readdirSync('/etc/apt/sources.list.d').sort()).toEqual(before);
  }, 120_000);
});
