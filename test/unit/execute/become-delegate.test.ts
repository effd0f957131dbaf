import { describe, expect, it } from 'vitest';
import { resolveBecome } from '../../../runner/execute/become.js';
import type { Play } from '../../../runner/types.js';
import { runYaml } from './harness.js';

const play = (p: Partial<Play> = {}) => ({ become: undefined, becomeUser: undefined, becomeMethod: undefined, ...p }) as Play;
const scope = { blockVars: [], tags: [], when: [] };

describe('become', () => {
  it.each([
    ['off by default', {}, {}, {}, {}, undefined],
    ['-b turns it on, as root via sudo', {}, {}, {}, { become: true }, { method: 'sudo', user: 'root' }],
    ['the task wins over the play', { become: false }, { become: true }, {}, {}, undefined],
    ['inventory vars give user, method and password', {}, {}, { ansible_become: 'yes', ansible_become_user: 'www', ansible_become_method: 'su', ansible_become_password: 'pw1' }, {}, { method: 'su', user: 'www', password: 'pw1' }],
    ['the CLI password when no var sets one', { become: true }, {}, {}, { password: 'cli-pw' }, { method: 'sudo', user: 'root', password: 'cli-pw' }],
  ])('%s', (_name, task, p, vars, cli, want) => {
    expect(resolveBecome(task, scope, play(p), vars, cli)).toEqual(want);
  });
  it('refuses other methods', () => {
    expect(() => resolveBecome({ become: true, becomeMethod: 'doas' }, scope, play(), {}, {})).toThrow(/not supported/);
  });
});

describe('delegate_to: localhost', () => {
  it('runs the task through the controller connection, with the host\'s vars', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: delegated
      probe: { id: "{{ inventory_hostname }}" }
      delegate_to: localhost
    - name: normal
      probe: { id: plain }
`, { inventory: 'h1\n' });
    expect(r.calls).toEqual([
      { host: 'h1', id: 'h1', applied: false, via: 'localhost' },
      { host: 'h1', id: 'plain', applied: false },
    ]);
  });
});

describe('delegate_to on a block', () => {
  it('delegates every task inside (a task of its own wins) and nested blocks; not the tasks after', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - delegate_to: "{{ there }}"
      vars: { there: localhost }
      block:
        - name: inside
          probe: { id: inside }
        - name: own
          probe: { id: own }
          delegate_to: h1
        - block:
            - name: nested
              probe: { id: nested }
    - name: after
      probe: { id: after }
`, { inventory: 'h1\n' });
    expect(r.calls).toEqual([
      { host: 'h1', id: 'inside', applied: false, via: 'localhost' },
      { host: 'h1', id: 'own', applied: false },
      { host: 'h1', id: 'nested', applied: false, via: 'localhost' },
      { host: 'h1', id: 'after', applied: false },
    ]);
  });
});

describe('serial', () => {
  it('runs the whole play on each batch of hosts in turn', async () => {
    const r = await runYaml(`
- hosts: web
  serial: 1
  tasks:
    - name: one
      probe: { id: one }
    - name: two
      probe: { id: two }
`);
    expect(r.calls.map((c) => `${c.host}:${c.id}`)).toEqual(['h1:one', 'h1:two', 'h2:one', 'h2:two']);
  });
});

describe('templated hosts', () => {
  it('renders the pattern with extra vars', async () => {
    const r = await runYaml(`
- hosts: "{{ target }}"
  tasks:
    - name: t
      probe: { id: t }
`, { extra: { target: 'h2' } });
    expect(r.calls.map((c) => c.host)).toEqual(['h2']);
  });
});
