import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quoteWord, shellQuote } from '../../../runner/connection/quote.js';

// A tiny argv printer: the quoted line runs a shell that prints each of its arguments NUL-terminated.
const PRINTER = 'for a in "$@"; do printf "%s\\0" "$a"; done';

function roundTrip(shell: string[], argv: string[]): string[] {
  const line = shellQuote(['/bin/sh', '-c', PRINTER, 'printer', ...argv]);
  const out = execFileSync(shell[0], [...shell.slice(1), '-c', line], { encoding: 'utf8' });
  const words = out.split('\0');
  words.pop(); // after the last NUL
  return words;
}

const HOSTILE: string[][] = [
  ['plain', 'words'],
  [''],
  ['', '', ''],
  ["it's"],
  ["'"],
  ["''"],
  ['"double" quotes'],
  ['$(touch /tmp/osm-play-quote-pwned)'],
  ['`touch /tmp/osm-play-quote-pwned`'],
  ['$HOME', '${HOME}', '$0', '$@', '$*'],
  ['a\nb', '\n', 'trailing\n'],
  ['tab\there', ' leading space', 'trailing space '],
  ['-n', '-e', '--', '-'],
  ['a=b', 'FOO=bar'],
  ['~', '~root', '*', '?', '[a]', '{a,b}'],
  ['; rm -rf /', '&& echo', '|| true', '| cat', '> /dev/null', '< /etc/passwd', '&'],
  ['#comment', 'a#b'],
  ['back\\slash', '\\', '\\\\n'],
  ['grüße', '日本語', 'emoji 🎉'],
  ['!', '!!', 'history!expansion'],
  ["mixed 'single' and \"double\" and $(sub) and `tick`"],
];

describe('shellQuote', () => {
  const shells = [['/bin/sh'], ['/bin/bash'], ['busybox', 'sh']].filter((s) => s[0] === 'busybox' ? existsSync('/bin/busybox') || existsSync('/usr/bin/busybox') : existsSync(s[0]));

  for (const shell of shells) {
    it.each(HOSTILE.map((argv) => [JSON.stringify(argv), argv] as const))(`${shell.join(' ')} reads back %s exactly`, (_label, argv) => {
      expect(roundTrip(shell, argv)).toEqual(argv);
    });
  }

  it('never ran the command substitutions', () => {
    expect(existsSync('/tmp/osm-play-quote-pwned')).toBe(false);
  });

  it('leaves safe words bare and quotes the rest', () => {
    expect(shellQuote(['lxc-stop', '-n', 'acme-svr'])).toBe('lxc-stop -n acme-svr');
    expect(shellQuote(['echo', 'a b'])).toBe("echo 'a b'");
    expect(quoteWord('')).toBe("''");
    expect(quoteWord("it's")).toBe("'it'\\''s'");
    expect(quoteWord('a=b')).toBe("'a=b'");
  });

  it('refuses NUL bytes', () => {
    expect(() => shellQuote(['a\0b'])).toThrow(/NUL/);
  });
});
