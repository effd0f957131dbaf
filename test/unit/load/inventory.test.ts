import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadError } from '../../../runner/load/errors.js';
import { groupNames, hostVars, loadInventory, playbookVarDirs, registerInventorySource } from '../../../runner/load/inventory.js';

const FIX = join(import.meta.dirname, '../../fixtures/inventory');

function loadErrors(sources: string[], baseDir?: string): string[] {
  try {
    loadInventory(sources, baseDir);
  } catch (e) {
    if (e instanceof LoadError) return e.diagnostics.map((d) => `${d.pos.file.replace(FIX + '/', '')}:${d.pos.line}: ${d.message}`);
    throw e;
  }
  throw new Error('expected a LoadError');
}

describe('INI inventory', () => {
  const inv = loadInventory(['ini/hosts'], FIX);

  it('reads hosts, ranges and groups', () => {
    expect([...inv.hosts.keys()]).toEqual(['standalone', 'web01', 'web02', 'web03', 'web-extra', 'dba.example.com', 'dbb.example.com']);
    expect([...inv.groups.get('web')!.hosts]).toEqual(['web01', 'web02', 'web03', 'web-extra']);
    expect([...inv.groups.get('osm')!.children]).toEqual(['web', 'db']);
    expect([...inv.groups.get('ungrouped')!.hosts]).toEqual(['standalone']);
    expect(inv.groups.has('empty_group')).toBe(true);
    expect(inv.groups.get('all')!.children.has('osm')).toBe(true);
    expect(inv.groups.get('all')!.children.has('web')).toBe(false);
  });

  it('parses inline vars as Python literals, ports as ansible_port', () => {
    expect(inv.hosts.get('web01')!.vars).toEqual({ http_port: 8080 });
    expect(inv.hosts.get('web-extra')!.vars).toEqual({ ansible_user: 'admin', note: 'two words', nums: [1, 2], flag: true, zero: '010', ansible_port: 2222 });
    expect(inv.hosts.get('standalone')!.vars).toEqual({ ansible_host: '10.0.0.5' });
  });

  it('merges group vars: parents before children, then host', () => {
    const v = hostVars(inv, 'web02');
    expect(v).toMatchObject({ site: 'web-site', tier: 'front', retries: 3, quoted: 'a b', http_port: 8080 });
    expect(hostVars(inv, 'dba.example.com')).toMatchObject({ site: 'main', inventory_hostname: 'dba.example.com', inventory_hostname_short: 'dba' });
  });

  it('group_names lists the groups through children, without all', () => {
    expect(groupNames(inv, 'web01')).toEqual(['osm', 'web']);
    expect(groupNames(inv, 'standalone')).toEqual(['ungrouped']);
    expect(hostVars(inv, 'web01').group_names).toEqual(['osm', 'web']);
  });

  it('a host line with a bad token names file and line', () => {
    expect(loadErrors(['ini/bad_host'], FIX)).toEqual(['ini/bad_host:3: expected key=value host variable assignment, got: justaword']);
  });

  it('an empty ansible_host is an error at its line', () => {
    expect(loadErrors(['ini/empty_ansible_host'], FIX)).toEqual(["ini/empty_ansible_host:3: host 'blank' has an empty ansible_host"]);
  });
});

describe('YAML inventory', () => {
  const inv = loadInventory([join(FIX, 'yaml/hosts.yml')]);

  it('reads nested children, host ranges and ports', () => {
    expect([...inv.hosts.keys()]).toEqual(['solo', 'web1', 'web2', 'db1', 'db2']);
    expect(inv.hosts.get('db2')!.vars).toEqual({ ansible_port: 2200 });
    expect(groupNames(inv, 'web1')).toEqual(['osm', 'web']);
    expect(groupNames(inv, 'solo')).toEqual(['ungrouped']);
  });

  it('children override parents, which override all', () => {
    expect(hostVars(inv, 'web1')).toMatchObject({ level: 'web', site: 'all-site', http_port: 8080 });
    expect(hostVars(inv, 'db1')).toMatchObject({ level: 'osm' });
    expect(hostVars(inv, 'solo')).toMatchObject({ level: 'all', ansible_host: '10.0.0.9' });
  });

  it('an empty ansible_host is an error at its line', () => {
    expect(loadErrors(['yaml/empty_host.yml'], FIX)).toEqual(["yaml/empty_host.yml:4: host 'broken' has an empty ansible_host"]);
  });

  it('unknown group keys are errors with lines', () => {
    expect(loadErrors(['yaml/bad_key.yml'], FIX)).toEqual(["yaml/bad_key.yml:2: unknown key 'hostz' in group 'all' (expected hosts, vars or children)"]);
  });
});

describe('inventory directory with group_vars and host_vars', () => {
  const inv = loadInventory([join(FIX, 'dir')]);

  it('reads every inventory file, skipping docs, backups and hidden files', () => {
    expect([...inv.hosts.keys()]).toEqual(['w1', 'w2', 'd1']);
  });

  it('group_vars/ overrides inventory-file vars; host_vars/ overrides groups', () => {
    expect(hostVars(inv, 'w1')).toMatchObject({ site: 'from-group-vars-all', who: 'w1', web_only: true, extra: 1 });
    expect(hostVars(inv, 'w2')).toMatchObject({ who: 'web', ansible_host: '10.0.0.2' });
    expect(hostVars(inv, 'd1')).toMatchObject({ who: 'db' });
  });

  it('a malformed group_vars file is reported with its path and line', () => {
    const errs = loadErrors(['bad/hosts'], FIX);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^bad\/group_vars\/web\.yml:\d+: /);
  });
});

describe('playbook group_vars/host_vars', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'osm-inv-'));
    mkdirSync(join(dir, 'group_vars'));
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(join(dir, 'group_vars', 'all.yml'), 'site: playbook-all\nonly_pb: 1\nwho: playbook-all\n');
    writeFileSync(join(dir, 'group_vars', 'web.yml'), 'who: playbook-web\n');
    writeFileSync(join(dir, 'host_vars', 'w2.yml'), 'who: playbook-w2\n');
    writeFileSync(join(dir, 'host_vars', 'localhost.yml'), 'local_thing: yes\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('playbook dirs override the inventory dirs at each level', () => {
    const inv = loadInventory([join(FIX, 'dir')]);
    playbookVarDirs(inv, dir);
    expect(hostVars(inv, 'w1')).toMatchObject({ site: 'playbook-all', only_pb: 1, who: 'w1' });
    expect(hostVars(inv, 'w2')).toMatchObject({ who: 'playbook-w2' });
    expect(hostVars(inv, 'd1')).toMatchObject({ who: 'db', site: 'playbook-all' });
  });

  it('an inventory group_vars/<group> beats the playbook group_vars/all', () => {
    const inv = loadInventory([join(FIX, 'dir')]);
    playbookVarDirs(inv, dir);
    expect(hostVars(inv, 'd1').who).toBe('db');
  });

  it('implicit localhost gets the local connection and its host_vars', () => {
    const inv = loadInventory(['a,b'], dir);
    playbookVarDirs(inv, dir);
    expect(hostVars(inv, 'localhost')).toMatchObject({ ansible_connection: 'local', local_thing: true, site: 'playbook-all' });
    expect(inv.hosts.has('localhost')).toBe(false);
  });
});

describe('comma lists, missing sources, plugins', () => {
  it('-i a,b, and -i host, are host lists', () => {
    expect([...loadInventory(['a,b,']).hosts.keys()]).toEqual(['a', 'b']);
    expect([...loadInventory(['only.example.com,']).hosts.keys()]).toEqual(['only.example.com']);
    expect(loadInventory(['h1:2222,']).hosts.get('h1')!.vars).toEqual({ ansible_port: 2222 });
  });

  it('a missing inventory file names the path', () => {
    expect(loadErrors(['no/such/hosts'], FIX)[0]).toMatch(/^no\/such\/hosts:1: inventory source 'no\/such\/hosts' not found/);
  });

  it('an explicitly listed localhost keeps its own vars', () => {
    const inv = loadInventory(['localhost,']);
    expect(hostVars(inv, 'localhost').ansible_connection).toBeUndefined();
  });

  it('a plugin source adds hosts and groups', () => {
    registerInventorySource('test_containers', (config, soFar) => {
      const names = Array.from({ length: Number(config.count) }, (_x, i) => `${String(config.prefix)}${i}`);
      return { hosts: { [names[0]]: { seen_before: soFar.hosts.size } }, groups: { containers: { hosts: names, vars: { ansible_connection: 'lxc' } } } };
    });
    const inv = loadInventory(['a,', join(FIX, 'yaml/plugin.yml')]);
    expect([...inv.hosts.keys()]).toEqual(['a', 'ct0', 'ct1']);
    expect(hostVars(inv, 'ct1')).toMatchObject({ ansible_connection: 'lxc' });
    expect(hostVars(inv, 'ct0')).toMatchObject({ seen_before: 1 });
  });

  it('an unknown plugin is an error at its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'osm-inv-'));
    try {
      writeFileSync(join(dir, 'p.yml'), '# c\nplugin: nope\n');
      expect(loadErrors([join(dir, 'p.yml')])[0]).toMatch(/p\.yml:2: unknown inventory plugin 'nope'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
