// Cases where nunjucks alone differs from Ansible's Jinja2; expected values were checked against
// ansible-core 2.14's Templar.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplater } from '../../../runner/template/index.js';

const t = createTemplater();
const vars = { s: 'Hello World', users: [{ name: 'a', groups: ['x'] }, { name: 'b' }] };

describe('playbook strings (as Ansible templates them)', () => {
  // Template text as it reaches the templater (after YAML): `\w` is one backslash and a w.
  const cases: [string, unknown][] = [
    ["{{ s | regex_replace('(\\w+) (\\w+)', '\\2 \\1') }}", 'World Hello'],
    ["{{ s | regex_replace('\\s+', '-') }}", 'Hello-World'],
    ["{{ s | regex_replace('\\\\w', 'x') }}", 'Hello World'],
    ["x{{ 'a\\tb' }}", 'xa\\tb'],
    ["{% if 'a\\tb' | length == 3 %}three{% else %}four{% endif %}", 'three'],
    ['{% for u in users %}\n  - {{ u.name }}\n{% endfor %}\n', '  - a\n  - b\n'],
    ['  {% if true %}\nX\n  {% endif %}\n', '  X\n  \n'],
    ['line\n\n', 'line\n\n'],
    ["{{ users | selectattr('groups', 'defined') | map(attribute='name') | list }}", ['a']],
    ["{{ {'k': {'n': 1}} | combine({'k': {'m': 2}}, recursive=True) }}", { k: { n: 1, m: 2 } }],
  ];
  it.each(cases)('%j', (src, expected) => {
    expect(t.render(src, vars)).toEqual(expected);
  });

  it('conditions decode Python escapes in string literals', () => {
    expect(t.evaluate("'a\\tb' | length == 3", {})).toBe(true);
    expect(t.evaluate("'a\\\\tb' | length", {})).toBe(4);
    expect(t.evaluate("s is search('\\w+ ')", vars)).toBe(true);
  });
});

describe('.j2 files (template module semantics)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'osm-j2-'));
    writeFileSync(join(dir, 'esc.j2'), "{{ 'a\\nb' }}|{{ 'x\\wy' }}|{{ 'q\\'q' }}\n");
    writeFileSync(join(dir, 'inc.j2'), "Hello {% include 'world.j2' %}!\n");
    writeFileSync(join(dir, 'world.j2'), 'world\n');
    writeFileSync(join(dir, 'blocks.j2'), 'a\n{% if true %}\nb\n{% endif %}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('string literals use Python escapes: known ones decoded, unknown kept', () => {
    expect(t.renderFile(join(dir, 'esc.j2'), {})).toBe("a\nb|x\\wy|q'q\n");
  });

  it("an included file's last newline is dropped, the top file's kept", () => {
    expect(t.renderFile(join(dir, 'inc.j2'), {})).toBe('Hello world!\n');
  });

  it('trim_blocks: the newline after a block tag is removed', () => {
    expect(t.renderFile(join(dir, 'blocks.j2'), {})).toBe('a\nb\n');
  });
});

// to_yaml / to_nice_yaml output as ansible-core 2.14 (PyYAML) writes it for the same data.
const yamlVars = {
  "d": {
    "ll": [
      [
        1,
        2
      ],
      [
        3,
        [
          4
        ]
      ]
    ],
    "colon": "a: b",
    "hash": "a #b",
    "dash": "- x",
    "dash2": "-x",
    "uni": "héllo",
    "empty": "",
    "k y": 1,
    "1": "one",
    "oct": "0755",
    "date": "2024-01-01",
    "nulls": "null",
    "at": "@x",
    "f": "1.0",
    "sp": " lead",
    "ok": "plain text here",
    "q": "\"dq\"",
    "tab": "a\tb",
    "excl": "!x",
    "pct": "50%",
    "url": "http://x.y/z?a=1",
    "m": {
      "x": {
        "y": {
          "z": [
            1,
            {
              "a": [
                2
              ]
            }
          ]
        }
      }
    }
  },
  "s": "just a string",
  "l": [
    1,
    "two",
    {
      "three": 3
    }
  ]
};
const yamlCases: [string, string][] = [
  [
    "{{ d | to_nice_yaml }}",
    "'1': one\nat: '@x'\ncolon: 'a: b'\ndash: '- x'\ndash2: -x\ndate: '2024-01-01'\nempty: ''\nexcl: '!x'\nf: '1.0'\nhash: 'a #b'\nk y: 1\nll:\n-   - 1\n    - 2\n-   - 3\n    -   - 4\nm:\n    x:\n        y:\n            z:\n            - 1\n            -   a:\n                - 2\nnulls: 'null'\noct: '0755'\nok: plain text here\npct: 50%\nq: '\"dq\"'\nsp: ' lead'\ntab: \"a\\tb\"\nuni: héllo\nurl: http://x.y/z?a=1\n"
  ],
  [
    "{{ d | to_yaml }}",
    "'1': one\nat: '@x'\ncolon: 'a: b'\ndash: '- x'\ndash2: -x\ndate: '2024-01-01'\nempty: ''\nexcl: '!x'\nf: '1.0'\nhash: 'a #b'\nk y: 1\nll:\n- [1, 2]\n- - 3\n  - [4]\nm:\n  x:\n    y:\n      z:\n      - 1\n      - a: [2]\nnulls: 'null'\noct: '0755'\nok: plain text here\npct: 50%\nq: '\"dq\"'\nsp: ' lead'\ntab: \"a\\tb\"\nuni: héllo\nurl: http://x.y/z?a=1\n"
  ],
  [
    "{{ s | to_yaml }}",
    "just a string\n"
  ],
  [
    "{{ l | to_yaml }}",
    "- 1\n- two\n- {three: 3}\n"
  ],
  [
    "{{ l | to_nice_yaml }}",
    "- 1\n- two\n-   three: 3\n"
  ],
  [
    "{{ [] | to_yaml }}",
    "[]\n"
  ],
  [
    "{{ {} | to_nice_yaml }}",
    "{}\n"
  ],
  [
    "{{ 5 | to_yaml }}",
    "5\n"
  ]
];

describe('to_yaml and to_nice_yaml match PyYAML', () => {
  it.each(yamlCases)('%s', (src, expected) => {
    expect(t.render(src, yamlVars)).toBe(expected);
  });
});
