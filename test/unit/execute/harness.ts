// Runs a playbook given as YAML text through the executor with the real loader, templater, inventory
// and module runner, an in-memory connection and a `probe` module that records what ran.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Connection } from '../../../runner/connection/types.js';
import { UnreachableError } from '../../../runner/connection/types.js';
import { realDeps } from '../../../runner/execute/deps.js';
import { runPlaybook } from '../../../runner/execute/run-playbook.js';
import type { RunOptions, RunSummary } from '../../../runner/execute/types.js';
import { groupNames, hostVars, loadInventory, matchHosts } from '../../../runner/load/inventory.js';
import { ModuleRegistry } from '../../../runner/load/modules.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import { defineModule, ModuleError, type AnyModule } from '../../../runner/module.js';
import { RecordingReporter, type ReportedResult } from '../../../runner/report/events.js';
import { Redactor } from '../../../runner/report/redact.js';
import { RedactingReporter } from '../../../runner/report/redacting-reporter.js';
import assertMod from '../../../modules/assert.js';
import debugMod from '../../../modules/debug.js';
import failMod from '../../../modules/fail.js';
import setFactMod from '../../../modules/set_fact.js';

export interface Call {
  host: string;
  id: string;
  applied: boolean;
  /** The connection's host: differs from host for delegate_to. */
  via?: string;
}

export function probeModule(calls: Call[]): AnyModule {
  return defineModule({
    name: 'probe',
    doc: 'test module',
    example: '',
    args: Type.Object({
      id: Type.String(),
      change: Type.Optional(Type.Boolean()),
      fail: Type.Optional(Type.Boolean()),
      out: Type.Optional(Type.Unknown()),
      secret: Type.Optional(Type.String()),
      unreachable: Type.Optional(Type.Boolean()),
    }),
    secretArgs: ['secret'],
    async gather(host, a) {
      calls.push({ host: host.name, id: a.id, applied: false, ...(host.conn.host !== host.name ? { via: host.conn.host } : {}) });
      if (a.unreachable) throw new UnreachableError(host.name, 'link dropped');
      return { n: calls.filter((c) => c.id === a.id && !c.applied).length };
    },
    plan: (a) => (a.change ? [{ action: 'run', target: a.id, summary: `would run: probe ${a.id}`, before: 'old\n', after: `new ${a.secret ?? ''}\n` }] : []),
    async apply(host, a) {
      calls.push({ host: host.name, id: a.id, applied: true });
      if (a.fail) throw new ModuleError(`probe ${a.id} failed`);
      return { data: { applied: true } };
    },
    result: (a, s) => ({ out: a.out ?? a.id, count: s.n }),
  });
}

export class MemoryConnection implements Connection {
  readonly kind = 'memory';
  closed = false;
  constructor(readonly host: string) {}
  async exec() {
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
  }
  async readFile() {
    return null;
  }
  async writeFile() {}
  async stat() {
    return null;
  }
  async close() {
    this.closed = true;
  }
}

export interface RunYamlOptions {
  inventory?: string;
  extra?: Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  tags?: string[];
  skipTags?: string[];
  limit?: string;
  forks?: number;
  files?: Record<string, string>;
  unreachableHosts?: string[];
  /** Called as each connection is opened, with the number of probe calls made so far. */
  onConnect?: (host: string, callsSoFar: number) => void;
  secrets?: string[];
  /** More run options (startAtTask, connectionDefaults...). */
  run?: Partial<RunOptions>;
  /** More modules beside probe, debug, set_fact, fail and assert. */
  modules?: AnyModule[];
}

export interface RunYamlResult {
  summary: RunSummary;
  reporter: RecordingReporter;
  calls: Call[];
  results: ReportedResult[];
  /** Lines of `status host task` for compact assertions. */
  lines: string[];
  conns: MemoryConnection[];
  /** The variables each host's connection was opened with. */
  connVars: Record<string, Record<string, unknown>>;
}

export async function runYaml(yaml: string, o: RunYamlOptions = {}): Promise<RunYamlResult> {
  const dir = mkdtempSync(join(tmpdir(), 'osm-exec-'));
  try {
    writeFileSync(join(dir, 'play.yml'), yaml);
    writeFileSync(join(dir, 'hosts'), o.inventory ?? '[web]\nh1\nh2\n');
    for (const [rel, text] of Object.entries(o.files ?? {})) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const calls: Call[] = [];
    const registry = new ModuleRegistry([probeModule(calls), debugMod, setFactMod, failMod, assertMod, ...(o.modules ?? [])]);
    const inventory = loadInventory([join(dir, 'hosts')]);
    const pb = await loadPlaybook(join(dir, 'play.yml'));
    const deps = await realDeps((n) => registry.get(n), { hostVars, matchHosts, groupNames });
    const conns: MemoryConnection[] = [];
    const connVars: Record<string, Record<string, unknown>> = {};
    deps.createConnection = async (host, vars) => {
      connVars[host] = vars;
      o.onConnect?.(host, calls.length);
      if (o.unreachableHosts?.includes(host)) throw new UnreachableError(host, `cannot connect to ${host}`);
      const c = new MemoryConnection(host);
      conns.push(c);
      return c;
    };
    // Memory hosts have nothing to lock; a run always asks for the lock, so it is a no-op here.
    deps.acquireHostLock = async () => ({ release: async () => {} });
    const reporter = new RecordingReporter();
    const redactor = new Redactor(o.secrets ?? []);
    const summary = await runPlaybook(
      pb,
      {
        inventory,
        extraVars: o.extra ?? {},
        check: o.check ?? false,
        diff: o.diff ?? false,
        tags: o.tags ?? [],
        skipTags: o.skipTags ?? [],
        limit: o.limit,
        forks: o.forks,
        verbosity: 0,
        lockTimeoutMs: 1000,
        acceptNewHostKeys: false,
        redactor,
        deps,
        ...o.run,
      },
      new RedactingReporter(reporter, redactor),
    );
    const results = reporter.events.flatMap((e) => (e.type === 'taskResult' ? [e.result] : []));
    return { summary, reporter, calls, results, lines: results.map((r) => `${r.status} ${r.host} ${r.task}`), conns, connVars };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
