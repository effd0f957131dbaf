import { describe, expect, it } from 'vitest';
import stat, { statResult } from '../../../modules/stat.js';

describe('stat', () => {
  it('never plans a change', () => {
    expect(stat.plan({ path: '/x', follow: false, get_checksum: true }, { stat: null })).toEqual([]);
  });

  it('registers exists false for a missing path', () => {
    expect(statResult({ stat: null })).toEqual({ stat: { exists: false } });
  });

  it('registers Ansible-shaped fields', () => {
    const r = statResult({
      stat: { exists: true, isFile: true, isDir: false, isSymlink: false, mode: 0o640, uid: 0, gid: 4, size: 12, mtimeMs: 1500 },
      pwName: 'root',
      grName: 'adm',
      checksum: 'abc',
    });
    expect(r).toEqual({ stat: { exists: true, isdir: false, isreg: true, islnk: false, mode: '0640', uid: 0, gid: 4, size: 12, mtime: 1.5, pw_name: 'root', gr_name: 'adm', checksum: 'abc' } });
  });
});
