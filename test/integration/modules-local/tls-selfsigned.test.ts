// tls_certificate selfsigned on a local temp dir with the real openssl: the files it puts in place and
// that no staged temp file is left beside them (acme needs pebble: see test/lab/modules/tls_certificate).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import tlsCertificate from '../../../modules/tls_certificate.js';
import { localLab } from './harness.js';

const lab = localLab();
afterAll(() => lab.cleanup());
const args = () => ({
  provider: 'selfsigned',
  domains: ['self.test.example'],
  cert_dir: join(lab.dir, 'certs'),
  ca_key: join(lab.dir, 'ca/ca.key'),
  ca_cert: join(lab.dir, 'ca/ca.crt'),
  ca_name: 'osm-play test CA',
});
const certDir = () => join(lab.dir, 'certs/self.test.example');

describe('tls_certificate selfsigned (local)', () => {
  it('puts key, cert and fullchain (cert + CA, 0644) in place, no temp files left; again is ok', async () => {
    const r = await lab.run(tlsCertificate, args());
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    const cert = readFileSync(join(certDir(), 'cert.pem'), 'utf8');
    const ca = readFileSync(join(lab.dir, 'ca/ca.crt'), 'utf8');
    expect(readFileSync(join(certDir(), 'fullchain.pem'), 'utf8')).toBe(cert + ca);
    expect(statSync(join(certDir(), 'fullchain.pem')).mode & 0o777).toBe(0o644);
    expect(execFileSync('openssl', ['verify', '-CAfile', join(lab.dir, 'ca/ca.crt'), join(certDir(), 'cert.pem')]).toString()).toContain(': OK');
    expect(readdirSync(certDir()).sort()).toEqual(['cert.pem', 'fullchain.pem', 'privkey.pem']);
    expect((await lab.run(tlsCertificate, args())).status).toBe('ok');
  });

  it('a new CA reissues all three in place', async () => {
    const before = readFileSync(join(certDir(), 'privkey.pem'), 'utf8');
    execFileSync('rm', ['-rf', join(lab.dir, 'ca')]);
    const r = await lab.run(tlsCertificate, args());
    expect(r.changes.map((c) => c.action)).toEqual(['create', 'renew']);
    expect(readFileSync(join(certDir(), 'privkey.pem'), 'utf8')).not.toBe(before);
    expect(readdirSync(certDir()).sort()).toEqual(['cert.pem', 'fullchain.pem', 'privkey.pem']);
    expect((await lab.run(tlsCertificate, args())).status).toBe('ok');
  });
});
