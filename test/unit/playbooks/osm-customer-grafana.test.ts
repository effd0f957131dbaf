// The osm_customer_grafana role: its two templates rendered as the template module renders them (the
// project's Jinja2 templater), read back by real parsers of their formats (`ini`, `yaml`) and checked
// against the settings Grafana 11.3 documents; and the role's tasks loaded and validated against the
// built-in modules, as --syntax-check does.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseIni } from 'ini';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadModuleRegistry, playbookNodes } from '../../../runner/load/modules.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import { validatePlaybook } from '../../../runner/load/validate.js';
import { createTemplater } from '../../../runner/template/index.js';
import type { Node, TaskNode } from '../../../runner/types.js';
import { writeTree } from '../load/fixture.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROLE = join(REPO, 'playbooks/roles/osm_customer_grafana');
const TOKEN = 'r3ad-T0ken_"quoted": #not-a-comment==';

function render(template: string, overrides: Record<string, unknown> = {}): string {
  const defaults = parseYaml(readFileSync(join(ROLE, 'defaults/main.yaml'), 'utf8')) as Record<string, unknown>;
  return createTemplater().renderFile(join(ROLE, 'templates', template), {
    ansible_managed: 'Ansible managed',
    customer_name: 'acme',
    container: 'acme-svr',
    customer_domain: 'example.com',
    osm_influxdb_read_token: TOKEN, mqtt_secret: { values: { grafana_admin_password: 'not-in-these-files' } },
    ...defaults,
    ...overrides,
  });
}

type Section = Record<string, unknown>;

describe('grafana.ini', () => {
  // Keys and meanings: https://grafana.com/docs/grafana/v11.3/setup-grafana/configure-grafana/
  const text = render('grafana.ini.j2');
  const ini = parseIni(text) as Record<string, Section>;

  it('[server]: every address, port 3000, and the public https name nginx serves it at', () => {
    expect(ini.server).toEqual({
      http_addr: '',
      http_port: '3000',
      domain: 'acme.example.com',
      root_url: 'https://acme.example.com/',
      serve_from_sub_path: false,
      enforce_domain: false,
    });
  });

  it('[security]: Grafana makes the admin, cookies only over https', () => {
    expect(ini.security).toEqual({ admin_user: 'admin', disable_initial_admin_creation: false, cookie_secure: true });
  });

  it('[users], [auth.anonymous], [analytics]: no sign-up, new users view, no anonymous access, nothing sent out', () => {
    expect(ini.users).toEqual({ allow_sign_up: false, auto_assign_org_role: 'Viewer' });
    // The `ini` package nests dotted section names; Grafana (go-ini) reads [auth.anonymous] as one name.
    expect(ini.auth).toEqual({ anonymous: { enabled: false } });
    expect(ini.analytics).toEqual({ reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false });
    expect(Object.keys(ini).sort()).toEqual(['analytics', 'auth', 'security', 'server', 'users']);
  });

  it('holds no secret and sets each key once', () => {
    expect(text).not.toContain('not-in-these-files');
    expect(text).not.toContain(TOKEN);
    const keys = text.split('\n').filter((l) => /^\s*(\[|[a-z_]+\s*=)/.test(l)).map((l) => l.replace(/\s*=.*/, '').trim());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('follows the customer and domain it is rendered for', () => {
    const other = parseIni(render('grafana.ini.j2', { customer_name: 'beta', customer_domain: 'osm.example.org' })) as Record<string, Section>;
    expect(other.server).toMatchObject({ domain: 'beta.osm.example.org', root_url: 'https://beta.osm.example.org/' });
  });
});

describe('datasource.yaml', () => {
  // https://grafana.com/docs/grafana/v11.3/administration/provisioning/#data-sources and the InfluxDB
  // data source's provisioning example for Flux: https://grafana.com/docs/grafana/v11.3/datasources/influxdb/
  const doc = parseYaml(render('datasource.yaml.j2')) as { apiVersion: number; datasources: Record<string, unknown>[] };

  it('provisions one InfluxDB datasource in Flux mode, the default, not editable in the UI', () => {
    expect(doc.apiVersion).toBe(1);
    expect(doc.datasources).toEqual([
      {
        name: 'InfluxDB',
        uid: 'osm-influxdb',
        type: 'influxdb',
        access: 'proxy',
        orgId: 1,
        url: 'http://127.0.0.1:8086',
        isDefault: true,
        editable: false,
        jsonData: { version: 'Flux', organization: 'acme', defaultBucket: 'osm' },
        secureJsonData: { token: TOKEN },
      },
    ]);
  });

  it('keeps any token and bucket intact (quoted, not read as YAML)', () => {
    const odd = parseYaml(render('datasource.yaml.j2', { osm_influxdb_bucket: 'yes', osm_influxdb_read_token: "a: b\n- c 'd' \\e" })) as typeof doc;
    expect(odd.datasources[0]).toMatchObject({ jsonData: { defaultBucket: 'yes' }, secureJsonData: { token: "a: b\n- c 'd' \\e" } });
  });
});

describe('osm_customer_grafana tasks', () => {
  const tasksOf = (nodes: Node[]): TaskNode[] => nodes.flatMap((n) => (n.kind === 'task' ? [n] : 'block' in n ? tasksOf(n.block as Node[]) : []));

  async function loadRole() {
    const dir = writeTree({ 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - import_role: {name: osm_customer_grafana}\n' });
    const pb = await loadPlaybook(join(dir, 'site.yml'), { rolesPath: [join(REPO, 'playbooks/roles')] });
    const registry = await loadModuleRegistry({ playbookDirs: [], packages: [], onlyFor: playbookNodes(pb) });
    return { pb, diags: validatePlaybook(pb, registry), tasks: tasksOf(playbookNodes(pb)) };
  }

  it('load and validate against the built-in modules', async () => {
    const { diags, tasks } = await loadRole();
    expect(diags).toEqual([]);
    expect(tasks.map((t) => t.module)).toEqual(['template', 'template', 'service_settings', 'service', 'uri', 'grafana_user', 'grafana_user']);
  });

  it('install both files, the token file unlogged and for grafana only, and restart Grafana when either changes', async () => {
    const { tasks } = await loadRole();
    const templates = tasks.filter((t) => t.module === 'template');
    expect(templates.map((t) => t.args)).toEqual([
      { src: 'grafana.ini.j2', dest: '/etc/grafana/grafana.ini', owner: 'root', group: 'grafana', mode: '0640' },
      { src: 'datasource.yaml.j2', dest: '/etc/grafana/provisioning/datasources/osm-influxdb.yaml', owner: 'root', group: 'grafana', mode: '0640' },
    ]);
    expect(templates[1]?.noLog).toBe(true);
    const settings = tasks.find((t) => t.module === 'service_settings');
    expect(settings?.args).toEqual({ name: 'grafana-server', files: templates.map((t) => t.args.dest) });
  });

  it('wait for Grafana, then keep the admin and the viewer with the passwords of the credentials file', async () => {
    const { tasks } = await loadRole();
    const health = tasks.find((t) => t.module === 'uri');
    expect(health?.args).toMatchObject({ url: 'http://127.0.0.1:3000/api/health' });
    expect(health?.until).toBeDefined();
    const users = tasks.filter((t) => t.module === 'grafana_user').map((t) => t.args);
    expect(users).toEqual([
      { admin_password: '{{ mqtt_secret.values.grafana_admin_password }}', login: 'admin' },
      { admin_password: '{{ mqtt_secret.values.grafana_admin_password }}', login: 'viewer', password: '{{ mqtt_secret.values.grafana_viewer_password }}', role: 'Viewer' },
    ]);
  });
});
