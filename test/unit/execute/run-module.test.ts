import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { UnreachableError } from '../../../runner/connection/types.js';
import { LocalConnection } from '../../../runner/connection/local.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { runModule } from '../../../runner/execute/run-module.js';
import { defineModule, ModuleError } from '../../../runner/module.js';

const host = makeHostContext({ name: 'localhost', conn: new LocalConnection(), vars: {}, searchDirs: { files: [], templates: [] } });

function counterModule(opts: { changes: number; applyThrows?: unknown; controllerOnly?: boolean; outcome?: object }) {
  const calls = { gather: 0, apply: 0 };
  const mod = defineModule({
    name: 'counter',
    doc: 'test module',
    example: '',
    controllerOnly: opts.controllerOnly,
    args: Type.Object({
      name: Type.String({ description: 'a name' }),
      count: Type.Integer({ default: 3, description: 'a count' }),
      flag: Type.Optional(Type.Boolean({ description: 'a flag' })),
    }),
    async gather(_h, args) {
      calls.gather += 1;
      return { seen: args.count, flag: args.flag };
    },
    plan(args) {
      return Array.from({ length: opts.changes }, (_, i) => ({ action: 'write', target: `/f${i}`, summary: `change ${i}`, before: 'a\n', after: `${args.name}\n` }));
    },
    async apply() {
      calls.apply += 1;
      if (opts.applyThrows) throw opts.applyThrows;
      return opts.outcome;
    },
    result(args, state) {
      return { seen: state.seen, flag: state.flag, name: args.name };
    },
  });
  return { mod, calls };
}

describe('runModule', () => {
  it('applies defaults and converts strings (including yes/no)', async () => {
    const { mod } = counterModule({ changes: 0 });
    const r = await runModule(mod, host, { name: 'x', flag: 'yes' }, { check: false, diff: false });
    expect(r).toMatchObject({ status: 'ok', data: { seen: 3, flag: true } });
    const r2 = await runModule(mod, host, { name: 'x', count: '7' }, { check: false, diff: false });
    expect(r2.data.seen).toBe(7);
  });

  it('treats null arguments as not given', async () => {
    const { mod } = counterModule({ changes: 0 });
    const r = await runModule(mod, host, { name: 'x', count: null, flag: null }, { check: false, diff: false });
    expect(r).toMatchObject({ status: 'ok', data: { seen: 3 } });
  });

  it('fails naming the bad field, without gathering', async () => {
    const { mod, calls } = counterModule({ changes: 1 });
    const r = await runModule(mod, host, { count: 'many' }, { check: false, diff: false });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/argument 'name'/);
    expect(r.error).toMatch(/argument 'count'/);
    expect(calls.gather).toBe(0);
  });

  it('is ok without changes and does not apply', async () => {
    const { mod, calls } = counterModule({ changes: 0 });
    expect((await runModule(mod, host, { name: 'x' }, { check: false, diff: true })).status).toBe('ok');
    expect(calls.apply).toBe(0);
  });

  it('applies changes and reports changed with a diff when asked', async () => {
    const { mod, calls } = counterModule({ changes: 1, outcome: { data: { rc: 0 } } });
    const r = await runModule(mod, host, { name: 'new' }, { check: false, diff: true });
    expect(r).toMatchObject({ status: 'changed', data: { rc: 0, name: 'new' } });
    expect(r.diff).toContain('+new');
    expect(calls.apply).toBe(1);
    expect((await runModule(mod, host, { name: 'new' }, { check: false, diff: false })).diff).toBeUndefined();
  });

  it('stops before apply in check mode and still reports changed', async () => {
    const { mod, calls } = counterModule({ changes: 2 });
    const r = await runModule(mod, host, { name: 'x' }, { check: true, diff: true });
    expect(r.status).toBe('changed');
    expect(r.changes.map((c) => c.summary)).toEqual(['change 0', 'change 1']);
    expect(r.data.name).toBe('x');
    expect(calls.apply).toBe(0);
  });

  it('runs controller-only modules in check mode', async () => {
    const { mod, calls } = counterModule({ changes: 1, controllerOnly: true, outcome: { facts: { a: 1 } } });
    const r = await runModule(mod, host, { name: 'x' }, { check: true, diff: false });
    expect(calls.apply).toBe(1);
    expect(r.facts).toEqual({ a: 1 });
  });

  it('honours apply outcomes: changed false and failed', async () => {
    const ok = await runModule(counterModule({ changes: 1, outcome: { changed: false } }).mod, host, { name: 'x' }, { check: false, diff: false });
    expect(ok.status).toBe('ok');
    const bad = await runModule(counterModule({ changes: 1, outcome: { failed: true, msg: 'rc 2' } }).mod, host, { name: 'x' }, { check: false, diff: false });
    expect(bad).toMatchObject({ status: 'failed', error: 'rc 2', msg: 'rc 2' });
  });

  it('turns a ModuleError into failed keeping rc/stdout/stderr', async () => {
    const { mod } = counterModule({ changes: 1, applyThrows: new ModuleError('boom', { rc: 3, stdout: 'o', stderr: 'e', argv: ['x'] }) });
    const r = await runModule(mod, host, { name: 'x' }, { check: false, diff: false });
    expect(r).toMatchObject({ status: 'failed', error: 'boom', data: { rc: 3, stdout: 'o', stderr: 'e', cmd: ['x'] } });
    expect(r.changes).toHaveLength(1);
  });

  it('lets UnreachableError through for the executor', async () => {
    const { mod } = counterModule({ changes: 1, applyThrows: new UnreachableError('h', 'gone') });
    await expect(runModule(mod, host, { name: 'x' }, { check: false, diff: false })).rejects.toThrow(UnreachableError);
  });
});
