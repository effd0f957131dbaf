import { describe, expect, it } from 'vitest';
import sysctl, { editSysctlText, fileValue, normaliseValue, planSysctl, valueOf } from '../../../modules/sysctl.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(sysctl);

const fileState = (text: string | null) => ({ current: text === null ? null : Buffer.from(text), attrs: { stat: null } });

describe('sysctl file text', () => {
  it.each<[string, string, string | null, string]>([
    ['appends to an empty file', '', '1', 'net.ipv4.ip_forward=1\n'],
    ['appends after other lines', '# c\nvm.swappiness=10\n', '1', '# c\nvm.swappiness=10\nnet.ipv4.ip_forward=1\n'],
    ['replaces the line, spaces and all', 'net.ipv4.ip_forward = 0\n', '1', 'net.ipv4.ip_forward=1\n'],
    ['slash form is the same key', 'net/ipv4/ip_forward=0\n', '1', 'net.ipv4.ip_forward=1\n'],
    ['drops later duplicates', 'net.ipv4.ip_forward=0\nx=1\nnet.ipv4.ip_forward=0\n', '1', 'net.ipv4.ip_forward=1\nx=1\n'],
    ['leaves comments alone', '#net.ipv4.ip_forward=0\n', '1', '#net.ipv4.ip_forward=0\nnet.ipv4.ip_forward=1\n'],
    ['removes for absent', 'a=1\nnet.ipv4.ip_forward=1\n', null, 'a=1\n'],
  ])('%s', (_t, text, value, want) => expect(editSysctlText(text, 'net.ipv4.ip_forward', value)).toBe(want));

  it('reads the last value and compares values by words', () => {
    expect(fileValue('k=1\nk = 2\n', 'k')).toBe('2');
    expect(fileValue('j=1\n', 'k')).toBeNull();
    expect(normaliseValue('4096\t87380  6291456')).toBe('4096 87380 6291456');
    expect(valueOf({ ...args({ name: 'k' }), value: true })).toBe('1');
    // Through the run-time check, which coerces: a boolean stays a boolean, a number a number.
    expect(valueOf(args({ name: 'k', value: true }))).toBe('1');
    expect(valueOf(args({ name: 'k', val: false }))).toBe('0');
    expect(valueOf(args({ name: 'k', value: 1 }))).toBe('1');
    expect(valueOf(args({ name: 'k', value: '4096 87380 6291456' }))).toBe('4096 87380 6291456');
    expect(valueOf({ ...args({ name: 'k' }), val: 5 })).toBe('5');
  });
});

describe('planSysctl', () => {
  const a = args({ name: 'vm.swappiness', value: '10', sysctl_file: '/t/s.conf' });
  const actions = (args: Record<string, unknown>, text: string | null, live: string | null = null) => planSysctl({ ...a, ...args } as never, { file: fileState(text), live }).map((c) => c.action);
  it.each<[string, Record<string, unknown>, string | null, string | null, string[]]>([
    ['file missing: create and reload', {}, null, null, ['create', 'reload']],
    ['already so: nothing', {}, 'vm.swappiness=10\n', null, []],
    ['differs: write and reload', {}, 'vm.swappiness=60\n', null, ['write', 'reload']],
    ['reload false: write only', { reload: false }, 'vm.swappiness=60\n', null, ['write']],
    ['sysctl_set, live differs', { sysctl_set: true, reload: false }, 'vm.swappiness=10\n', '60', ['set']],
    ['sysctl_set, live equal', { sysctl_set: true }, 'vm.swappiness=10\n', '10', []],
    ['absent, line there', { state: 'absent', value: undefined }, 'vm.swappiness=10\n', null, ['write', 'reload']],
    ['absent, no line', { state: 'absent', value: undefined }, 'x=1\n', null, []],
  ])('%s', (_t, extra, text, live, want) => expect(actions(extra, text, live)).toEqual(want));
  it('present needs value; ignoreerrors passes -e', () => {
    expect(() => actions({ value: undefined }, '')).toThrow(/value is required/);
    const reload = planSysctl({ ...a, ignoreerrors: true }, { file: fileState(''), live: null }).find((c) => c.action === 'reload');
    expect(reload?.data).toEqual(['sysctl', '-e', '-p', '/t/s.conf']);
  });
});
