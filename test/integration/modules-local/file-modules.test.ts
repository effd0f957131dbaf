// Each file module against the real filesystem: changed, then ok; check mode touches nothing;
// a failing validate leaves the old file.
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import blockinfile from '../../../modules/blockinfile.js';
import copy from '../../../modules/copy.js';
import file from '../../../modules/file.js';
import lineinfile from '../../../modules/lineinfile.js';
import replace from '../../../modules/replace.js';
import stat from '../../../modules/stat.js';
import template from '../../../modules/template.js';
import type { AnyModule } from '../../../runner/module.js';
import type { Vars } from '../../../runner/types.js';
import { localLab } from './harness.js';

const lab = localLab({ customer_name: 'acme', mqtt_port: 8883 });
afterAll(() => lab.cleanup());
const p = (name: string) => join(lab.dir, name);
const read = (name: string) => readFileSync(p(name), 'utf8');

/** check mode reports the change and alters nothing; apply changes; apply again is ok. */
async function idempotent(mod: AnyModule, args: Vars, snapshot: () => unknown) {
  const before = snapshot();
  const check = await lab.run(mod, args, { check: true });
  expect(check.status, check.error).toBe('changed');
  expect(check.changes.length).toBeGreaterThan(0);
  expect(snapshot()).toEqual(before);
  const first = await lab.run(mod, args);
  expect(first.status, first.error).toBe('changed');
  const second = await lab.run(mod, args);
  expect(second.status, second.error).toBe('ok');
  expect(second.changes).toEqual([]);
  return { check, first };
}
const snap = (name: string) => () => (existsSync(p(name)) ? readFileSync(p(name), 'utf8') : null);

describe('copy', () => {
  it('content: changed, ok, check alters nothing, diff shown', async () => {
    const { check } = await idempotent(copy, { dest: p('c.conf'), content: 'listener 1883\n', mode: '0640' }, snap('c.conf'));
    expect(check.diff).toContain('+listener 1883');
    expect(read('c.conf')).toBe('listener 1883\n');
    expect(statSync(p('c.conf')).mode & 0o777).toBe(0o640);
  });

  it('src from files/, and a mode-only change', async () => {
    writeFileSync(join(lab.dir, 'files', 'src.txt'), 'from files\n');
    await idempotent(copy, { dest: p('from-src.txt'), src: 'src.txt' }, snap('from-src.txt'));
    const r = await lab.run(copy, { dest: p('from-src.txt'), src: 'src.txt', mode: '0600' });
    expect(r.status).toBe('changed');
    expect(r.changes.map((c) => c.action)).toEqual(['attributes']);
    expect(statSync(p('from-src.txt')).mode & 0o777).toBe(0o600);
  });

  it('remote_src copies a file already on the host', async () => {
    writeFileSync(p('remote-src.txt'), 'on the host\n');
    await idempotent(copy, { dest: p('remote-copy.txt'), src: p('remote-src.txt'), remote_src: true }, snap('remote-copy.txt'));
    expect(read('remote-copy.txt')).toBe('on the host\n');
    const missing = await lab.run(copy, { dest: p('x.txt'), src: p('nope'), remote_src: true });
    expect(missing.error).toMatch(/does not exist/);
  });

  it('a failing validate leaves the old file intact and fails with the validator output', async () => {
    writeFileSync(p('v.conf'), 'good\n');
    const r = await lab.run(copy, { dest: p('v.conf'), content: 'bad\n', validate: "sh -c 'grep -q good \"$1\" || { echo \"not good: $1\" >&2; exit 1; }' sh %s" });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/validation of .*v\.conf failed.*not good/);
    expect(r.data.rc).toBe(1);
    expect(read('v.conf')).toBe('good\n');
    const ok = await lab.run(copy, { dest: p('v.conf'), content: 'good too\n', validate: 'grep -q good %s', backup: true });
    expect(ok.status).toBe('changed');
    expect(read('v.conf')).toBe('good too\n');
    expect(readFileSync(String(ok.data.backup_file), 'utf8')).toBe('good\n');
  });
});

describe('template', () => {
  it('renders with task vars', async () => {
    writeFileSync(join(lab.dir, 'templates', 'stream.conf.j2'), '# {{ ansible_managed }}\nserver {\n  listen {{ mqtt_port }};\n  # {{ customer_name | upper }}\n}\n');
    await idempotent(template, { src: 'stream.conf.j2', dest: p('stream.conf') }, snap('stream.conf'));
    expect(read('stream.conf')).toBe('# Ansible managed\nserver {\n  listen 8883;\n  # ACME\n}\n');
  });

  it('fails clearly on an undefined variable and writes nothing', async () => {
    writeFileSync(join(lab.dir, 'templates', 'bad.j2'), 'x={{ nope }}\n');
    const r = await lab.run(template, { src: 'bad.j2', dest: p('bad.conf') });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('nope');
    expect(existsSync(p('bad.conf'))).toBe(false);
  });
});

describe('file', () => {
  it('directory, recurse, touch, link, absent', async () => {
    await idempotent(file, { path: p('d/e'), state: 'directory', mode: '0750' }, () => existsSync(p('d')));
    expect(statSync(p('d/e')).mode & 0o777).toBe(0o750);
    // Special bits and a mode wider than the umask allows, set as the directory is made.
    await idempotent(file, { path: p('g'), state: 'directory', mode: '2777' }, () => existsSync(p('g')));
    expect(statSync(p('g')).mode & 0o7777).toBe(0o2777);
    writeFileSync(p('d/e/f'), 'x');
    await idempotent(file, { path: p('d'), state: 'directory', mode: 'u=rwX,g=rX,o=', recurse: true }, () => statSync(p('d/e/f')).mode & 0o777);
    expect(statSync(p('d/e/f')).mode & 0o777).toBe(0o640);
    expect(statSync(p('d/e')).mode & 0o777).toBe(0o750);

    const t = await lab.run(file, { path: p('t'), state: 'touch' });
    expect(t.status).toBe('changed');
    expect(existsSync(p('t'))).toBe(true);

    await idempotent(file, { path: p('l'), state: 'link', src: p('t') }, () => existsSync(p('l')));
    expect(readlinkSync(p('l'))).toBe(p('t'));
    expect(lstatSync(p('l')).isSymbolicLink()).toBe(true);

    await idempotent(file, { path: p('d'), state: 'absent' }, () => existsSync(p('d')));
    expect(existsSync(p('d'))).toBe(false);
  });
});

describe('lineinfile / blockinfile / replace', () => {
  it('lineinfile', async () => {
    writeFileSync(p('sysctl.conf'), '# sysctl\nnet.ipv4.ip_forward=0\n');
    const { check } = await idempotent(lineinfile, { path: p('sysctl.conf'), regexp: '^net.ipv4.ip_forward=', line: 'net.ipv4.ip_forward=1' }, snap('sysctl.conf'));
    expect(check.diff).toContain('-net.ipv4.ip_forward=0');
    expect(read('sysctl.conf')).toBe('# sysctl\nnet.ipv4.ip_forward=1\n');
    const missing = await lab.run(lineinfile, { path: p('nope.conf'), line: 'x' });
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/does not exist/);
    await idempotent(lineinfile, { path: p('created.conf'), line: 'x', create: 'yes' }, snap('created.conf'));
  });

  it('blockinfile', async () => {
    writeFileSync(p('hosts'), '127.0.0.1 localhost\n');
    await idempotent(blockinfile, { path: p('hosts'), marker: '# {mark} OSM', block: '10.0.3.10 acme-svr\n' }, snap('hosts'));
    expect(read('hosts')).toBe('127.0.0.1 localhost\n# BEGIN OSM\n10.0.3.10 acme-svr\n# END OSM\n');
    await idempotent(blockinfile, { path: p('hosts'), marker: '# {mark} OSM', state: 'absent' }, snap('hosts'));
    expect(read('hosts')).toBe('127.0.0.1 localhost\n');
  });

  it('replace', async () => {
    writeFileSync(p('m.conf'), 'listener 1883\nlistener 8883\n');
    await idempotent(replace, { path: p('m.conf'), regexp: '^listener (\\d+)$', replace: 'listener \\1 127.0.0.1' }, snap('m.conf'));
    expect(read('m.conf')).toBe('listener 1883 127.0.0.1\nlistener 8883 127.0.0.1\n');
  });
});

describe('stat', () => {
  it('describes files and never changes', async () => {
    writeFileSync(p('s.txt'), 'abc');
    const r = await lab.run(stat, { path: p('s.txt') });
    expect(r.status).toBe('ok');
    expect(r.data.stat).toMatchObject({ exists: true, isreg: true, isdir: false, size: 3, checksum: 'a9993e364706816aba3e25717850c26c9cd0d89d' });
    const none = await lab.run(stat, { path: p('missing') });
    expect(none.data.stat).toEqual({ exists: false });
    const dir = await lab.run(stat, { path: lab.dir }, { check: true });
    expect(dir).toMatchObject({ status: 'ok', data: { stat: { isdir: true } } });
  });
});
