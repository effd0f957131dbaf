// Plans of the controller-only modules: debug, set_fact, fail, assert, pause.
import { describe, expect, it } from 'vitest';
import assertMod from '../../../modules/assert.js';
import debug from '../../../modules/debug.js';
import fail from '../../../modules/fail.js';
import pause, { pauseMs } from '../../../modules/pause.js';
import setFact, { factsFrom } from '../../../modules/set_fact.js';
import { ModuleError } from '../../../runner/module.js';
import { argsOf } from '../../helpers/module-args.js';

describe('debug', () => {
  it('plans nothing and shows msg or var', () => {
    expect(debug.plan(argsOf(debug, { msg: 'hi' }), { shown: { key: 'msg', value: 'hi' } })).toEqual([]);
    expect(debug.result?.(argsOf(debug, { msg: 'hi' }), { shown: { key: 'msg', value: 'hi' } }, [])).toEqual({ msg: 'hi', _display: 'hi' });
    expect(debug.result?.(argsOf(debug, { var: 'x' }), { shown: { key: 'x', value: 3 } }, [])).toEqual({ x: 3, _display: { x: 3 } });
    expect(debug.result?.(argsOf(debug, { msg: 'hi', verbosity: 2 }), {}, [])).toEqual({ skipped_reason: 'verbosity threshold not met' });
  });
});

describe('set_fact', () => {
  it('returns the facts, without cacheable, and plans nothing', () => {
    // Variables (not literals) because the schema's extra keys are not part of its static type.
    const one = { a: 1, cacheable: true };
    const two = { a: 1, b: 'x', cacheable: true };
    expect(setFact.plan(one, null)).toEqual([]);
    expect(setFact.result?.(two, null, [])).toEqual({ ansible_facts: { a: 1, b: 'x' } });
    expect(() => factsFrom({ 'bad-name': 1 })).toThrow(ModuleError);
    expect(() => factsFrom({ cacheable: false })).toThrow(/at least one/);
  });
});

describe('fail', () => {
  it('fails with its message', () => {
    expect(() => fail.plan(argsOf(fail, { msg: 'stop here' }), null)).toThrow('stop here');
    expect(() => fail.plan(argsOf(fail, {}), null)).toThrow('Failed as requested from task');
  });
});

describe('assert', () => {
  it('fails with fail_msg at a false expression, else ok', () => {
    const args = (a: { that: string | string[]; fail_msg?: string; quiet?: boolean }) => argsOf(assertMod, a);
    expect(() => assertMod.plan(args({ that: ['a'], fail_msg: 'port taken' }), { failed: 'a' })).toThrow('port taken');
    expect(() => assertMod.plan(args({ that: 'a' }), { failed: 'a' })).toThrow('Assertion failed: a');
    expect(assertMod.plan(args({ that: 'a' }), {})).toEqual([]);
    expect(assertMod.result?.(args({ that: 'a', quiet: true }), {}, [])).toEqual({ msg: 'All assertions passed' });
    expect(assertMod.result?.(args({ that: 'a' }), {}, [])).toEqual({ msg: 'All assertions passed', _display: 'All assertions passed' });
  });
});

describe('pause', () => {
  it('waits seconds and minutes, refuses prompts', () => {
    expect(pauseMs({ seconds: 2 })).toBe(2000);
    expect(pauseMs({ minutes: 0.5, seconds: 1 })).toBe(31000);
    expect(() => pauseMs({ prompt: 'Continue?' })).toThrow(/non-interactive/);
    expect(() => pauseMs({})).toThrow(/seconds or minutes/);
    expect(pause.plan({ seconds: 0 }, { waitedMs: 0 })).toEqual([]);
  });
});
