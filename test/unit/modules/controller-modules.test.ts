// Plans of the controller-only modules: debug, set_fact, fail, assert, pause.
import { describe, expect, it } from 'vitest';
import assertMod from '../../../modules/assert.js';
import debug from '../../../modules/debug.js';
import fail from '../../../modules/fail.js';
import pause, { pauseMs } from '../../../modules/pause.js';
import setFact, { factsFrom } from '../../../modules/set_fact.js';
import { ModuleError } from '../../../runner/module.js';

describe('debug', () => {
  it('plans nothing and shows msg or var', () => {
    expect(debug.plan({ msg: 'hi' }, { shown: { key: 'msg', value: 'hi' } })).toEqual([]);
    expect(debug.result?.({ msg: 'hi' }, { shown: { key: 'msg', value: 'hi' } }, [])).toEqual({ msg: 'hi', _display: 'hi' });
    expect(debug.result?.({ var: 'x' }, { shown: { key: 'x', value: 3 } }, [])).toEqual({ x: 3, _display: { x: 3 } });
    expect(debug.result?.({ msg: 'hi', verbosity: 2 }, {}, [])).toEqual({ skipped_reason: 'verbosity threshold not met' });
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
    expect(() => fail.plan({ msg: 'stop here' }, null)).toThrow('stop here');
    expect(() => fail.plan({}, null)).toThrow('Failed as requested from task');
  });
});

describe('assert', () => {
  it('fails with fail_msg at a false expression, else ok', () => {
    expect(() => assertMod.plan({ that: ['a'], fail_msg: 'port taken' }, { failed: 'a' })).toThrow('port taken');
    expect(() => assertMod.plan({ that: 'a' }, { failed: 'a' })).toThrow('Assertion failed: a');
    expect(assertMod.plan({ that: 'a' }, {})).toEqual([]);
    expect(assertMod.result?.({ that: 'a', quiet: true }, {}, [])).toEqual({ msg: 'All assertions passed' });
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
