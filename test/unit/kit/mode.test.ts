import { describe, expect, it } from 'vitest';
import { formatMode, parseMode } from '../../../runner/kit/mode.js';

describe('parseMode', () => {
  it.each([
    ['0644', 0, 0o644],
    ['644', 0, 0o644],
    ['0o755', 0, 0o755],
    ['2775', 0, 0o2775],
    // Unquoted 0644 in YAML 1.1 is the integer 420: taken as a number, as Ansible does.
    [420, 0, 0o644],
    [0o755, 0, 0o755],
    ['u=rw,g=r,o=', 0o777, 0o640],
    ['u+x', 0o644, 0o744],
    ['go-w', 0o666, 0o644],
    ['a+r', 0o600, 0o644],
    ['=r', 0o777, 0o444],
    ['a+X', 0o644, 0o644],
    ['a+X', 0o744, 0o755],
    ['u+s', 0o755, 0o4755],
    ['o+t', 0o777, 0o1777],
  ] as const)('%s on %o is %o', (mode, current, expected) => {
    expect(parseMode(mode, current)).toBe(expected);
  });

  it('applies X to directories', () => {
    expect(parseMode('a+X', 0o644, true)).toBe(0o755);
  });

  it.each(['rwx', '0999', 'u=q', '12345', ''])('rejects %j', (mode) => {
    expect(() => parseMode(mode)).toThrow(/invalid mode/);
  });

  it('rejects integers that are not octal digits', () => {
    expect(() => parseMode(420.5)).toThrow(/invalid mode/);
    expect(() => parseMode(0o10000)).toThrow(/invalid mode/);
    expect(() => parseMode(-1)).toThrow(/invalid mode/);
  });

  it('formats as four octal digits', () => {
    expect(formatMode(0o644)).toBe('0644');
    expect(formatMode(0o4755)).toBe('4755');
  });
});
