import { describe, expect, it } from 'vitest';
import copy, { copyDest, type CopyState } from '../../../modules/copy.js';
import template from '../../../modules/template.js';
import { planContentFile } from '../../../runner/kit/content-file.js';
import type { StatResult } from '../../../runner/connection/types.js';

const file = (mode = 0o644): StatResult => ({ exists: true, isFile: true, isDir: false, isSymlink: false, mode, uid: 0, gid: 0, size: 1, mtimeMs: 0 });
const d = { force: true, backup: false, remote_src: false };

function copyState(current: string | Buffer | null, desired: string | Buffer, mode?: number): CopyState {
  const cur = current === null ? null : Buffer.from(current);
  return { dest: '/etc/x', desired: Buffer.from(desired), current: cur, attrs: { stat: cur === null ? null : file(mode) } };
}

describe('copy plan', () => {
  it.each([
    ['same content -> nothing', { dest: '/etc/x', content: 'a\n' }, copyState('a\n', 'a\n'), []],
    ['missing -> create', { dest: '/etc/x', content: 'a\n' }, copyState(null, 'a\n'), ['create']],
    ['different -> write', { dest: '/etc/x', content: 'b\n' }, copyState('a\n', 'b\n'), ['write']],
    ['different but force false -> nothing', { dest: '/etc/x', content: 'b\n', force: false }, copyState('a\n', 'b\n'), []],
    ['same content, mode differs -> attributes', { dest: '/etc/x', content: 'a\n', mode: '0600' }, copyState('a\n', 'a\n', 0o644), ['attributes']],
    ['same content, mode as YAML 1.1 number 0644 (= 420) -> nothing', { dest: '/etc/x', content: 'a\n', mode: 420 }, copyState('a\n', 'a\n', 0o644), []],
  ])('%s', (_label, a, s, actions) => {
    expect(copy.plan({ ...d, ...a }, s).map((c) => c.action)).toEqual(actions);
  });

  it('carries before/after for --diff', () => {
    expect(copy.plan({ ...d, dest: '/etc/x', content: 'b\n' }, copyState('a\n', 'b\n'))[0]).toMatchObject({ before: 'a\n', after: 'b\n', target: '/etc/x' });
  });

  it('does not put binary content in the diff', () => {
    const [c] = planContentFile('/bin/x', Buffer.from([0, 1, 2]), { current: Buffer.from([0, 1]), attrs: { stat: file() } }, {});
    expect(c.before).toBeUndefined();
    expect(c.summary).toContain('binary, 3 bytes');
  });

  it('copies into a directory when dest ends in /', () => {
    expect(copyDest({ ...d, dest: '/etc/osm/', src: 'files/a.conf' })).toBe('/etc/osm/a.conf');
    expect(() => copyDest({ ...d, dest: '/etc/osm/', content: 'x' })).toThrow(/needs src/);
  });

  it('registers checksum and size', () => {
    expect(copy.result?.({ ...d, dest: '/etc/x', content: 'abc' }, copyState(null, 'abc'), [])).toMatchObject({ checksum: 'a9993e364706816aba3e25717850c26c9cd0d89d', size: 3 });
  });
});

describe('template plan', () => {
  const t = (current: string | null, rendered: string) => ({ rendered, current: current === null ? null : Buffer.from(current), attrs: { stat: current === null ? null : file() } });
  it.each([
    ['same -> nothing', t('x=1\n', 'x=1\n'), []],
    ['missing -> create', t(null, 'x=1\n'), ['create']],
    ['differs -> write', t('x=0\n', 'x=1\n'), ['write']],
  ])('%s', (_label, s, actions) => {
    expect(template.plan({ ...d, src: 'a.j2', dest: '/etc/x' }, s).map((c) => c.action)).toEqual(actions);
  });
});
