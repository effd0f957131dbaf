import { describe, expect, it } from 'vitest';
import { shouldRunByTags } from '../../../runner/execute/tags.js';
import { runYaml } from './harness.js';

describe('handlers', () => {
  const play = `
- hosts: h1
  tasks:
    - name: change b
      probe: { id: tb, change: true }
      notify: hb
    - name: change a (notified twice)
      probe: { id: ta, change: true }
      notify: [ha, hb]
    - name: unchanged
      probe: { id: tu }
      notify: hc
    - name: topic
      probe: { id: tt, change: true }
      notify: restart things
    - meta: flush_handlers
    - name: after flush
      probe: { id: tf, change: true }
      notify: ha
  handlers:
    - name: ha
      probe: { id: ha }
    - name: hb
      probe: { id: hb }
    - name: hc
      probe: { id: hc }
    - name: hl
      probe: { id: hl }
      listen: restart things
`;
  it('run once each, in definition order, only when notified by a changed task, at flush and at play end', async () => {
    const r = await runYaml(play, { inventory: 'h1\n' });
    const ids = r.calls.filter((c) => !c.applied).map((c) => c.id);
    expect(ids).toEqual(['tb', 'ta', 'tu', 'tt', 'ha', 'hb', 'hl', 'tf', 'ha']);
    expect(r.results.filter((x) => x.handler).map((x) => x.task)).toEqual(['ha', 'hb', 'hl', 'ha']);
  });

  it('do not run on a host that failed', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: change
      probe: { id: t, change: true }
      notify: h
    - fail: { msg: stop }
  handlers:
    - name: h
      probe: { id: h }
`, { inventory: 'h1\n' });
    expect(r.calls.map((c) => c.id)).not.toContain('h');
  });
});

describe('tags', () => {
  it.each([
    // task tags, --tags, --skip-tags, runs?
    [[], [], [], true],
    [['a'], ['a'], [], true],
    [['a'], ['b'], [], false],
    [[], ['b'], [], false],
    [['always'], ['b'], [], true],
    [['always'], [], ['always'], false],
    [['always'], [], ['all'], true],
    [['never'], [], [], false],
    [['never', 'debug'], ['debug'], [], true],
    [['a'], ['tagged'], [], true],
    [[], ['untagged'], [], true],
    [['a'], [], ['a'], false],
    [['a'], [], ['tagged'], false],
  ] as [string[], string[], string[], boolean][])('tags %j --tags %j --skip-tags %j → %s', (task, only, skip, want) => {
    expect(shouldRunByTags(task, only, skip)).toBe(want);
  });

  it('inherits play, block, role and import tags', async () => {
    const yaml = `
- hosts: h1
  tags: [p]
  roles: [{ role: r, tags: [rt] }]
  tasks:
    - block:
        - name: in block
          probe: { id: blk }
      tags: [b]
    - import_tasks: imp.yml
      tags: [i]
    - name: plain
      probe: { id: plain }
      tags: [t]
    - name: always
      probe: { id: always }
      tags: [always]
`;
    const files = { 'imp.yml': '- name: imported\n  probe: { id: imp }\n', 'roles/r/tasks/main.yml': '- name: role task\n  probe: { id: role }\n' };
    const ids = async (tags: string[], skipTags: string[] = []) =>
      (await runYaml(yaml, { inventory: 'h1\n', files, tags, skipTags })).calls.map((c) => c.id);
    expect(await ids(['b'])).toEqual(['blk', 'always']);
    expect(await ids(['i'])).toEqual(['imp', 'always']);
    expect(await ids(['p'])).toEqual(['role', 'blk', 'imp', 'plain', 'always']);
    expect(await ids(['rt'])).toEqual(['role', 'always']);
    expect(await ids([], ['b', 'i'])).toEqual(['role', 'plain', 'always']);
  });
});
