import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../runner/connection/local.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { ModuleError } from '../../../runner/module.js';
import type { Vars } from '../../../runner/types.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-play-hc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'role', 'files'), { recursive: true });
mkdirSync(join(dir, 'files'), { recursive: true });
writeFileSync(join(dir, 'role', 'files', 'a.txt'), 'role');
writeFileSync(join(dir, 'files', 'a.txt'), 'play');
writeFileSync(join(dir, 'files', 'b.txt'), 'play b');

// A stand-in templater: replaces {{ name }} with vars[name]; enough to see vars and extra merged.
const templater = {
  renderString: (s: string, vars: Vars) => s.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => String(vars[k])),
  evaluate: (e: string, vars: Vars) => vars[e.trim()],
};

const host = makeHostContext({
  name: 'web1',
  conn: new LocalConnection('web1'),
  vars: { who: 'world', n: 1 },
  templater,
  searchDirs: { files: [join(dir, 'role', 'files'), join(dir, 'files')], templates: [] },
});

describe('makeHostContext', () => {
  it('run returns stdout and throws ModuleError with rc/stderr/argv', async () => {
    expect(await host.run(['echo', 'hi'])).toBe('hi\n');
    const err = await host.run(['/bin/sh', '-c', 'echo out; echo "real problem" >&2; exit 4']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    const me = err as ModuleError;
    expect(me.message).toContain('rc 4: real problem');
    expect(me.detail).toMatchObject({ rc: 4, stdout: 'out\n', stderr: 'real problem\n' });
    expect(me.detail.argv?.[0]).toBe('/bin/sh');
  });

  it('a failed command names its arguments (the paths it was about), an inline script elided', async () => {
    const err = await host.run(['ls', '-d', '--', '/no/such dir']).catch((e: unknown) => e);
    expect(err instanceof Error ? err.message : '').toMatch(/^ls -d -- '\/no\/such dir' exited with rc 2: ls: cannot access/);
    const script = await host.run(['/bin/sh', '-c', 'echo "$1" >&2\nexit 3', 'sh', '/srv/x']).catch((e: unknown) => e);
    expect(script instanceof Error ? script.message : '').toBe('/bin/sh -c … sh /srv/x exited with rc 3: /srv/x');
  });

  it('exec never throws on non-zero', async () => {
    expect((await host.exec({ script: 'exit 2' })).exitCode).toBe(2);
  });

  it('finds files in search order and fails clearly', () => {
    expect(host.findFile('files', 'a.txt')).toBe(join(dir, 'role', 'files', 'a.txt'));
    expect(host.findFile('files', 'b.txt')).toBe(join(dir, 'files', 'b.txt'));
    expect(host.findFile('files', '/abs/path')).toBe('/abs/path');
    expect(() => host.findFile('files', 'nope.txt')).toThrow(/could not find files 'nope.txt'/);
    expect(() => host.findFile('templates', 'x.j2')).toThrow(/no directories/);
  });

  it('renders and evaluates with the task vars plus extra', () => {
    expect(host.render('hello {{ who }}')).toBe('hello world');
    expect(host.render('hello {{ who }}', { who: 'you' })).toBe('hello you');
    expect(host.evaluate('n')).toBe(1);
  });

  it('reads text files, null when missing', async () => {
    expect(await host.readFile(join(dir, 'files', 'a.txt'))).toBe('play');
    expect(await host.readFile(join(dir, 'missing'))).toBeNull();
  });

  it('without a templater, render fails clearly', () => {
    const bare = makeHostContext({ name: 'x', conn: new LocalConnection(), vars: {}, searchDirs: { files: [], templates: [] } });
    expect(() => bare.render('x')).toThrow(/templating is not available/);
  });
});
