// YAML timestamps read as PyYAML reads them and shown as Python's str() of the date/datetime.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../runner/types.js';
import { parseYaml, plain, pythonTimestamp } from '../../../runner/load/yaml.js';

const cases: [string, string][] = [
  ['2001-12-14', '2001-12-14'],
  ['2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.100000-05:00'],
  ['2001-12-14 21:59:43.10 -5', '2001-12-14 21:59:43.100000-05:00'],
  ['2001-12-15T02:59:43.1Z', '2001-12-15 02:59:43.100000+00:00'],
  ['2002-12-14 01:02:03', '2002-12-14 01:02:03'],
  ['2001-2-4 1:02:03', '2001-02-04 01:02:03'],
];

describe('YAML timestamps', () => {
  it.each(cases)('%s', (text, expected) => {
    expect(pythonTimestamp(text)).toBe(expected);
    const diags: Diagnostic[] = [];
    const src = parseYaml('t.yml', `v: ${text}\n`, diags);
    expect(diags).toEqual([]);
    expect(plain(src, src.doc.contents as never)).toEqual({ v: expected });
  });

  it('a date-like value that is not a timestamp stays a string', () => {
    const diags: Diagnostic[] = [];
    const src = parseYaml('t.yml', 'v: 2001-2-4\n', diags);
    expect(plain(src, src.doc.contents as never)).toEqual({ v: '2001-2-4' });
  });

  it('matches str() of what PyYAML loads', () => {
    const script = 'import sys, json, yaml\nprint(json.dumps([str(yaml.safe_load("v: " + t)["v"]) for t in json.load(sys.stdin)]))';
    const out = execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(cases.map((c) => c[0])), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(cases.map((c) => c[1]));
  });
});
