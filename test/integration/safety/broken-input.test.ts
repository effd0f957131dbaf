// Issue 7, bad input beyond params: broken YAML, playbook mistakes and inventory problems. Each gives a
// `file:line:col:` message naming the field or variable; load-time mistakes exit 1 before any host is
// contacted, run-time ones (an undefined variable, a `when` that cannot be evaluated) fail the task
// before it writes anything. The trap (contact-trap.ts) proves no contact and no change.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../cli/run-cli.js';
import { contactTrap, type ContactTrap } from './contact-trap.js';

const HEAD = '- hosts: osm_hosts\n  gather_facts: false\n  tasks:\n';
// Run-time cases write into the trap's state dir on the local host: the digest shows any write.
const LOCAL = '- hosts: local\n  gather_facts: false\n  tasks:\n';
const LATER_WRITE = '    - name: a later write\n      copy:\n        dest: "{{ osm_lxc_root }}/later"\n        content: later\n';

interface Case {
  name: string;
  yaml: string;
  code: number;
  /** Expected `line:col: message` (after the file path; run-time ones follow the task name). */
  at: RegExp;
}

const CASES: Case[] = [
  {
    name: 'bad indentation',
    yaml: `${HEAD}    - name: x\n      debug:\n        msg: hi\n     when: true\n`,
    code: 1,
    at: /(?:^|: )7:6: .*\(check the indentation\)$/m,
  },
  {
    name: 'duplicate key',
    yaml: `${HEAD}    - name: x\n      debug:\n        msg: hi\n        msg: again\n`,
    code: 1,
    at: /(?:^|: )7:9: duplicate key 'msg' in mapping/m,
  },
  {
    name: 'tab in indentation',
    yaml: `${HEAD}    - name: x\n\tdebug:\n        msg: hi\n`,
    code: 1,
    at: /(?:^|: )5:1: tab character in indentation; YAML indents with spaces$/m,
  },
  {
    name: 'unknown module',
    yaml: `${HEAD}    - name: x\n      fiel:\n        path: /tmp/x\n`,
    code: 1,
    at: /(?:^|: )5:7: unknown module 'fiel' \(did you mean 'file'\?\)$/m,
  },
  {
    name: 'unknown module argument',
    yaml: `${HEAD}    - name: x\n      copy:\n        dest: /tmp/x\n        contents: hi\n`,
    code: 1,
    at: /(?:^|: )7:9: copy: unknown argument 'contents' for copy \(did you mean 'content'\?\)$/m,
  },
  {
    name: 'wrong argument type',
    yaml: `${HEAD}    - name: x\n      wait_for:\n        port: [1]\n`,
    code: 1,
    at: /(?:^|: )6:9: wait_for: argument 'port' must be integer$/m,
  },
  {
    name: 'undefined variable in a template (run time)',
    yaml: `${LOCAL}    - name: first write\n      copy:\n        dest: "{{ osm_lxc_root }}/first"\n        content: "{{ customer_nmae }}"\n${LATER_WRITE}`,
    code: 2,
    at: /(?:^|: )7:9: undefined variable 'customer_nmae'$/m,
  },
  {
    name: 'when on an undefined variable (run time)',
    yaml: `${LOCAL}    - name: guarded write\n      when: missing_var > 3\n      copy:\n        dest: "{{ osm_lxc_root }}/first"\n        content: x\n${LATER_WRITE}`,
    code: 2,
    at: /(?:^|: )5:7: when: cannot evaluate 'missing_var > 3': undefined variable 'missing_var'$/m,
  },
  {
    name: 'when with a syntax error (run time)',
    yaml: `${LOCAL}    - name: guarded write\n      when: "1 +* 2"\n      copy:\n        dest: "{{ osm_lxc_root }}/first"\n        content: x\n${LATER_WRITE}`,
    code: 2,
    at: /(?:^|: )5:7: when: cannot evaluate '1 \+\* 2': template syntax error/m,
  },
  {
    name: 'failed_when with a syntax error names its own line (run time)',
    yaml: `${LOCAL}    - name: checked command\n      command: "true"\n      failed_when: "1 +* 2"\n${LATER_WRITE}`,
    code: 2,
    at: /(?:^|: )6:7: failed_when: cannot evaluate '1 \+\* 2': template syntax error/m,
  },
];

let trap: ContactTrap;
beforeAll(async () => {
  trap = await contactTrap();
});
afterAll(async () => trap?.close());

/** Messages with the file path cut off, so `at` can anchor on `line:col:`. */
function relativeTo(file: string, text: string): string {
  return text.split(`${file}:`).join('');
}

describe.concurrent('broken playbooks: file:line message, no host contacted, nothing changed', () => {
  for (const c of CASES) {
    it(`${c.name} → exit ${c.code}`, async () => {
      const file = join(trap.dir, `${c.name.replace(/\W+/g, '-')}.yml`);
      writeFileSync(file, c.yaml);
      const r = await runCli(['-i', trap.inventory, file]);
      const out = `${r.stdout}\n${r.stderr}`;
      expect(relativeTo(file, out)).toMatch(c.at);
      // The message is anchored on this file, not elsewhere.
      expect(out).toContain(`${file}:`);
      expect(r.code).toBe(c.code);
      if (c.code === 1) {
        expect(r.stderr).toMatch(/problems? found; nothing was run/);
        expect(r.stdout).toBe('');
      } else {
        // Failed at the bad task: the later task never ran.
        expect(r.stdout).toMatch(/failed=1/);
        expect(r.stdout).not.toContain('a later write');
      }
      expect(trap.contacts()).toBe(0);
      expect(trap.stateDigest()).toBe(trap.startDigest);
    }, 300_000);
  }
});

describe.concurrent('inventory problems: exit 1 naming the inventory, no host contacted', () => {
  const PLAYBOOK = join(REPO, 'playbooks/create-container.yaml');
  const VARS = ['-e', 'customer_name=t7-inv', '-e', 'mqtt_port=18883'];

  it('a missing inventory file', async () => {
    const missing = join(trap.dir, 'no-such-inventory.yaml');
    const r = await runCli(['-i', missing, PLAYBOOK, ...VARS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${missing}:1:1: inventory source '${missing}' not found`);
    expect(r.stderr).toMatch(/problems? found; nothing was run/);
    expect(trap.contacts()).toBe(0);
  }, 300_000);

  it('a host with an empty ansible_host', async () => {
    const inv = join(trap.dir, 'empty-address.yaml');
    // The host would reach the trap (127.0.0.1 is the default address) were it not refused.
    writeFileSync(inv, 'all:\n  children:\n    osm_hosts:\n      hosts:\n        nowhere:\n          ansible_host: ""\n          ansible_port: 1\n');
    const r = await runCli(['-i', inv, PLAYBOOK, ...VARS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${inv}:5:9: host 'nowhere' has an empty ansible_host`);
    expect(r.stdout).toBe('');
    expect(trap.contacts()).toBe(0);
  }, 300_000);
});

describe('the digest notices a write', () => {
  // Without this the "nothing changed" checks above could pass with a digest blind to the target.
  it('a playbook whose first task succeeds changes the digest', async () => {
    const file = join(trap.dir, 'control.yml');
    writeFileSync(file, `${LOCAL}    - name: first write\n      copy:\n        dest: "{{ osm_lxc_root }}/control"\n        content: x\n`);
    const before = trap.stateDigest();
    const r = await runCli(['-i', trap.inventory, file]);
    expect(r.code).toBe(0);
    expect(trap.stateDigest()).not.toBe(before);
  }, 300_000);
});
