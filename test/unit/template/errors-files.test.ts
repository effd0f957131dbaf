import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplater, TemplateError } from '../../../runner/template/index.js';

const t = createTemplater();
const pos = { file: 'play.yml', line: 12, col: 9 };

function caught(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
}

describe('undefined variables', () => {
  const cases: [string, string][] = [
    ['{{ customer_name }}', 'customer_name'],
    ['/srv/{{ customer_name }}/x', 'customer_name'],
    ['{{ customer_name | upper }}', 'customer_name'],
    ["{{ 'a' ~ customer_name }}", 'customer_name'],
    ['{{ result.stdout }}', 'result'],
    ['{{ d.missing }}', 'd.missing'],
    ['{{ d.a.deeper }}', 'd.a.deeper'],
    ["{{ d['other key'] }}", 'd["other key"]'],
    ['{% if flag_x %}y{% endif %}', 'flag_x'],
    ['{{ (d.missing | default(1)) + nope }}', 'nope'],
  ];
  it.each(cases)('%s names %s', (src, name) => {
    const err = caught(() => t.render(src, { d: { a: 1 } }, pos));
    expect(err.message).toBe(`undefined variable '${name}'`);
    expect(err.variable).toBe(name);
    expect(err.pos).toEqual(pos);
  });

  it('evaluate (when:) fails on an undefined name too', () => {
    const err = caught(() => t.evaluate('deploy_ok and other', { deploy_ok: true }, pos));
    expect(err.message).toBe("undefined variable 'other'");
  });

  it('reports the line inside a multi-line (block scalar) template', () => {
    const err = caught(() => t.render('a\nb\n{{ c }}', {}, pos));
    expect(err.templateLine).toBe(3);
    expect(err.pos).toEqual({ file: 'play.yml', line: 15, col: 9 });
  });

  it('a syntax error says so', () => {
    const err = caught(() => t.evaluate('a ==', {}, pos));
    expect(err.message).toMatch(/^template syntax error in 'a =='/);
    expect(err.pos).toEqual(pos);
  });
});

describe('renderFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'osm-tpl-'));
    mkdirSync(join(dir, 'parts'));
    writeFileSync(join(dir, 'parts', 'listen.j2'), '{% import "../macros.j2" as mm %}listen {{ port }};\n{{ mm.greet("x") }}\n');
    writeFileSync(join(dir, 'macros.j2'), '{% macro greet(who) %}hello {{ who }}{% endmacro %}');
    writeFileSync(join(dir, 'imports.j2'), '{% import "macros.j2" as m %}{{ m.greet(name) }}|{{ motd }}');
    writeFileSync(join(dir, 'undef.j2'), 'line one\nline two {{ name }}\nline three {{ oops }}\n');
    writeFileSync(join(dir, 'inc-undef.j2'), 'top\n{% include "parts/bad.j2" %}');
    writeFileSync(join(dir, 'parts', 'bad.j2'), '\n\n{{ nope }}');
    writeFileSync(join(dir, 'syntax.j2'), 'ok\n{% if %}\n');
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files', 'motd'), 'welcome\n\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders includes and imports relative to the including file', () => {
    expect(t.renderFile(join(dir, 'imports.j2'), { name: 'acme', motd: 'hi' })).toBe('hello acme|hi');
    const out = t.renderFile(join(dir, 'parts', 'listen.j2'), { port: 8883 });
    expect(out).toBe('listen 8883;\nhello x\n');
  });

  it('names the file and line of an undefined variable', () => {
    const err = caught(() => t.renderFile(join(dir, 'undef.j2'), { name: 'a' }));
    expect(err.message).toBe("undefined variable 'oops'");
    expect(err.pos).toEqual({ file: join(dir, 'undef.j2'), line: 3, col: 1 });
  });

  it('names the included file when the error is there', () => {
    const err = caught(() => t.renderFile(join(dir, 'inc-undef.j2'), {}));
    expect(err.variable).toBe('nope');
    expect(err.pos).toEqual({ file: join(dir, 'parts', 'bad.j2'), line: 3, col: 1 });
  });

  it('reports syntax errors with the file and line', () => {
    const err = caught(() => t.renderFile(join(dir, 'syntax.j2'), {}));
    expect(err.message).toMatch(/^template syntax error/);
    expect(err.pos?.file).toBe(join(dir, 'syntax.j2'));
    expect(err.pos?.line).toBe(2);
  });

  it('a missing file is a TemplateError naming it', () => {
    const err = caught(() => t.renderFile(join(dir, 'nope.j2'), {}));
    expect(err.message).toContain('nope.j2');
  });

  it("lookup('file') reads relative to playbook_dir (files/ first) and strips trailing whitespace", () => {
    expect(t.render("{{ lookup('file', 'motd') }}", { playbook_dir: dir })).toBe('welcome');
    expect(t.render("{{ lookup('file', 'macros.j2') | length > 0 }}", { playbook_dir: dir })).toBe(true);
    expect(() => t.render("{{ lookup('file', 'absent') }}", { playbook_dir: dir })).toThrow(/could not find 'absent'/);
  });
});
