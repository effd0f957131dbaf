import { describe, expect, it } from 'vitest';
import { countTreeMismatches, parseTree, planFile, type FileState } from '../../../modules/file.js';
import type { StatResult } from '../../../runner/connection/types.js';

function st(kind: 'file' | 'dir' | 'link', mode = 0o644, uid = 0, gid = 0): StatResult {
  return { exists: true, isFile: kind === 'file', isDir: kind === 'dir', isSymlink: kind === 'link', mode, uid, gid, size: 0, mtimeMs: 0 };
}
function state(stat: StatResult | null, extra: Partial<FileState> = {}, ids: { uid?: number | null; gid?: number | null } = {}): FileState {
  return { attrs: { stat, ...ids }, linkTarget: null, treeMismatches: 0, ...extra };
}
const d = { state: 'file' as const, force: false, recurse: false };

describe('file plan', () => {
  it.each([
    ['directory missing -> mkdir', { path: '/d', state: 'directory' as const }, state(null), ['mkdir']],
    ['directory there -> nothing', { path: '/d', state: 'directory' as const, mode: '0755' }, state(st('dir', 0o755)), []],
    ['directory wrong mode', { path: '/d', state: 'directory' as const, mode: '0750' }, state(st('dir', 0o755)), ['attributes']],
    ['directory symbolic mode already right', { path: '/d', state: 'directory' as const, mode: 'u=rwx,g=rx,o=rx' }, state(st('dir', 0o755)), []],
    ['directory recurse mismatches below', { path: '/d', state: 'directory' as const, mode: 'u=rwX', recurse: true }, state(st('dir', 0o755), { treeMismatches: 3 }), ['attributes']],
    ['absent there -> delete', { path: '/x', state: 'absent' as const }, state(st('file')), ['delete']],
    ['absent missing -> nothing', { path: '/x', state: 'absent' as const }, state(null), []],
    ['file with right owner', { path: '/x', owner: 'www' }, state(st('file', 0o644, 33), {}, { uid: 33 }), []],
    ['file with wrong owner', { path: '/x', owner: 'www' }, state(st('file', 0o644, 0), {}, { uid: 33 }), ['attributes']],
    ['file with unknown owner', { path: '/x', owner: 'nosuch' }, state(st('file', 0o644, 0), {}, { uid: null }), ['attributes']],
    ['touch missing -> create', { path: '/x', state: 'touch' as const }, state(null), ['create']],
    ['touch existing -> touch (always, like Ansible)', { path: '/x', state: 'touch' as const }, state(st('file')), ['touch']],
    ['link missing', { path: '/l', state: 'link' as const, src: '/t' }, state(null), ['link']],
    ['link right', { path: '/l', state: 'link' as const, src: '/t' }, state(st('link'), { linkTarget: '/t' }), []],
    ['link elsewhere', { path: '/l', state: 'link' as const, src: '/t' }, state(st('link'), { linkTarget: '/u' }), ['link']],
    ['link over a file with force', { path: '/l', state: 'link' as const, src: '/t', force: true }, state(st('file')), ['link']],
    ['dest alias', { dest: '/d', state: 'directory' as const }, state(null), ['mkdir']],
  ])('%s', (_label, a, s, actions) => {
    expect(planFile({ ...d, ...a }, s).map((c) => c.action)).toEqual(actions);
  });

  it.each([
    ['file missing', { path: '/x' }, state(null), /does not exist/],
    ['file is a directory', { path: '/x' }, state(st('dir')), /is a directory/],
    ['directory over a file', { path: '/x', state: 'directory' as const }, state(st('file')), /not a directory/],
    ['link without src', { path: '/l', state: 'link' as const }, state(null), /needs src/],
    ['link over a file without force', { path: '/l', state: 'link' as const, src: '/t' }, state(st('file')), /force/],
    ['link over a directory', { path: '/l', state: 'link' as const, src: '/t', force: true }, state(st('dir')), /directory/],
    ['remove /', { path: '/', state: 'absent' as const }, state(st('dir')), /refusing/],
    ['no path', {}, state(null), /path is required/],
  ])('fails: %s', (_label, a, s, msg) => {
    expect(() => planFile({ ...d, ...a }, s)).toThrow(msg);
  });

  it('shows state transitions as a diff', () => {
    const [c] = planFile({ ...d, path: '/d', state: 'directory' }, state(null));
    expect(c).toMatchObject({ before: 'state: absent\n', after: 'state: directory\n', summary: 'create directory /d' });
  });

  it('counts entries below whose attributes differ', () => {
    const entries = parseTree('755 0 0 d\n644 0 0 f\n600 33 0 f\n');
    expect(entries[0]).toEqual({ mode: 0o755, uid: 0, gid: 0, isDir: true });
    expect(countTreeMismatches(entries, { ...d, path: '/d', mode: 'u=rwX,g=rX,o=rX' }, {})).toBe(1);
    expect(countTreeMismatches(entries, { ...d, path: '/d', owner: 'root' }, { uid: 0 })).toBe(1);
    expect(countTreeMismatches(entries, { ...d, path: '/d' }, {})).toBe(0);
  });
});
