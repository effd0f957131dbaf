import { describe, expect, it } from 'vitest';
import { runYaml } from './harness.js';

const one = { inventory: 'h1\n' };

describe('when, loop and register', () => {
  it('skips on a false when and reports skipping', async () => {
    const r = await runYaml(`
- hosts: h1
  vars: { go: false }
  tasks:
    - name: skipped
      probe: { id: a }
      when: go
    - name: ran
      probe: { id: b }
      when: not go
`, one);
    expect(r.lines).toEqual(['skipped h1 skipped', 'ok h1 ran']);
    expect(r.summary.hosts['h1']).toMatchObject({ ok: 1, skipped: 1 });
  });

  it('a when that cannot be evaluated is a task error naming file:line', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: bad when
      probe: { id: a }
      when: undefined_thing > 3
`, one);
    expect(r.results[0]?.status).toBe('failed');
    expect(r.results[0]?.error).toMatch(/play\.yml:\d+:\d+: when: .*undefined_thing/);
    expect(r.summary.exitCode).toBe(2);
  });

  it('registers a per-item results list like Ansible, with loop_var, index_var and label', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: looped
      probe: { id: "{{ pkg.name }}-{{ i }}", change: "{{ pkg.change }}" }
      loop: [{ name: a, change: false }, { name: b, change: true }]
      loop_control: { loop_var: pkg, index_var: i, label: "{{ pkg.name }}" }
      register: res
    - name: show
      probe: { id: z, out: "{{ res.results | map(attribute='out') | list }}|{{ res.changed }}|{{ res.results[1].pkg.name }}" }
`, one);
    const looped = r.results[0]!;
    expect(looped.status).toBe('changed');
    expect(looped.items?.map((i) => `${i.status}:${i.label}`)).toEqual(['ok:a', 'changed:b']);
    expect(r.results[1]?.error).toBeUndefined();
    expect(r.results[1]?.data['out']).toBe("['a-0', 'b-1']|True|b");
  });

  it('with_items flattens and with_dict gives key/value items', async () => {
    const r = await runYaml(`
- hosts: h1
  vars: { d: { x: 1, y: 2 } }
  tasks:
    - name: items
      probe: { id: "{{ item }}" }
      with_items: [[a, b], c]
    - name: dict
      probe: { id: "{{ item.key }}={{ item.value }}" }
      with_dict: "{{ d }}"
`, one);
    expect(r.calls.map((c) => c.id)).toEqual(['a', 'b', 'c', 'x=1', 'y=2']);
  });

  it('when is evaluated per loop item', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: some
      probe: { id: "{{ item }}" }
      loop: [1, 2, 3]
      when: item != 2
`, one);
    expect(r.calls.map((c) => c.id)).toEqual(['1', '3']);
    expect(r.results[0]?.items?.map((i) => i.status)).toEqual(['ok', 'skipped', 'ok']);
  });
});

describe('failure handling', () => {
  it('a failure stops that host only; ignore_errors goes on and counts ignored', async () => {
    const r = await runYaml(`
- hosts: web
  tasks:
    - name: maybe fail
      probe: { id: a, change: true, fail: "{{ inventory_hostname == 'h1' }}" }
    - name: next
      probe: { id: b }
`);
    expect(r.lines).toContain('failed h1 maybe fail');
    expect(r.lines).toContain('ok h2 next');
    expect(r.lines).not.toContain('ok h1 next');
    expect(r.summary.exitCode).toBe(2);
    const ign = await runYaml(`
- hosts: h1
  tasks:
    - name: fails
      fail: { msg: nope }
      ignore_errors: true
    - name: next
      probe: { id: b }
`, one);
    expect(ign.summary.hosts['h1']).toMatchObject({ ok: 2, ignored: 1, failed: 0 });
    expect(ign.summary.exitCode).toBe(0);
  });

  it.each([
    ['an argument', '      probe: { id: "{{ missing_a }}" }\n'],
    ['a condition', '      probe: { id: a }\n      when: missing_b == 1\n'],
    ['a loop', '      probe: { id: "{{ item }}" }\n      loop: "{{ missing_c }}"\n'],
  ])('ignore_errors covers a template error in %s, as in Ansible', async (_what, body) => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: broken
${body}      ignore_errors: true
      register: out
    - name: next
      probe: { id: "{{ out.failed }}" }
`, one);
    expect(r.lines).toContain('failed h1 broken');
    expect(r.lines).toContain('ok h1 next');
    expect(r.summary.hosts['h1']).toMatchObject({ ok: 2, ignored: 1, failed: 0 });
    expect(r.summary.exitCode).toBe(0);
  });

  it('failed_when and changed_when see the registered result', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: not changed
      probe: { id: a, change: true, out: keep }
      register: res
      changed_when: res.out != 'keep'
    - name: forced failure
      probe: { id: b, out: bad }
      register: res2
      failed_when: "'bad' in res2.out"
`, one);
    expect(r.lines).toEqual(['ok h1 not changed', 'failed h1 forced failure']);
  });

  it('changed_when is decided for a failed result too, and failed_when: false keeps it', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: failure counted as a change
      probe: { id: a, change: true, fail: true }
      failed_when: false
      changed_when: true
    - name: failure not counted as a change
      probe: { id: b, change: true, fail: true }
      register: res
      failed_when: false
      changed_when: false
    - name: still failed, registered as changed
      probe: { id: c, change: true, fail: true }
      register: res3
      changed_when: true
      ignore_errors: true
    - name: sees it
      probe: { id: "{{ res3.changed }}-{{ res3.failed }}" }
`, one);
    expect(r.lines).toEqual(['changed h1 failure counted as a change', 'ok h1 failure not counted as a change', 'failed h1 still failed, registered as changed', 'ok h1 sees it']);
    expect(r.calls.filter((c) => !c.applied).map((c) => c.id)).toContain('True-True');
  });

  it('block/rescue/always: rescue sees ansible_failed_task and the host recovers', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - block:
        - name: breaks
          fail: { msg: broke }
        - name: never
          probe: { id: never }
      rescue:
        - name: rescuer
          probe: { id: "{{ ansible_failed_task.name }}:{{ ansible_failed_result.msg }}" }
      always:
        - name: cleanup
          probe: { id: always }
    - name: after
      probe: { id: after }
`, one);
    expect(r.calls.map((c) => c.id)).toEqual(['breaks:broke', 'always', 'after']);
    expect(r.summary.hosts['h1']).toMatchObject({ failed: 0, rescued: 1 });
    expect(r.summary.exitCode).toBe(0);
  });

  it('until retries until the condition holds', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: counter
      probe: { id: c }
      register: res
      until: res.count >= 3
      retries: 5
      delay: 0
`, one);
    expect(r.results[0]?.status).toBe('ok');
    expect(r.results[0]?.data['attempts']).toBe(3);
  });

  it('an unreachable host is reported and the others go on; exit code 4', async () => {
    const r = await runYaml(`
- hosts: web
  tasks:
    - name: t
      probe: { id: a }
`, { unreachableHosts: ['h2'] });
    expect(r.lines).toContain('ok h1 t');
    expect(r.summary.hosts['h2']).toMatchObject({ unreachable: 1 });
    expect(r.summary.exitCode).toBe(4);
  });

  it('any_errors_fatal stops the other hosts', async () => {
    const r = await runYaml(`
- hosts: web
  any_errors_fatal: true
  tasks:
    - name: fail first
      fail: { msg: x }
      when: inventory_hostname == 'h1'
    - name: wait
      pause: { seconds: 0 }
    - name: later
      probe: { id: later }
`, { forks: 1 });
    expect(r.calls.filter((c) => c.id === 'later')).toEqual([]);
  });

  it('after an any_errors_fatal failure no later play runs for any host of that play, as in Ansible', async () => {
    const r = await runYaml(`
- hosts: web
  any_errors_fatal: true
  tasks:
    - name: fail first
      fail: { msg: x }
      when: inventory_hostname == 'h1'
    - name: wait
      pause: { seconds: 0 }
- hosts: web
  tasks:
    - name: next play
      probe: { id: next }
`, { forks: 1 });
    expect(r.calls.filter((c) => c.id === 'next')).toEqual([]);
    expect(r.summary.exitCode).toBe(2);
  });
});

describe('meta, run_once, include_tasks and check mode', () => {
  it('end_host stops one host, end_play all', async () => {
    const r = await runYaml(`
- hosts: web
  tasks:
    - meta: end_host
      when: inventory_hostname == 'h2'
    - name: only h1
      probe: { id: a }
- hosts: web
  tasks:
    - meta: end_play
    - name: never
      probe: { id: never }
`);
    expect(r.calls.map((c) => `${c.host}:${c.id}`)).toEqual(['h1:a']);
  });

  it('run_once runs on the first host and shares the registered result', async () => {
    const r = await runYaml(`
- hosts: web
  tasks:
    - name: once
      probe: { id: once, out: shared }
      run_once: true
      register: o
    - name: see
      probe: { id: "see-{{ o.out }}" }
`, { forks: 1 });
    expect(r.calls.filter((c) => c.id === 'once')).toHaveLength(1);
    expect(r.calls.filter((c) => c.id === 'see-shared')).toHaveLength(2);
  });

  it('an include whose when cannot be evaluated fails on its host like a task, and the run goes on for the others', async () => {
    const r = await runYaml(`
- hosts: web
  tasks:
    - name: include it
      include_tasks: inc.yml
      when: inventory_hostname == 'h1' or nothing_defined.here
    - name: after
      probe: { id: after }
`, { files: { 'inc.yml': '- name: inner\n  probe: { id: inner }\n' } });
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed.map((x) => `${x.host} ${x.task}`)).toEqual(['h2 include it']);
    expect(failed[0]?.error).toMatch(/play\.yml:\d+:\d+: when: .*nothing_defined/);
    expect(r.calls.map((c) => `${c.host}:${c.id}`).sort()).toEqual(['h1:after', 'h1:inner']);
    expect(r.summary.hosts['h2']).toMatchObject({ failed: 1 });
  });

  it('include_tasks loads its file at run time with templated name and loop', async () => {
    const r = await runYaml(`
- hosts: h1
  vars: { which: inc }
  tasks:
    - include_tasks: "{{ which }}.yml"
      loop: [1, 2]
`, { ...one, files: { 'inc.yml': '- name: inner\n  probe: { id: "inner-{{ item }}" }\n' } });
    expect(r.calls.map((c) => c.id)).toEqual(['inner-1', 'inner-2']);
  });

  it('check mode plans but does not apply, and reports changed', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: change
      probe: { id: a, change: true }
`, { ...one, check: true });
    expect(r.calls).toEqual([{ host: 'h1', id: 'a', applied: false }]);
    expect(r.results[0]).toMatchObject({ status: 'changed', check: true });
    expect(r.results[0]?.changes[0]?.summary).toBe('would run: probe a');
  });
});
