import { describe, expect, it } from 'vitest';
import command, { commandInvocation } from '../../../modules/command.js';
import shell, { shellInvocation, splitFreeFormScript } from '../../../modules/shell.js';
import { splitWords } from '../../../runner/kit/split-words.js';

describe('splitWords', () => {
  it.each([
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    ['  spaced   out  ', ['spaced', 'out']],
    [`echo "a b" 'c d' e\\ f`, ['echo', 'a b', 'c d', 'e f']],
    [`echo "say \\"hi\\"" '$HOME' "\\$x" "\\n"`, ['echo', 'say "hi"', '$HOME', '$x', '\\n']],
    [`echo ''`, ['echo', '']],
    [`a"b"'c'd`, ['abcd']],
    ['echo $(rm -rf /) `x` | cat; y', ['echo', '$(rm', '-rf', '/)', '`x`', '|', 'cat;', 'y']],
  ])('%j', (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });
  it.each([`echo 'open`, 'echo "open', 'echo \\'])('rejects %j', (text) => {
    expect(() => splitWords(text)).toThrow(/unterminated|trailing/);
  });
});

const base = { stdin_add_newline: true, strip_empty_ends: true };

describe('command plan', () => {
  it.each([
    [{ _raw_params: 'lxc-stop -n acme' }, { skipReason: null }, ["would run: lxc-stop -n acme"]],
    [{ argv: ['echo', 'a b'] }, { skipReason: null }, ["would run: echo 'a b'"]],
    [{ cmd: 'touch /x', creates: '/x' }, { skipReason: "Did not run command since '/x' exists" }, []],
  ])('%j with %j', (a, state, summaries) => {
    expect(command.plan({ ...base, ...a }, state).map((c) => c.summary)).toEqual(summaries);
  });

  it('takes creates=/chdir= words off the free form', () => {
    const inv = commandInvocation({ ...base, _raw_params: 'make install creates=/usr/bin/x chdir=/src' });
    expect(inv.argv).toEqual(['make', 'install']);
    expect(inv.options).toMatchObject({ creates: '/usr/bin/x', chdir: '/src' });
  });

  it('wants exactly one way to say the command', () => {
    expect(() => commandInvocation({ ...base })).toThrow(/exactly one/);
    expect(() => commandInvocation({ ...base, cmd: 'a', argv: ['b'] })).toThrow(/exactly one/);
    expect(() => commandInvocation({ ...base, cmd: '   ' })).toThrow(/empty/);
  });

  it('registers the skip reason when it does not run', () => {
    const r = command.result?.({ ...base, argv: ['x'], creates: '/x' }, { skipReason: 'since' }, []);
    expect(r).toMatchObject({ rc: 0, msg: 'since', cmd: ['x'] });
  });
});

describe('shell plan', () => {
  it('runs the script through /bin/sh -c, or executable', () => {
    expect(shellInvocation({ ...base, _raw_params: 'ls | wc -l' }).argv).toEqual(['/bin/sh', '-c', 'ls | wc -l']);
    expect(shellInvocation({ ...base, cmd: 'echo $0', executable: '/bin/bash' }).argv).toEqual(['/bin/bash', '-c', 'echo $0']);
    expect(shell.plan({ ...base, cmd: "echo 'x'" }, { skipReason: null })[0].summary).toBe(`would run: /bin/sh -c 'echo '\\''x'\\'''`);
  });

  it('takes only trailing key=value options off the free form', () => {
    expect(splitFreeFormScript('FOO=1 make chdir=/src creates=/x')).toEqual({ script: 'FOO=1 make', options: { chdir: '/src', creates: '/x' } });
    expect(splitFreeFormScript('echo creates=/x is text; true')).toEqual({ script: 'echo creates=/x is text; true', options: {} });
  });

  it('no change when removes is missing', () => {
    expect(shell.plan({ ...base, cmd: 'rm /x', removes: '/x' }, { skipReason: 'gone' })).toEqual([]);
  });
});
