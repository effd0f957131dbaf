import { describe, expect, it } from 'vitest';
import { parseGetConfig, parseListConfigs, parseSnapshotList } from '../../../../../modules/lib/snapper/output.js';

describe('snapper JSON output', () => {
  it('parses list-configs', () => {
    expect(parseListConfigs('{"configs":[{"config":"acme-svr","subvolume":"/srv/x"}]}')).toEqual([
      { name: 'acme-svr', subvolume: '/srv/x' },
    ]);
    expect(parseListConfigs('{"configs":[]}')).toEqual([]);
    expect(() => parseListConfigs('Config | Subvolume')).toThrow(/not JSON/);
  });
  it('parses get-config', () => {
    expect(parseGetConfig('{"NUMBER_LIMIT":"50","ALLOW_USERS":""}')).toEqual({ NUMBER_LIMIT: '50', ALLOW_USERS: '' });
  });
  it('parses list, dropping snapshot 0 and keeping descriptions with separators', () => {
    const text = JSON.stringify({
      c: [
        { number: 0, type: 'single', date: '', cleanup: '', description: 'current' },
        { number: 3, type: 'single', date: '2026-11-27 22:35:04', cleanup: 'number', description: 'a | b, c' },
      ],
    });
    expect(parseSnapshotList(text, 'c')).toEqual([
      { number: 3, type: 'single', date: '2026-11-27 22:35:04', cleanup: 'number', description: 'a | b, c' },
    ]);
    expect(() => parseSnapshotList(text, 'other')).toThrow(/no list for config 'other'/);
  });
});
