import { describe, expect, it } from 'vitest';
import { createTemplater, markUnsafe, TemplateError } from '../../../runner/template/index.js';

const t = createTemplater();

describe('variables whose values are templates (rendered when used, like Ansible)', () => {
  const vars = {
    customer_name: 'acme',
    container: '{{ customer_name }}-svr',
    rootfs: '/srv/osm-lxc/lxc/containers/{{ container }}/rootfs-layer',
    port: 8883,
    port_native: '{{ port }}',
    site: { name: '{{ container }}', ports: ['{{ port }}', 443] },
    uses_missing: '{{ nope }}',
    loop_a: '{{ loop_b }}',
    loop_b: '{{ loop_a }}',
  };

  it('resolves chains of template values', () => {
    expect(t.render('{{ rootfs }}', vars)).toBe('/srv/osm-lxc/lxc/containers/acme-svr/rootfs-layer');
    expect(t.render('{{ port_native + 1 }}', vars)).toBe(8884);
  });

  it('resolves templates inside dicts and lists', () => {
    expect(t.render('{{ site }}', vars)).toEqual({ name: 'acme-svr', ports: [8883, 443] });
    expect(t.render('{{ site.name | upper }}', vars)).toBe('ACME-SVR');
  });

  it('an undefined name inside a value says which variable it came from', () => {
    try {
      t.render('{{ uses_missing }}', vars);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).message).toBe("undefined variable 'nope' (in the value of 'uses_missing')");
      expect((e as TemplateError).variable).toBe('nope');
    }
  });

  it('a self-referencing loop is an error, not a hang', () => {
    expect(() => t.render('{{ loop_a }}', vars)).toThrow(/recursive loop in variable 'loop_a' \(loop_a -> loop_b -> loop_a\)/);
  });

  it('default() still applies to a defined variable whose value renders', () => {
    expect(t.render("{{ container | default('x') }}", vars)).toBe('acme-svr');
  });
});

describe('markUnsafe', () => {
  it('a registered result marked unsafe is never templated', () => {
    const out = markUnsafe({ stdout: 'literal {{ not_a_var }}', rc: 0 });
    expect(t.render('{{ out.stdout }}', { out })).toBe('literal {{ not_a_var }}');
  });

  it('an unmarked one is (and fails on the undefined name)', () => {
    expect(() => t.render('{{ out.stdout }}', { out: { stdout: '{{ not_a_var }}' } })).toThrow("undefined variable 'not_a_var'");
  });
});

describe('lazy views', () => {
  it('a Proxy (like hostvars) is not walked or copied; only the entry used is read', () => {
    const reads: string[] = [];
    const hostvars = new Proxy<Record<string, unknown>>(
      {},
      {
        get: (_t, k) => {
          reads.push(String(k));
          return typeof k === 'string' && k.startsWith('h') ? { ansible_host: `10.0.0.${k.slice(1)}` } : undefined;
        },
        has: (_t, k) => typeof k === 'string' && k.startsWith('h'),
        ownKeys: () => ['h1', 'h2', 'h3'],
        getOwnPropertyDescriptor: (_t, k) => ({ enumerable: true, configurable: true, value: { k } }),
      },
    );
    expect(t.render("{{ hostvars['h2'].ansible_host }}", { hostvars })).toBe('10.0.0.2');
    expect(reads).toEqual(['h2']);
  });
});

describe('the vars magic variable', () => {
  it('looks variables up by computed name, rendered', () => {
    const vars = { which: 'b', a_b: '{{ which }}-value' };
    expect(t.render("{{ vars['a_' + which] }}", vars)).toBe('b-value');
  });

  it('a variable named vars wins', () => {
    expect(t.render('{{ vars }}', { vars: 1 })).toBe(1);
  });
});

describe('the vars magic variable, laziness', () => {
  it('an unrelated broken variable does not break vars[...]', () => {
    expect(t.render("{{ vars['ok'] }}", { ok: 'fine', broken: '{{ nope }}' })).toBe('fine');
  });
});
