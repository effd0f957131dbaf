// provision-container.yaml's checks of osm_customer_stack: the parts it knows, the programs it looks
// for in the container's OS base before a part's secrets are made, and the role of each part.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = join(import.meta.dirname, '../../..');
const defaults = parse(readFileSync(join(REPO, 'playbooks/roles/osm_defaults/defaults/main.yaml'), 'utf8')) as Record<string, unknown>;
const provision = readFileSync(join(REPO, 'playbooks/tasks/provision-container.yaml'), 'utf8');
const ROLE_OF: Record<string, string> = { postgres: 'osm_customer_postgres', redis: 'osm_customer_redis', influxdb: 'osm_customer_influxdb', chirpstack: 'osm_customer_chirpstack', grafana: 'osm_customer_grafana' };

describe("the application stack's parts", () => {
  const programs = defaults['osm_customer_stack_programs'] as Record<string, { path: string; what: string; package: string }>;
  const known = /difference\((\[[^\]]*\])\)/.exec(provision)?.[1];

  it('are the same in the defaults, the check of known parts and the roles', () => {
    expect(Object.keys(programs).sort()).toEqual(Object.keys(ROLE_OF).sort());
    expect((parse(known ?? '[]') as string[]).sort()).toEqual(Object.keys(ROLE_OF).sort());
    for (const [part, role] of Object.entries(ROLE_OF)) {
      expect(existsSync(join(REPO, 'playbooks/roles', role, 'tasks/main.yaml')), role).toBe(true);
      expect(provision, part).toContain(`when: "'${part}' in osm_customer_stack"\n      import_role:\n        name: ${role}`);
    }
  });

  it('each name an absolute path its Debian or vendor package installs, and the package to put in osm_base_packages', () => {
    for (const [part, p] of Object.entries(programs)) {
      expect(p.path, part).toMatch(/^\/(usr|etc)\//);
      expect(p.package, part).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
      expect(p.what, part).not.toBe('');
    }
  });

  it('are checked in the base before the credentials file gets a part\'s secrets', () => {
    const check = provision.indexOf('- name: Refuse a part whose programs the OS base lacks');
    const secrets = provision.indexOf("- name: The customer's credentials");
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(secrets);
  });
});
