import { describe, expect, it } from 'vitest';
import { attributeChanges } from '../../../runner/kit/attributes.js';
import type { StatResult } from '../../../runner/connection/types.js';

const st = (mode: number, uid = 0, gid = 0): StatResult => ({ exists: true, isFile: true, isDir: false, isSymlink: false, mode, uid, gid, size: 0, mtimeMs: 0 });

describe('attributeChanges', () => {
  it('is empty when the path is missing (creation sets attributes) or already right', () => {
    expect(attributeChanges('/x', { mode: '0600' }, { stat: null })).toEqual([]);
    expect(attributeChanges('/x', { mode: '0600', owner: 'root' }, { stat: st(0o600), uid: 0 })).toEqual([]);
  });

  it('lists what differs, with before/after for --diff', () => {
    const [c] = attributeChanges('/x', { mode: 'u=rw,go=', owner: 'www-data', group: 'adm' }, { stat: st(0o644, 0, 0), uid: 33, gid: 4 });
    expect(c.action).toBe('attributes');
    expect(c.summary).toBe('/x: mode 0644 -> 0600, owner 0 -> www-data, group 0 -> adm');
    expect(c.before).toBe('mode: 0644\nowner: 0\ngroup: 0\n');
    expect(c.after).toBe('mode: 0600\nowner: www-data\ngroup: adm\n');
  });

  it('treats an owner unknown on the host as a change (apply then fails clearly)', () => {
    expect(attributeChanges('/x', { owner: 'nosuch' }, { stat: st(0o644), uid: null })).toHaveLength(1);
  });
});
