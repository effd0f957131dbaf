// tls_certificate: acme through certbot against the lab pebble (every challenge passes there), and
// selfsigned with a local CA. certbot's dirs live in a temp dir, so /etc/letsencrypt is untouched.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import { freePort } from '../../helpers/sshd.js';
import tlsCertificate from '../../../modules/tls_certificate.js';
import { run } from './lab-host.js';

const dir = mkdtempSync(join(tmpdir(), 't5b-tls-'));
let acme: Record<string, unknown> = {};

beforeAll(async () => {
  await ensureLab();
  acme = {
    provider: 'acme',
    domains: ['t5b-acme.lab.example', 't5b-acme-mqtt.lab.example'],
    acme_server: 'https://127.0.0.1:14000/dir',
    ca_bundle: '/var/lib/osm-lab/pebble/ca.crt',
    http_01_port: await freePort(),
    config_dir: join(dir, 'le/config'),
    work_dir: join(dir, 'le/work'),
    logs_dir: join(dir, 'le/logs'),
  };
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Files named `name` anywhere under root. */
function findFiles(root: string, name: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(`/${name}`)).map((f) => join(root, f));
}

/** How many times certbot ran with the test's logs dir (Debian's cli.ini keeps one log that runs append to). */
const certbotRuns = () => readFileSync(join(dir, 'le/logs/letsencrypt.log'), 'utf8').split(':certbot version: ').length - 1;

const sans = (path: string) => execFileSync('openssl', ['x509', '-in', path, '-noout', '-ext', 'subjectAltName']).toString();

describe('tls_certificate acme (lab pebble)', () => {
  const live = () => join(dir, 'le/config/live/t5b-acme.lab.example');

  it('issues (changed) with paths registered, then again is ok', async () => {
    const r = await run(tlsCertificate, acme);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.data.fullchain).toBe(join(live(), 'fullchain.pem'));
    expect(r.data.key).toBe(join(live(), 'privkey.pem'));
    expect(sans(join(live(), 'fullchain.pem'))).toContain('DNS:t5b-acme.lab.example, DNS:t5b-acme-mqtt.lab.example');
    expect(readFileSync(join(live(), 'fullchain.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    const again = await run(tlsCertificate, acme);
    expect(again.status).toBe('ok');
  });

  it('check mode on a changed name list reports it and alters nothing', async () => {
    const before = readFileSync(join(live(), 'fullchain.pem'), 'utf8');
    const r = await run(tlsCertificate, { ...acme, domains: ['t5b-acme.lab.example'] }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.changes[0]?.summary).toContain('names differ');
    expect(readFileSync(join(live(), 'fullchain.pem'), 'utf8')).toBe(before);
  });

  it('renews when it expires within renew_before_days (pebble certs last 5 years)', async () => {
    const before = readFileSync(join(live(), 'fullchain.pem'), 'utf8');
    const r = await run(tlsCertificate, { ...acme, renew_before_days: 3000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(readFileSync(join(live(), 'fullchain.pem'), 'utf8')).not.toBe(before);
  });

  it('standalone on a port the lab nginx holds fails naming it, before certbot runs', async () => {
    const r = await run(tlsCertificate, { ...acme, domains: ['t5b-busy.lab.example'], http_01_port: 443 });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/http_01_port 443 is held by nginx\/\d+/);
    expect(existsSync(join(dir, 'le/config/live/t5b-busy.lab.example'))).toBe(false);
  });

  it('an account the CA does not know fails naming the ACME error, with no retry', async () => {
    const regr = findFiles(join(dir, 'le/config/accounts'), 'regr.json')[0]!;
    const saved = readFileSync(regr, 'utf8');
    const runsBefore = certbotRuns();
    writeFileSync(regr, saved.replace(/my-account\/[^"]+/, 'my-account/00000000deadbeef'));
    try {
      const r = await run(tlsCertificate, { ...acme, domains: ['t5b-lost-account.lab.example'] });
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/the ACME server refused: urn:ietf:params:acme:error:accountDoesNotExist/);
      expect(certbotRuns()).toBe(runsBefore + 1);
    } finally {
      writeFileSync(regr, saved);
    }
  });

  it('with two accounts for the server (two first issues at once) it uses the oldest, where certbot alone would ask', async () => {
    const meta = findFiles(join(dir, 'le/config/accounts'), 'meta.json')[0]!;
    const oldest = dirname(meta);
    const second = join(dirname(oldest), 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0');
    cpSync(oldest, second, { recursive: true });
    writeFileSync(join(second, 'meta.json'), JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), creation_dt: '2099-01-01T00:00:00Z' }));
    try {
      const r = await run(tlsCertificate, { ...acme, domains: ['t5b-two-accounts.lab.example'] });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe('changed');
      const renewal = readFileSync(join(dir, 'le/config/renewal/t5b-two-accounts.lab.example.conf'), 'utf8');
      expect(renewal).toMatch(new RegExp(`^account = ${basename(oldest)}$`, 'm'));
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });

  it('absent deletes the lineage; again is ok', async () => {
    expect((await run(tlsCertificate, { ...acme, state: 'absent' })).status).toBe('changed');
    expect(existsSync(live())).toBe(false);
    expect(existsSync(join(dir, 'le/config/renewal/t5b-acme.lab.example.conf'))).toBe(false);
    expect((await run(tlsCertificate, { ...acme, state: 'absent' })).status).toBe('ok');
  });
});

describe('tls_certificate selfsigned (local CA)', () => {
  const ss = () => ({
    provider: 'selfsigned',
    domains: ['t5b-self.lab.example', '127.0.0.1'],
    cert_dir: join(dir, 'certs'),
    ca_key: join(dir, 'ca/ca.key'),
    ca_cert: join(dir, 'ca/ca.crt'),
    ca_name: 't5b test CA',
  });

  it('creates the CA and a signed cert (changed), then again is ok', async () => {
    const r = await run(tlsCertificate, ss());
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.changes.map((c) => c.action)).toEqual(['create', 'issue']);
    const cert = join(dir, 'certs/t5b-self.lab.example/cert.pem');
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca/ca.crt'), cert]).toString()).toContain(': OK');
    expect(sans(cert)).toContain('DNS:t5b-self.lab.example, IP Address:127.0.0.1');
    expect((await run(tlsCertificate, ss())).status).toBe('ok');
  });

  it('a new CA makes the cert be reissued; absent removes the files', async () => {
    rmSync(join(dir, 'ca'), { recursive: true });
    const r = await run(tlsCertificate, ss());
    expect(r.changes.map((c) => c.action)).toEqual(['create', 'renew']);
    expect((await run(tlsCertificate, ss())).status).toBe('ok');
    expect((await run(tlsCertificate, { ...ss(), state: 'absent' })).status).toBe('changed');
    expect(existsSync(join(dir, 'certs/t5b-self.lab.example/fullchain.pem'))).toBe(false);
  });
});

describe('the lab after pebble restarts (its accounts live in memory only)', () => {
  const labLe = '/var/lib/osm-lab/letsencrypt';
  const inLab = (domain: string) => ({
    ...acme,
    domains: [domain],
    config_dir: labLe,
    work_dir: join(labLe, 'work'),
    logs_dir: join(labLe, 'logs'),
  });

  it('lab-up starting a new pebble drops the accounts of the old one, so certbot issues again', async () => {
    try {
      expect((await run(tlsCertificate, inLab('t5b-before-restart.lab.example'))).error).toBeUndefined();
      execFileSync('kill', [readFileSync('/var/lib/osm-lab/run/pebble.pid', 'utf8').trim()]);
      await waitGone(14000);
      execFileSync('bash', ['scripts/lab-up'], { stdio: 'ignore' });
      const r = await run(tlsCertificate, inLab('t5b-after-restart.lab.example'));
      expect(r.error).toBeUndefined();
      expect(r.status).toBe('changed');
    } finally {
      for (const d of ['t5b-before-restart.lab.example', 't5b-after-restart.lab.example']) await run(tlsCertificate, { ...inLab(d), state: 'absent' });
    }
  });
});

/** Until nothing listens on 127.0.0.1:port. */
async function waitGone(port: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const ss = execFileSync('ss', ['-ltnH', `sport = :${port}`]).toString();
    if (ss.trim() === '') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} still held`);
}
