import { describe, expect, it } from 'vitest';
import { runYaml } from './harness.js';

describe('executor smoke', () => {
  it('runs tasks on every host in order', async () => {
    const r = await runYaml(`
- hosts: web
  tasks:
    - name: one
      probe: { id: a }
    - name: two
      probe: { id: b, change: true }
`);
    expect(r.lines.filter((l) => l.includes('h1'))).toEqual(['ok h1 one', 'changed h1 two']);
    expect(r.summary.exitCode).toBe(0);
    expect(r.summary.hosts['h1']).toMatchObject({ ok: 2, changed: 1 });
    expect(r.conns.every((c) => c.closed)).toBe(true);
  });
});
