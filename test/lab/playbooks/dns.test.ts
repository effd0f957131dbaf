// Issue 12: the lab's PowerDNS (scripts/lab-up starts it; inventory/lab.yaml's dns_servers) gets the
// host's A record from setup-host and each customer's four names from create-container (CNAMEs to
// the host's name), which delete-container removes; dig asks the server as a client would. An
// inventory without dns_servers writes no records.
import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ensureLab, labPaths } from '../../helpers/lab.js';
import { dig } from '../../integration/dns/pdns-instance.js';
import { changedTasks, CREDENTIALS_DIR, DOMAIN, LETSENCRYPT_LIVE, play } from './helpers.js';

const STEP_MS = 10 * 60_000;
const PORT = 5300; // inventory/lab.yaml: osm_dns_port
const customer = { name: 'dnsy', port: 18887 };
const NAMES = ['', '-influx', '-chirpstack', '-mqtt'].map((s) => `${customer.name}${s}.${DOMAIN}`);
const tmp = mkdtempSync(join(tmpdir(), 'osm-dns-'));
const args = { customer_name: customer.name, mqtt_port: String(customer.port) };

const answers = (name: string, type = 'A') => dig(PORT, name, type).map((a) => `${a.type} ${a.value}`);

describe('DNS records of the lab host and its customers (issue 12)', () => {
  beforeAll(async () => {
    await ensureLab();
  }, STEP_MS);

  afterAll(async () => {
    await play('delete-container', { customer_name: customer.name, purge: 'true' });
    rmSync(tmp, { recursive: true, force: true });
  }, STEP_MS);

  it('the inventory names the lab PowerDNS and its port', () => {
    const inv = parse(readFileSync(labPaths.inventory, 'utf8')) as { all: { children: { dns_servers: { vars: Record<string, unknown> } } } };
    expect(inv.all.children.dns_servers.vars['osm_dns_port']).toBe(PORT);
  });

  it('setup-host writes the host\'s A record, and changes nothing on a second run', { timeout: STEP_MS }, async () => {
    const setup = await play('setup-host');
    expect(setup.code, setup.output).toBe(0);
    expect(answers(`lab.${DOMAIN}`)).toEqual(['A 127.0.0.1']);
    const again = await play('setup-host');
    expect(changedTasks(again), again.output).toEqual([]);
  });

  it('create-container writes the customer\'s four names as CNAMEs to the host, which dig follows', { timeout: STEP_MS }, async () => {
    const run = await play('create-container', args);
    expect(run.code, run.output).toBe(0);
    for (const n of NAMES) expect(answers(n), n).toEqual([`CNAME lab.${DOMAIN}.`, 'A 127.0.0.1']);
    const again = await play('create-container', args);
    expect(changedTasks(again), again.output).toEqual([]);
  });

  it('delete-container removes the names, and a second delete finds nothing to remove', { timeout: STEP_MS }, async () => {
    const del = await play('delete-container', { customer_name: customer.name, purge: 'true' });
    expect(del.code, del.output).toBe(0);
    for (const n of NAMES) expect(answers(n, 'ANY'), n).toEqual([]);
    expect(answers(`lab.${DOMAIN}`)).toEqual(['A 127.0.0.1']);
  });

  it('an inventory without dns_servers writes no records (the DNS tasks are skipped)', { timeout: STEP_MS }, async () => {
    const inv = parse(readFileSync(labPaths.inventory, 'utf8')) as { all: { children: Record<string, unknown> } };
    delete inv.all.children['dns_servers'];
    const file = join(tmp, 'no-dns.yaml');
    writeFileSync(file, stringify(inv));
    for (const [pb, task] of [['setup-host', "The host's name in DNS"], ['create-container', "The customer's names in DNS point at this host"]] as const) {
      const check = await play(pb, args, ['--check'], file);
      expect(check.code, check.output).toBe(0);
      const dns = check.results.filter((r) => r.task === task);
      expect(dns.map((r) => r.status), check.output).toEqual(['skipped']);
      expect(check.output).not.toContain('labdns');
    }
  });
});

// Issue 17: a customer created with -e domain= keeps that domain in its record, so every later run
// (re-create, delete, restart, rebase, status) uses it; delete used to remove osm_domain's names and
// certificate and leave the customer's own.
describe('a customer created with its own domain', () => {
  const own = { name: 'owndom', port: 18895, domain: `cust.${DOMAIN}` };
  const ownNames = ['', '-influx', '-chirpstack', '-mqtt'].map((x) => `${own.name}${x}.${own.domain}`);
  const ownArgs = { customer_name: own.name, mqtt_port: String(own.port), domain: own.domain };
  const letsencrypt = join(LETSENCRYPT_LIVE, '..');
  const leftovers = () => [
    ...['live', 'archive', 'renewal'].flatMap((d) => (existsSync(join(letsencrypt, d)) ? readdirSync(join(letsencrypt, d)) : []).filter((f) => f.startsWith(`${own.name}.`)).map((f) => `${d}/${f}`)),
    ...[`/var/lib/osm-lab/nginx/devtank/customers.stream.d/${own.name}.conf`, `/var/lib/osm-lab/nginx/devtank/customers.http.d/${own.name}.conf`, join(CREDENTIALS_DIR, `${own.name}.txt`), `/srv/osm-lxc/lxc/containers/${own.name}-svr`].filter((f) => existsSync(f)),
    ...ownNames.filter((n) => answers(n, 'ANY').length > 0),
  ];

  beforeAll(async () => {
    await ensureLab();
  }, STEP_MS);

  afterAll(async () => {
    await play('delete-container', { customer_name: own.name, purge: 'true' });
  }, STEP_MS);

  it('create uses the domain for names, certificate and DNS, and records it', { timeout: STEP_MS }, async () => {
    const run = await play('create-container', ownArgs);
    expect(run.code, run.output).toBe(0);
    for (const n of ownNames) expect(answers(n), n).toEqual([`CNAME lab.${DOMAIN}.`, 'A 127.0.0.1']);
    expect(existsSync(join(LETSENCRYPT_LIVE, `${own.name}.${own.domain}`, 'fullchain.pem'))).toBe(true);
    const record = JSON.parse(readFileSync(`/srv/osm-lxc/lxc/containers/${own.name}-svr/osm-customer.json`, 'utf8')) as Record<string, unknown>;
    expect(record['domain']).toBe(own.domain);
  });

  it('a re-run without -e domain keeps the recorded one and changes nothing; another domain is refused', { timeout: STEP_MS }, async () => {
    const again = await play('create-container', { customer_name: own.name, mqtt_port: String(own.port) });
    expect(again.code, again.output).toBe(0);
    expect(changedTasks(again), again.output).toEqual([]);
    const other = await play('create-container', { ...ownArgs, domain: DOMAIN });
    expect(other.code, other.output).not.toBe(0);
    expect(other.output).toContain(`domain: ${own.name} exists with domain ${own.domain}; delete it first to use ${DOMAIN}`);
  });

  it('a domain outside the DNS zone is refused before anything is made', { timeout: STEP_MS }, async () => {
    const outside = await play('create-container', { customer_name: 'outzone', mqtt_port: '18896', domain: 'example.org' });
    expect(outside.code, outside.output).not.toBe(0);
    expect(outside.output).toContain(`domain: example.org is not in the DNS zone ${DOMAIN} that labdns serves`);
    expect(existsSync('/srv/osm-lxc/lxc/containers/outzone-svr')).toBe(false);
  });

  it('delete leaves nothing of it: certificate, names, nginx files, credentials, container', { timeout: STEP_MS }, async () => {
    const del = await play('delete-container', { customer_name: own.name, purge: 'true' });
    expect(del.code, del.output).toBe(0);
    expect(leftovers()).toEqual([]);
  });
});
