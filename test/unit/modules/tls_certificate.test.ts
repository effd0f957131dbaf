import { describe, expect, it } from 'vitest';
import { accountsDir, accountToUse, certbotArgv, certPaths, leafCertArgv, planTls, sanValue, type TlsArgs, type TlsState } from '../../../modules/lib/tls/plan.js';
import { parseX509Text } from '../../../modules/lib/tls/x509.js';

const a: TlsArgs = {
  domains: ['acme.osm.example', 'acme-mqtt.osm.example'],
  provider: 'acme',
  state: 'present',
  renew_before_days: 30,
  acme_server: 'https://127.0.0.1:14000/dir',
  authenticator: 'standalone',
  http_01_port: 5002,
  config_dir: '/etc/letsencrypt',
  work_dir: '/var/lib/letsencrypt',
  logs_dir: '/var/log/letsencrypt',
  cert_dir: '/etc/ssl/osm-play',
  ca_key: '/etc/ssl/osm-play/ca/ca.key',
  ca_cert: '/etc/ssl/osm-play/ca/ca.crt',
  ca_name: 'osm-play local CA',
  days: 397,
};
const NOW = new Date('2026-11-27T00:00:00Z');
// Shape of `openssl x509 -noout -subject -issuer -enddate -ext subjectAltName` on a pebble certificate.
const cert = (names: string, notAfter: string) =>
  parseX509Text(`subject=CN = acme.osm.example\nissuer=CN = Pebble Intermediate CA 6637b9\nnotAfter=${notAfter}\nX509v3 Subject Alternative Name: \n    ${names}\n`);
const GOOD = cert('DNS:acme-mqtt.osm.example, DNS:acme.osm.example', 'Nov 27 22:54:44 2031 GMT');
const state = (over: Partial<TlsState>): TlsState => ({ paths: certPaths(a), info: GOOD, lineage: true, now: NOW, ...over });
const actions = (args: TlsArgs, s: TlsState) => planTls(args, s).map((c) => c.action);

describe('planTls', () => {
  it.each([
    ['valid, same names in any order', a, state({}), []],
    ['no certificate', a, state({ info: null, lineage: false }), ['issue']],
    ['names differ', { ...a, domains: ['acme.osm.example'] }, state({}), ['renew']],
    ['expires within renew_before_days', { ...a, renew_before_days: 3000 }, state({}), ['renew']],
    ['still the serial renew_if_serial names (carried from another host)', { ...a, renew_if_serial: '0a:1B:2c' }, state({ info: { ...GOOD, serial: 'A1B2C' } }), ['renew']],
    ['another serial than renew_if_serial (renewed already)', { ...a, renew_if_serial: 'A1B2C' }, state({ info: { ...GOOD, serial: 'A1B2D' } }), []],
    ['expired', a, state({ info: cert('DNS:acme.osm.example, DNS:acme-mqtt.osm.example', 'Jan  1 00:00:00 2026 GMT') }), ['renew']],
    ['absent with certificate', { ...a, state: 'absent' as const }, state({}), ['delete']],
    ['absent with only a lineage left', { ...a, state: 'absent' as const }, state({ info: null }), ['delete']],
    ['absent, nothing there', { ...a, state: 'absent' as const }, state({ info: null, lineage: false }), []],
    ['selfsigned, no CA, no cert', { ...a, provider: 'selfsigned' as const }, state({ info: null, caExists: false }), ['create', 'issue']],
    ['selfsigned, valid and signed by the CA', { ...a, provider: 'selfsigned' as const }, state({ caExists: true, signedByCa: true }), []],
    ['selfsigned, CA replaced', { ...a, provider: 'selfsigned' as const }, state({ caExists: true, signedByCa: false }), ['renew']],
  ])('%s', (_n, args, s, want) => {
    expect(actions(args, s)).toEqual(want);
  });

  it('says why in the summary and diffs names/expiry', () => {
    const [c] = planTls({ ...a, domains: ['acme.osm.example'] }, state({}));
    expect(c?.summary).toBe(
      'renew certificate acme.osm.example for acme.osm.example from https://127.0.0.1:14000/dir: names differ (has acme-mqtt.osm.example, acme.osm.example)',
    );
    expect(c?.before).toBe('names: acme-mqtt.osm.example, acme.osm.example\nexpires: 2031-11-27T22:54:44.000Z\n');
  });
});

describe('paths and argv', () => {
  it('certbot live dir for acme, cert_dir for selfsigned; cert_name overrides', () => {
    expect(certPaths(a).fullchain).toBe('/etc/letsencrypt/live/acme.osm.example/fullchain.pem');
    expect(certPaths({ ...a, provider: 'selfsigned', cert_name: 'acme' }).key).toBe('/etc/ssl/osm-play/acme/privkey.pem');
  });
  it('certbot certonly, standalone or webroot, forced only when renewing', () => {
    expect(certbotArgv(a, false)).toEqual([
      'certbot', 'certonly', '--non-interactive', '--agree-tos', '--server', 'https://127.0.0.1:14000/dir',
      '--config-dir', '/etc/letsencrypt', '--work-dir', '/var/lib/letsencrypt', '--logs-dir', '/var/log/letsencrypt',
      '--cert-name', 'acme.osm.example', '-d', 'acme.osm.example', '-d', 'acme-mqtt.osm.example',
      '--register-unsafely-without-email', '--standalone', '--http-01-port', '5002',
    ]);
    const web = certbotArgv({ ...a, email: 'ops@example.org', authenticator: 'webroot', webroot: '/var/www/le' }, true);
    expect(web.slice(-6)).toEqual(['--email', 'ops@example.org', '--webroot', '--webroot-path', '/var/www/le', '--force-renewal']);
  });
  it("certbot's accounts dir for the server, and the account named only when there is a choice", () => {
    expect(accountsDir(a)).toBe('/etc/letsencrypt/accounts/127.0.0.1:14000/dir');
    expect(accountsDir({ config_dir: '/etc/letsencrypt/', acme_server: 'https://acme-v02.api.letsencrypt.org/directory' })).toBe(
      '/etc/letsencrypt/accounts/acme-v02.api.letsencrypt.org/directory',
    );
    expect(accountToUse([])).toBeUndefined();
    expect(accountToUse([{ id: 'a1' }])).toBeUndefined();
    const two = [
      { id: 'new', created: '2026-12-07T14:55:37Z' },
      { id: 'old', created: '2026-12-07T14:19:16Z' },
      { id: 'nometa' },
    ];
    expect(accountToUse(two)).toBe('old');
    expect(certbotArgv(a, false, 'old')).toEqual(expect.arrayContaining(['--account', 'old']));
    expect(certbotArgv(a, false)).not.toContain('--account');
  });
  it('SANs: DNS names and IP addresses', () => {
    expect(sanValue(['a.lab', '127.0.0.1', '*.b.lab'])).toBe('DNS:a.lab,IP:127.0.0.1,DNS:*.b.lab');
    expect(leafCertArgv({ ...a, provider: 'selfsigned' }, '/k', '/c')).toContain('subjectAltName=DNS:acme.osm.example,DNS:acme-mqtt.osm.example');
  });
});
