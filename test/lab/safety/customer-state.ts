// One customer's state on the lab host, read from the host itself: everything create-container makes
// for it and everything delete-container leaves (the final copies). Values that differ per incarnation
// (passwords, TLS keys, serials and dates, subvolume uuids, snapshot dates) are replaced by their shape,
// so two healthy runs compare equal with toEqual and a failed comparison shows which part moved.
// Only this customer's own traces: other lab tests may change the host meanwhile.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labPaths, runArgv } from '../../helpers/lab.js';
import { CREDENTIALS_DIR, DOMAIN, LETSENCRYPT_LIVE, mqttRoundTrip, pebbleRoot, readCredentials } from '../playbooks/helpers.js';
import {
  MISSING,
  commandOutput,
  entries,
  fileOrMissing,
  fileWithMode,
  linesWith,
  lxcState,
  maskUuids,
  modeOwner,
  secretShape,
  subvolume,
  ufwRules,
} from './customer-state-parts.js';

const LETSENCRYPT = join(LETSENCRYPT_LIVE, '..');
const SELFSIGNED_DIR = '/var/lib/osm-lab/certs';
const SNAPPER_CONFIGS = '/etc/snapper/configs';

/** The credentials file: mode, owner and its `key=value` lines, each secret (`password`, `<what>_password`, `_token`, `_secret`) as its shape only. */
function credentials(customer: string): Record<string, string> | string {
  const file = join(CREDENTIALS_DIR, `${customer}.txt`);
  if (!existsSync(file)) return MISSING;
  const out: Record<string, string> = { mode: modeOwner(file) };
  for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    const m = /^([a-z][a-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) out[m[1]] = /(^|_)(password|token|secret)$/.test(m[1]) ? secretShape(m[2] ?? '') : (m[2] ?? '');
    else if (line !== '') out[`line ${i + 1}`] = line;
  }
  return out;
}

/** SANs of a certificate file (sorted), or what went wrong reading it. */
async function sans(certFile: string): Promise<string[] | string> {
  if (!existsSync(certFile)) return MISSING;
  const out = await commandOutput(['openssl', 'x509', '-in', certFile, '-noout', '-ext', 'subjectAltName']);
  if (out.startsWith('<exit')) return out;
  return [...out.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1] ?? '').sort();
}

/** Whether the private key belongs to the certificate (a half-replaced pair would not). */
async function keyMatches(certFile: string, keyFile: string): Promise<string> {
  if (!existsSync(certFile) || !existsSync(keyFile)) return MISSING;
  const fromCert = await commandOutput(['openssl', 'x509', '-in', certFile, '-noout', '-pubkey']);
  const fromKey = await commandOutput(['openssl', 'pkey', '-in', keyFile, '-pubout']);
  return fromCert === fromKey && !fromCert.startsWith('<exit') ? 'key matches certificate' : `key does not match: ${fromCert} / ${fromKey}`;
}

/** The certificate of the customer's names: certbot's lineage (the lab) or the self-signed files. */
async function certificate(customer: string): Promise<Record<string, unknown>> {
  const name = `${customer}.${DOMAIN}`;
  const live = join(LETSENCRYPT_LIVE, name);
  const self = join(SELFSIGNED_DIR, name);
  return {
    liveFiles: entries(live),
    archiveFiles: entries(join(LETSENCRYPT, 'archive', name)),
    renewalConf: existsSync(join(LETSENCRYPT, 'renewal', `${name}.conf`)) ? 'present' : MISSING,
    sans: await sans(join(live, 'fullchain.pem')),
    keyPair: await keyMatches(join(live, 'cert.pem'), join(live, 'privkey.pem')),
    selfSignedFiles: entries(self),
    selfSignedSans: await sans(join(self, 'fullchain.pem')),
  };
}

/** The snapper config file (uuids masked), whether snapper lists it, and its snapshots without dates. */
async function snapper(container: string): Promise<Record<string, unknown>> {
  const file = join(SNAPPER_CONFIGS, container);
  const listed = linesWith('/etc/default/snapper', 'SNAPPER_CONFIGS').some((l) => new RegExp(`["\\s]${container}["\\s]`).test(l));
  const snapshots = existsSync(file)
    ? (await commandOutput(['snapper', '--no-dbus', '-c', container, '--csvout', 'list', '--columns', 'number,type,cleanup,description'])).split('\n').filter(Boolean)
    : [];
  return { config: existsSync(file) ? maskUuids(fileWithMode(file)) : MISSING, inSnapperConfigs: listed, snapshots };
}

/** Runs argv in the container; '<exit N: ...>' when it fails. */
function attached(container: string, argv: string[]): Promise<string> {
  return commandOutput(['lxc-attach', '-n', container, '--clear-env', '--', ...argv]);
}

/** The broker files create-container writes inside the container, read through lxc-attach. */
async function broker(container: string, running: boolean): Promise<Record<string, unknown> | string> {
  if (!running) return '<container not running>';
  const confFiles = (await attached(container, ['find', '/etc/mosquitto/conf.d', '-type', 'f'])).split('\n').filter(Boolean).sort();
  const conf: Record<string, string> = {};
  for (const f of confFiles) conf[f] = await attached(container, ['cat', f]);
  const passwdMode = await attached(container, ['stat', '-c', '%a %U:%G', '/etc/mosquitto/osm.passwd']);
  const passwd = await attached(container, ['cut', '-d:', '-f1', '/etc/mosquitto/osm.passwd']);
  return {
    conf,
    acl: await attached(container, ['cat', '/etc/mosquitto/osm.acl']),
    passwdMode: passwdMode.trim(),
    passwdUsers: passwd.startsWith('<exit') ? passwd : passwd.split('\n').filter(Boolean).sort(),
  };
}

/** The final copies delete-container kept for this customer under deleted/: names, flags, top files. */
async function finalCopies(container: string): Promise<Record<string, unknown>> {
  const names = existsSync(labPaths.deleted) ? entries(labPaths.deleted).filter((n) => n.startsWith(`${container}-`)) : [];
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const dir = join(labPaths.deleted, n.replace(/\/$/, ''));
    out[maskUuids(n)] = {
      subvolume: await subvolume(dir),
      entries: entries(dir),
      record: fileOrMissing(join(dir, 'osm-customer.json')),
    };
  }
  return { count: names.length, copies: out };
}

/** The dhcp-host line's MAC, to find the container's lease. */
function macOf(lines: string[]): string | undefined {
  return /([0-9a-f]{2}(?::[0-9a-f]{2}){5})/i.exec(lines.join('\n'))?.[1];
}

/**
 * Everything create-container makes for one customer on the lab host (see the file comment). A
 * customer with no trace gives a state where every part says '<missing>' or is empty.
 */
export async function customerState(customer: string, mqttPort: number): Promise<Record<string, unknown>> {
  const container = `${customer}-svr`;
  const dir = join(labPaths.containers, container);
  const dnsmasq = linesWith(labPaths.dnsmasqConf, container);
  const mac = macOf(dnsmasq);
  const state = await lxcState(container);
  return {
    nginxStream: fileWithMode(join(labPaths.nginxStreamDir, `${customer}.conf`)),
    nginxHttp: fileWithMode(join(labPaths.nginxHttpDir, `${customer}.conf`)),
    // Temp files beside the customer's own files (`.NAME.osm-play-...`) are a half-done write.
    nginxStrays: [...entries(labPaths.nginxStreamDir), ...entries(labPaths.nginxHttpDir)].filter((n) => n.startsWith(`.${customer}.`)),
    dnsmasqConf: dnsmasq,
    dnsmasqHostsFile: mac ? linesWith(labPaths.dnsmasqHostsFile, mac) : [],
    // Not the expiry (renewals move it): who holds which address.
    leases: linesWith(labPaths.dnsmasqLeases, container).map((l) => l.split(' ').slice(1, 3).join(' ')),
    etcHosts: linesWith('/etc/hosts', container),
    ufw: await ufwRules([`osm customer ${customer}'`, ` ${mqttPort}/`, ` ${mqttPort} `]),
    containerDir: { subvolume: await subvolume(dir), entries: entries(dir) },
    customerRecord: fileWithMode(join(dir, 'osm-customer.json')),
    lxcConfig: fileWithMode(join(dir, 'lxc.container.conf')),
    lxcLog: existsSync(join(labPaths.lxcLogs, `${container}.log`)) ? 'present' : MISSING,
    lxcState: state,
    snapper: await snapper(container),
    credentials: credentials(customer),
    credentialStrays: entries(CREDENTIALS_DIR).filter((n) => n.startsWith(`.${customer}.`)),
    certificate: await certificate(customer),
    broker: existsSync(dir) || state !== MISSING ? await broker(container, state === 'RUNNING') : MISSING,
    deleted: await finalCopies(container),
  };
}

/**
 * Throws (with what it saw) unless MQTT over TLS through the lab nginx on mqttPort reaches the
 * customer's own broker with the credentials file's user and password. Retries for a while: the
 * broker restarts with its settings and the container with its run.
 */
export async function expectCustomerServed(customer: string, mqttPort: number): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'osm-served-'));
  const name = `${customer}-mqtt.${DOMAIN}`;
  try {
    const cafile = join(tmp, 'pebble-root.pem');
    const hostsFile = join(tmp, 'hosts');
    await pebbleRoot(cafile);
    writeFileSync(hostsFile, `127.0.0.1 ${name}\n`);
    const { user, password } = readCredentials(customer);
    const payload = `served ${customer} ${Date.now()}`;
    let last = '';
    for (let attempt = 0; attempt < 10; attempt++) {
      const { pub, sub } = await mqttRoundTrip({ name, port: mqttPort, cafile, hostsFile }, user, password, `osm-served/${customer}`, payload);
      if (pub.exitCode === 0 && sub?.exitCode === 0 && sub.stdout.trim() === payload) return;
      last = `pub exit ${pub.exitCode}: ${pub.stderr.trim()}; sub ${sub ? `exit ${sub.exitCode}: ${sub.stdout.trim()} ${sub.stderr.trim()}` : 'not run'}`;
      await new Promise((r) => setTimeout(r, 1500));
    }
    const listening = await runArgv(['ss', '-ltnH', `sport = :${mqttPort}`]);
    throw new Error(`MQTT over TLS to ${name}:${mqttPort} as ${user} failed: ${last}\nlisteners on ${mqttPort}: ${listening.stdout.trim() || 'none'}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
