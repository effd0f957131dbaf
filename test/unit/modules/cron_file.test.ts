import { describe, expect, it } from 'vitest';
import { planCronFile } from '../../../modules/cron_file.js';

const a = {
  name: 'osm-backup',
  cron_d: '/etc/cron.d',
  state: 'present' as const,
  env: { SHELL: '/bin/sh' },
  entries: [{ minute: '43', hour: '2', user: 'root', job: '/opt/devtank/backup.sh' }],
};
const TEXT = '# managed by osm-play (cron_file osm-backup): local edits are overwritten\nSHELL=/bin/sh\n43 2 * * * root /opt/devtank/backup.sh\n';

describe('planCronFile', () => {
  it.each([
    ['new file', a, { current: null, mode: null }, ['create']],
    ['same text and mode', a, { current: TEXT, mode: 0o644 }, []],
    ['same text, wrong mode', a, { current: TEXT, mode: 0o600 }, ['chmod']],
    ['other text', a, { current: TEXT.replace('43 2', '0 3'), mode: 0o644 }, ['write']],
    ['absent with file', { ...a, state: 'absent' as const }, { current: TEXT, mode: 0o644 }, ['delete']],
    ['absent without file', { ...a, state: 'absent' as const }, { current: null, mode: null }, []],
  ])('%s', (_n, args, state, want) => {
    expect(planCronFile(args, state).map((c) => c.action)).toEqual(want);
  });

  it('writes the expected text to /etc/cron.d/<name>', () => {
    const [c] = planCronFile(a, { current: null, mode: null });
    expect(c?.target).toBe('/etc/cron.d/osm-backup');
    expect(c?.after).toBe(TEXT);
  });

  it.each([
    [{ ...a, name: 'osm.backup' }, "cron.d name 'osm.backup'"],
    [{ ...a, name: '../etc/passwd' }, "cron.d name '../etc/passwd'"],
    [{ ...a, entries: [{ hour: '24', user: 'root', job: 'x' }] }, 'entries[0]: hour 24 is outside 0-23'],
    [{ ...a, entries: [{ user: 'root', job: 'tar czf /b/$(date +%F).tgz /x' }] }, 'unescaped %'],
    [{ ...a, env: { 'BAD NAME': 'x' } }, 'env BAD NAME'],
  ])('refuses invalid input %#', (args, msg) => {
    expect(() => planCronFile(args, { current: null, mode: null })).toThrow(msg);
  });
});
