// cron_file on this machine's /etc/cron.d with a harmless job (`true` once a year), removed afterwards.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import cronFile from '../../../modules/cron_file.js';
import { run } from './lab-host.js';

const path = '/etc/cron.d/t5b-cron';
const args = {
  name: 't5b-cron',
  env: { SHELL: '/bin/sh', MAILTO: '' },
  entries: [{ minute: '0', hour: '0', day: '1', month: '1', user: 'root', job: 'true', comment: 't5b test job' }],
};

beforeAll(async () => {
  await ensureLab();
});
afterAll(() => {
  rmSync(path, { force: true });
});

describe('cron_file (/etc/cron.d)', () => {
  it('writes the file (changed, 0644), then again is ok', async () => {
    const r = await run(cronFile, args);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(readFileSync(path, 'utf8')).toContain('0 0 1 1 * root true\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect((await run(cronFile, args)).status).toBe('ok');
  });

  it('check mode shows the new schedule and alters nothing', async () => {
    const before = readFileSync(path, 'utf8');
    const r = await run(cronFile, { ...args, entries: [{ ...args.entries[0], hour: '3' }] }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.diff).toContain('+0 3 1 1 * root true');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('an invalid entry is refused and the file stays as it was', async () => {
    const before = readFileSync(path, 'utf8');
    const r = await run(cronFile, { ...args, entries: [{ ...args.entries[0], minute: '61' }] });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('minute 61 is outside 0-59');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('absent removes it; again is ok', async () => {
    expect((await run(cronFile, { ...args, state: 'absent' })).status).toBe('changed');
    expect(existsSync(path)).toBe(false);
    expect((await run(cronFile, { ...args, state: 'absent' })).status).toBe('ok');
  });
});
