// Jinja2's urlencode filter (jinja2.filters.do_urlencode / utils.url_quote): a string is
// percent-encoded as UTF-8 keeping unreserved characters and '/'; a mapping or a list of pairs
// becomes a query string with '+' for spaces. Expected values as Jinja2 3.1 gives them.
import { describe, expect, it } from 'vitest';
import { createTemplater } from '../../../runner/template/index.js';

const render = (tpl: string, vars: Record<string, unknown> = {}): string => String(createTemplater().render(tpl, vars as never));

describe('urlencode', () => {
  it.each([
    ['a b/c@d:"e\\', 'a%20b/c%40d%3A%22e%5C'],
    ['safe-_.~AZaz09', 'safe-_.~AZaz09'],
    ['é?#%&=+', '%C3%A9%3F%23%25%26%3D%2B'],
    [42, '42'],
  ])('%j', (v, want) => expect(render('{{ v | urlencode }}', { v })).toBe(want));

  it('a mapping or pairs become a query string', () => {
    expect(render('{{ {"a b": "c&d", "n": 1} | urlencode }}')).toBe('a+b=c%26d&n=1');
    expect(render('{{ [["k", "v/w"]] | urlencode }}')).toBe('k=v%2Fw');
    expect(() => render('{{ [1, 2] | urlencode }}')).toThrow(/pairs/);
  });
});
