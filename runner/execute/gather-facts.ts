// Play-level gather_facts: runs the `setup` module once per host per run (cached), reported as
// "Gathering Facts" like Ansible, and merges facts so both `ansible_x` and `ansible_facts.x` work.
import type { Vars } from '../types.js';
import type { HostState, PlayCtx } from './state.js';

const gathered = new WeakMap<object, Set<string>>();

/** Merges module-set facts into the host; `ansible_`-prefixed ones also land in `ansible_facts`, unprefixed. */
export function mergeFacts(hostFacts: Vars, facts: Vars): void {
  Object.assign(hostFacts, facts);
  const current = hostFacts['ansible_facts'];
  const bucket: Vars = current !== null && typeof current === 'object' && !Array.isArray(current) ? { ...(current as Vars) } : {};
  let touched = false;
  for (const [k, v] of Object.entries(facts)) {
    if (k.startsWith('ansible_') && k !== 'ansible_facts') {
      bucket[k.slice('ansible_'.length)] = v;
      touched = true;
    }
  }
  if (touched) hostFacts['ansible_facts'] = bucket;
}

/** false when gathering failed (the host is then failed, as in Ansible). */
export async function gatherPlayFacts(pc: PlayCtx, host: HostState): Promise<boolean> {
  const { run, play } = pc;
  if (play.gatherFacts === false || !host.conn) return true;
  const module = run.deps.getModule('setup');
  if (!module) return true;
  const done = gathered.get(run) ?? new Set<string>();
  gathered.set(run, done);
  if (done.has(host.name)) return true;
  const info = { name: 'Gathering Facts', module: 'setup', pos: play.pos };
  run.reporter.taskStart(host.name, info);
  const started = Date.now();
  const ctx = run.deps.makeHostContext({ name: host.name, conn: host.conn, vars: { ...host.facts }, playbookDir: play.baseDir, log: (m) => run.reporter.verbose(1, host.name, m) });
  // Gathering changes nothing, so check mode runs it as well.
  const r = await run.deps.runModule({ module, host: ctx, args: {}, argPos: {}, pos: play.pos, check: false, diff: false });
  const facts = (r.data['ansible_facts'] ?? {}) as Vars;
  run.reporter.taskResult({ host: host.name, task: info.name, module: 'setup', status: r.status === 'failed' ? 'failed' : 'ok', changes: [], data: {}, msg: r.msg, error: r.status === 'failed' ? r.msg : undefined, durationMs: Date.now() - started, pos: play.pos, check: run.opts.check });
  if (r.status === 'failed') return false;
  mergeFacts(host.facts, facts);
  done.add(host.name);
  host.recap.ok++;
  return true;
}
