// Every OSM playbook under --limit on a two-host inventory (the lab's, with a second OSM host lab2
// that nothing may contact): each play reaches the limited host and only it, and no play waits for
// hosts that add_host makes (those fall outside any --limit, as in Ansible). The lab test
// test/lab/playbooks/limit.test.ts runs create-container --limit lab for real.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { playbookTasks } from '../../helpers/playbook-tasks.js';
import { REPO, runCli } from './run-cli.js';

const T = 300_000;
const PLAYBOOKS = readdirSync(join(REPO, 'playbooks')).filter((f) => f.endsWith('.yaml')).sort();
// Values for every playbook's required params (extra vars a playbook does not declare are ignored).
const PARAMS = ['-e', 'customer_name=acme', '-e', 'mqtt_port=8883', '-e', 'snapshot=latest', '-e', 'to=lab'];
// add-host and retire-host name their host (other playbooks would read osm_host as a choice of theirs).
const paramsOf = (pb: string): string[] => (['add-host.yaml', 'retire-host.yaml'].includes(pb) ? [...PARAMS, '-e', 'osm_host=lab'] : PARAMS);
// An OSM host play: osm_hosts, or setup-host's one-host pattern (osm_hosts:&HOST).
const isOsmPlay = (p: ListedPlay): boolean => p.pattern === 'osm_hosts' || p.pattern.startsWith('osm_hosts:&');
// Playbooks with no OSM host play: fleet-status reads the fleet and retire-host retires one, from localhost.
const LOCAL_ONLY = ['fleet-status.yaml', 'retire-host.yaml'];

let dir: string;
let inv: string;

/** inventory/lab.yaml with a second OSM host on a port where nothing listens. */
function twoHostInventory(): string {
  const lab = parse(readFileSync(join(REPO, 'inventory/lab.yaml'), 'utf8')) as { all: { children: { osm_hosts: { hosts: Record<string, unknown> } } } };
  lab.all.children.osm_hosts.hosts['lab2'] = { ansible_host: '127.0.0.1', ansible_port: 1, osm_host_name: 'lab2' };
  return stringify(lab);
}

interface ListedPlay {
  pattern: string;
  hosts: string[];
}

/** The plays of a --list-hosts output: each one's pattern and hosts. */
function listedPlays(stdout: string): ListedPlay[] {
  const plays: ListedPlay[] = [];
  for (const block of stdout.split(/\n(?=\s*play #\d+)/).filter((b) => /^\s*play #/.test(b))) {
    const pattern = /play #\d+ \(([^)]*)\)/.exec(block)![1]!;
    const hosts = (block.split(/hosts \(\d+\):/)[1] ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    plays.push({ pattern, hosts });
  }
  return plays;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'osm-limit-'));
  inv = join(dir, 'inventory.yaml');
  writeFileSync(inv, twoHostInventory());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the OSM playbooks under --limit on two OSM hosts', () => {
  it('lists every playbook', () => {
    expect(PLAYBOOKS).toEqual(expect.arrayContaining(['create-container.yaml', 'delete-container.yaml', 'setup-host.yaml', 'backup.yaml', 'status.yaml']));
  });

  it.each(PLAYBOOKS)('%s: every play targets hosts of the inventory itself, none only hosts add_host makes', async (pb) => {
    const r = await runCli(['-i', inv, join(REPO, 'playbooks', pb), ...paramsOf(pb), '--list-hosts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plays = listedPlays(r.stdout);
    expect(plays.length).toBeGreaterThan(0);
    for (const p of plays) expect(p.hosts, `play for '${p.pattern}'`).not.toEqual([]);
  }, T);

  it.each(PLAYBOOKS)('%s --limit lab: the OSM host plays run on lab alone', async (pb) => {
    const r = await runCli(['-i', inv, join(REPO, 'playbooks', pb), ...paramsOf(pb), '--limit', 'lab', '--list-hosts']);
    expect(r.code).toBe(0);
    const plays = listedPlays(r.stdout);
    expect(r.stdout).not.toContain('lab2');
    const osm = plays.filter(isOsmPlay);
    if (!LOCAL_ONLY.includes(pb)) expect(osm.length).toBeGreaterThan(0);
    for (const p of osm) expect(p.hosts).toEqual(['lab']);
    // Every other play is for the backup or the monitoring host, which --limit lab leaves out by the
    // operator's choice, or the fleet playbooks' look across the fleet (localhost): without it their
    // OSM host play fails the run, saying why (test/lab/playbooks/fleet.test.ts).
    for (const p of plays.filter((q) => !isOsmPlay(q))) {
      expect(['backup_hosts', 'monitoring', 'localhost']).toContain(p.pattern);
      expect(p.hosts).toEqual([]);
    }
  }, T);

  it('create-container --limit lab provisions the broker from the host\'s own play (one play, delegated)', async () => {
    const pb = join(REPO, 'playbooks/create-container.yaml');
    const r = await runCli(['-i', inv, pb, ...PARAMS, '--limit', 'lab', '--list-tasks']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/play #/g)).toHaveLength(1);
    for (const t of ['Broker settings', 'Broker ACL', 'Broker users', 'The broker runs with these settings', 'The customer is served']) expect(r.stdout).toContain(`      ${t}\t`);
    // The broker tasks go to the container through delegate_to, never through a play of their own.
    const tasks = playbookTasks(pb)[0]!;
    const broker = tasks.filter((t) => String(t.name).startsWith('Broker') || t.name === 'The broker runs with these settings');
    expect(broker).toHaveLength(4);
    for (const t of broker) expect(t.delegate_to).toBe('{{ container }}');
  }, T);

  it('a --limit naming no host of the inventory runs nothing and exits 1', async () => {
    const r = await runCli(['-i', inv, join(REPO, 'playbooks/create-container.yaml'), ...PARAMS, '--limit', 'lab3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--limit lab3 matches no host of the inventory');
  }, T);
});
