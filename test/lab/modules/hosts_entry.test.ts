import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import hostsEntry from '../../../modules/hosts_entry.js';
import { run } from './lab-host.js';

// A copy of /etc/hosts: the module's whole job is that file's text, and the machine's own stays untouched.
const dir = mkdtempSync('/tmp/t5a-hosts-');
const file = join(dir, 'hosts');
writeFileSync(file, readFileSync('/etc/hosts', 'utf8'), { mode: 0o644 });
const original = readFileSync(file, 'utf8');

describe('hosts_entry (on a copy of /etc/hosts)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a line: changed, then ok', async () => {
    expect((await run(hostsEntry, { file, ip: '10.0.3.77', names: ['t5a-he'] })).status).toBe('changed');
    expect(readFileSync(file, 'utf8')).toBe(`${original}10.0.3.77\tt5a-he\n`);
    expect((await run(hostsEntry, { file, ip: '10.0.3.77', names: ['t5a-he'] })).status).toBe('ok');
  });

  it('check mode shows a move and alters nothing', async () => {
    const r = await run(hostsEntry, { file, ip: '10.0.3.78', names: ['t5a-he'] }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.diff).toContain('+10.0.3.78\tt5a-he');
    expect(readFileSync(file, 'utf8')).toContain('10.0.3.77\tt5a-he');
  });

  it('replaces the line for a new address, leaving no duplicate', async () => {
    expect((await run(hostsEntry, { file, ip: '10.0.3.78', names: ['t5a-he'] })).status).toBe('changed');
    expect(readFileSync(file, 'utf8').match(/t5a-he/g)).toHaveLength(1);
  });

  it('absent removes it, giving back the original text', async () => {
    expect((await run(hostsEntry, { file, names: ['t5a-he'], state: 'absent' })).status).toBe('changed');
    expect(readFileSync(file, 'utf8')).toBe(original);
  });
});
