// The text-editing modules against ansible-core itself (when installed): the same edits on the same
// files must give byte-identical results. One ansible-playbook run covers every case.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import blockinfile from '../../../modules/blockinfile.js';
import lineinfile from '../../../modules/lineinfile.js';
import replace from '../../../modules/replace.js';
import type { AnyModule } from '../../../runner/module.js';
import type { Vars } from '../../../runner/types.js';
import { localLab } from './harness.js';

const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
const MODULES: Record<string, AnyModule> = { lineinfile, blockinfile, replace };

const CASES: [string, Vars, string][] = [
  ['lineinfile', { regexp: '^Z=', line: 'z=1' }, 'z=1\n'],
  ['lineinfile', { line: 'c=3' }, 'a=1'],
  ['lineinfile', { line: 'new', insertafter: '^\\[s\\]' }, '[s]\na\n[s]\nb\n'],
  ['lineinfile', { line: 'new', insertafter: '^\\[s\\]', firstmatch: true }, '[s]\na\n[s]\nb\n'],
  ['lineinfile', { line: 'new', insertbefore: '^b' }, 'a\nb\nb\n'],
  ['lineinfile', { line: 'first', insertbefore: 'BOF' }, 'a\n'],
  ['lineinfile', { regexp: '^(listen) (\\d+)$', line: '\\1 8883 # was \\2', backrefs: true }, 'listen 1883\n'],
  ['lineinfile', { regexp: '^nomatch(.*)$', line: 'x\\1', backrefs: true }, 'a\n'],
  ['lineinfile', { line: 'c' }, 'a\r\nb\r\n'],
  ['lineinfile', { state: 'absent', regexp: '^#' }, '#a\nb\n#c\n'],
  ['lineinfile', { state: 'absent', line: 'b' }, 'a\nb\nb\n'],
  ['lineinfile', { regexp: '^x', line: 'x=2', insertafter: '^a' }, 'a\nb\n'],
  ['lineinfile', { search_string: 'Listen 80', line: 'Listen 8080' }, '#x\nListen 80\n'],
  ['blockinfile', { block: 'x\ny' }, 'a'],
  ['blockinfile', { block: 'x', insertafter: '^s' }, 's1\ns2\nt\n'],
  ['blockinfile', { block: 'x', insertbefore: '^t' }, 's\nt\nt\n'],
  ['blockinfile', { block: 'x', insertbefore: 'BOF' }, 's\n'],
  ['blockinfile', { block: '' }, 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n'],
  ['blockinfile', { block: 'z' }, 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n'],
  ['blockinfile', { state: 'absent', marker: '// {mark} osm' }, 'a\n// BEGIN osm\nx\n// END osm\n'],
  ['blockinfile', { block: 'x', marker: '<!-- {mark} -->', marker_begin: 'start', marker_end: 'stop' }, '<html>\n'],
  ['replace', { regexp: '^listener (\\d+)$', replace: 'listener \\1 127.0.0.1' }, 'x\nlistener 1883\nlistener 8883\n'],
  ['replace', { regexp: 'v', replace: 'W', after: 'A', before: 'B' }, 'v A v B v'],
  ['replace', { regexp: 'v', replace: 'W', after: 'nomatch' }, 'v\n'],
  ['replace', { regexp: '(?P<k>\\w+)=(\\w+)', replace: '\\g<2>=\\g<k>' }, 'a=b\n'],
  ['replace', { regexp: 'x*', replace: '-' }, 'abc'],
  ['replace', { regexp: '^', replace: '# ' }, 'a\nb\n'],
  ['replace', { regexp: '$', replace: ';' }, 'a\nb\n'],
  ['replace', { regexp: '^#.*\\n' }, '#c\nx\n#d\n'],
];

describe.runIf(hasAnsible)('text modules match ansible-core', () => {
  const ansDir = mkdtempSync(join(tmpdir(), 'osm-play-ansible-'));
  const lab = localLab();
  afterAll(() => {
    rmSync(ansDir, { recursive: true, force: true });
    lab.cleanup();
  });

  // Each case is a host of its own (all local), so ansible runs them in parallel: three tasks, one per
  // module, every argument passed through from host vars or omitted.
  const PARAMS: Record<string, string[]> = {
    lineinfile: ['line', 'regexp', 'search_string', 'state', 'insertafter', 'insertbefore', 'firstmatch', 'backrefs'],
    blockinfile: ['block', 'marker', 'marker_begin', 'marker_end', 'state', 'insertafter', 'insertbefore'],
    replace: ['regexp', 'replace', 'after', 'before'],
  };

  beforeAll(() => {
    const hosts: Record<string, Vars> = {};
    CASES.forEach(([mod, args, content], i) => {
      writeFileSync(join(ansDir, `f${i}`), content);
      hosts[`case${i}`] = { case_module: mod, case_path: join(ansDir, `f${i}`), case_args: args };
    });
    const inventory = { all: { hosts, vars: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' } } };
    const tasks = Object.entries(PARAMS).map(([mod, params]) => ({
      name: mod,
      when: `case_module == '${mod}'`,
      [mod]: Object.fromEntries([['path', '{{ case_path }}'], ...params.map((k) => [k, `{{ case_args.${k} | default(omit) }}`])]),
    }));
    writeFileSync(join(ansDir, 'inventory.yaml'), stringify(inventory));
    writeFileSync(join(ansDir, 'pb.yaml'), stringify([{ hosts: 'all', gather_facts: false, tasks }]));
    execFileSync('ansible-playbook', ['-f', String(CASES.length), '-i', join(ansDir, 'inventory.yaml'), join(ansDir, 'pb.yaml')], {
      env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
      stdio: 'pipe',
    });
  }, 600_000);

  it.each(CASES.map((c, i) => [i, ...c] as const))('case %i: %s %j', async (i, mod, args, content) => {
    const ours = join(lab.dir, `f${i}`);
    writeFileSync(ours, content);
    const r = await lab.run(MODULES[mod], { path: ours, ...args });
    expect(r.status, r.error).not.toBe('failed');
    expect(readFileSync(ours, 'utf8')).toBe(readFileSync(join(ansDir, `f${i}`), 'utf8'));
  });
});
