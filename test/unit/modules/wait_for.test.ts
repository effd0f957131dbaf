import { describe, expect, it } from 'vitest';
import waitFor, { hasConnections, probeFor } from '../../../modules/wait_for.js';

const d = { host: '127.0.0.1', state: 'started' as const, timeout: 300, delay: 0, sleep: 0.5 };

describe('wait_for', () => {
  it('probes ports with bash /dev/tcp, host and port as separate argv items', () => {
    const p = probeFor({ ...d, port: 1883, host: '10.0.3.5' });
    expect(p).toMatchObject({ kind: 'port', want: true });
    if (p.kind !== 'port' || !('argv' in p.cmd)) throw new Error('expected an argv probe');
    expect(p.cmd.argv.slice(-2)).toEqual(['10.0.3.5', '1883']);
    expect(p.cmd.argv.join(' ')).not.toContain('10.0.3.5/1883');
  });
  it('maps states', () => {
    expect(probeFor({ ...d, port: 80, state: 'stopped' })).toMatchObject({ kind: 'port', want: false });
    expect(probeFor({ ...d, path: '/x', state: 'absent' })).toMatchObject({ kind: 'path', want: false });
    expect(probeFor({ ...d, path: '/x' })).toMatchObject({ kind: 'path', want: true });
    expect(probeFor({ ...d, port: 80, state: 'drained' }).kind).toBe('drained');
    expect(() => probeFor(d)).toThrow(/port or path/);
    expect(() => probeFor({ ...d, path: '/x', state: 'drained' })).toThrow(/ports only/);
  });
  it('parses ss output for drained', () => {
    expect(hasConnections('')).toBe(false);
    expect(hasConnections('ESTAB 0 0 127.0.0.1:80 127.0.0.1:5555\n')).toBe(true);
  });
  it('never plans a change', () => {
    expect(waitFor.plan({ ...d, port: 80 }, { elapsed: 0 })).toEqual([]);
  });
});
