// The lab's two OSM hosts as the fleet tests see them: lab (this machine) and lab2 (its own network
// and mount namespaces, scripts/lab/lab2.sh); commands run on either; and digests of what a fleet
// playbook could change on each host and in the PowerDNS zone, to prove a refusal changed nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths } from '../../helpers/lab.js';
import { DOMAIN, ok } from './helpers.js';

export const DNS_PORT = 5300; // inventory/lab.yaml: osm_dns_port
export const HOSTS = { lab: '127.0.0.1', lab2: '10.98.0.2' } as const;
export type Host = keyof typeof HOSTS;
/** Each host's /var/lib/osm-lab as this machine sees it. */
export const STATE_OF: Record<Host, string> = { lab: labPaths.state, lab2: join(labPaths.state, 'lab2', 'state') };

/** argv run on a host: as is on lab, inside lab2's network and mount namespaces on lab2. */
export function on(host: Host, argv: string[]): string[] {
  if (host === 'lab') return argv;
  const pid = readFileSync(join(labPaths.run, 'lab2.pid'), 'utf8').trim();
  return ['nsenter', '-t', pid, '-m', '-n', '--', ...argv];
}

export async function sh(host: Host, script: string): Promise<string> {
  return (await ok(on(host, ['sh', '-c', script]))).stdout;
}

/** A customer's MQTT credentials file on the host it lives on. */
export function credentialsOn(host: Host, name: string): { user: string; password: string; port: number } {
  const text = readFileSync(join(STATE_OF[host], 'credentials', `${name}.txt`), 'utf8');
  const field = (k: string) => new RegExp(`^${k}=(.+)$`, 'm').exec(text)?.[1] ?? '';
  return { user: field('user'), password: field('password'), port: Number(field('port')) };
}

/** What a fleet playbook could change on a host, hashed: customers and their files, staging, final copies, nginx, dnsmasq, hosts, ufw, snapper, credentials, certificates. */
async function hostDigest(host: Host): Promise<string> {
  const s = labPaths.state;
  const reading = await sh(host, [
    `cd ${labPaths.lxcRoot} && for d in containers/* moving/* deleted/*; do [ -e "$d" ] && echo "$d"; done; cat containers/*/osm-customer.json containers/*/lxc.container.conf 2>/dev/null`,
    `cat ${s}/nginx/devtank/customers.stream.d/* ${s}/nginx/devtank/customers.http.d/* 2>/dev/null`,
    'cat /etc/lxc/dnsmasq.conf /etc/lxc/dnsmasq-hosts.conf /etc/hosts 2>/dev/null',
    'ufw show added 2>/dev/null; snapper --no-dbus list-configs 2>/dev/null',
    `ls -l ${s}/credentials ${s}/letsencrypt/live 2>/dev/null; true`,
  ].join('; '));
  return createHash('sha256').update(reading).digest('hex');
}

/** The DNS zone's records as PowerDNS's API has them. */
async function zoneDigest(): Promise<string> {
  const key = readFileSync(join(labPaths.state, 'pdns', 'api-key'), 'utf8').trim();
  const r = await ok(['curl', '-sSf', '-H', `X-API-Key: ${key}`, `http://127.0.0.1:8081/api/v1/servers/localhost/zones/${DOMAIN}.`]);
  return createHash('sha256').update(JSON.stringify(JSON.parse(r.stdout).rrsets)).digest('hex');
}

/** Both hosts' digests and the zone's. */
export async function fleetDigest(): Promise<Record<string, string>> {
  return { lab: await hostDigest('lab'), lab2: await hostDigest('lab2'), zone: await zoneDigest() };
}
