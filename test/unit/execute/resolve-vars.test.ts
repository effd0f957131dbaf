import { describe, expect, it } from 'vitest';
import { checkUnresolved, resolveVars } from '../../../runner/execute/resolve-vars.js';
import { createTemplater } from '../../../runner/template/index.js';

const t = createTemplater();

describe('resolveVars', () => {
  it('resolves chains in any order, keeps native types', () => {
    const v = resolveVars({ c: '{{ b }}/c', b: '{{ a }}/b', a: 'A', n: '{{ [1, 2] }}', m: '{{ n }}' }, t);
    expect(v).toMatchObject({ a: 'A', b: 'A/b', c: 'A/b/c', n: [1, 2], m: [1, 2] });
  });
  it('keeps {% raw %} output that still looks like a template', () => {
    const v = resolveVars({ go: '{% raw %}{{ .Name }}{% endraw %}' }, t);
    expect(v['go']).toBe('{{ .Name }}');
  });
  it('a var that cannot render is only an error when used', () => {
    const v = resolveVars({ ok: 'fine', broken: 'x {{ nowhere }}' }, t);
    expect(v['ok']).toBe('fine');
    expect(() => checkUnresolved(v, 'fine')).not.toThrow();
    expect(() => checkUnresolved(v, 'x {{ nowhere }} here')).toThrow(/variable 'broken': undefined variable 'nowhere'/);
  });
});
