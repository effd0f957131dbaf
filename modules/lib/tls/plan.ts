// Pure parts of tls_certificate: where the files live, what to do, and the certbot/openssl argv.
import type { Change } from '../../../runner/types.js';
import type { TlsArgs } from './args.js';
import { daysLeft, normalSerial, sameNames, type CertInfo } from './x509.js';

export type { TlsArgs };

export interface CertPaths {
  cert: string;
  key: string;
  fullchain: string;
}

export interface TlsState {
  paths: CertPaths;
  /** The current certificate, or null when there is none. */
  info: CertInfo | null;
  /** selfsigned: the CA files exist. */
  caExists?: boolean;
  /** selfsigned: the certificate verifies against the CA (false when the CA was replaced). */
  signedByCa?: boolean;
  /** acme: certbot has a renewal config for the name (a lineage exists even if files are damaged). */
  lineage?: boolean;
  /** When gather looked: plan compares expiry against this, so it stays pure. */
  now: Date;
}

export function certName(a: { cert_name?: string; domains: string[] }): string {
  return a.cert_name ?? a.domains[0] ?? '';
}

export function certPaths(a: TlsArgs): CertPaths {
  const name = certName(a);
  const dir = a.provider === 'acme' ? `${a.config_dir.replace(/\/+$/, '')}/live/${name}` : `${a.cert_dir.replace(/\/+$/, '')}/${name}`;
  return { cert: `${dir}/cert.pem`, key: `${dir}/privkey.pem`, fullchain: `${dir}/fullchain.pem` };
}

function describeCert(info: CertInfo | null): string {
  if (!info) return 'no certificate\n';
  return `names: ${info.names.join(', ')}\nexpires: ${info.notAfter.toISOString()}\n${info.serial ? `serial: ${info.serial}\n` : ''}`;
}

/** Why the certificate must be (re)issued, or null when it is fine. */
export function reissueReason(a: TlsArgs, s: TlsState): string | null {
  if (!s.info) return 'no certificate yet';
  if (!sameNames(s.info.names, a.domains)) return `names differ (has ${s.info.names.join(', ') || 'none'})`;
  const left = daysLeft(s.info, s.now);
  if (left < a.renew_before_days) return `expires in ${Math.floor(left)} days (renew_before_days ${a.renew_before_days})`;
  if (a.provider === 'selfsigned' && !s.caExists) return 'the CA is missing';
  if (a.provider === 'selfsigned' && s.signedByCa === false) return 'not signed by the configured CA';
  if (a.renew_if_serial !== undefined && s.info.serial === normalSerial(a.renew_if_serial)) return `it is still serial ${s.info.serial} (renew_if_serial)`;
  return null;
}

/** What tls_certificate plans; `create` is the local CA, made on the way to issuing. */
export type TlsChange = Change<'delete'> | Change<'create'> | Change<'issue'> | Change<'renew'>;

export function planTls(a: TlsArgs, s: TlsState): TlsChange[] {
  const name = certName(a);
  if (a.state === 'absent') {
    if (!s.info && !s.lineage) return [];
    return [{ action: 'delete', target: name, summary: `delete certificate ${name}`, before: describeCert(s.info), after: 'no certificate\n' }];
  }
  const out: TlsChange[] = [];
  if (a.provider === 'selfsigned' && !s.caExists) {
    out.push({ action: 'create', target: a.ca_cert, summary: `create the local CA ${a.ca_cert} (${a.ca_name})` });
  }
  const why = reissueReason(a, s);
  if (why === null) return out;
  const how = a.provider === 'acme' ? `from ${a.acme_server}` : `signed by ${a.ca_cert}`;
  out.push({
    action: s.info ? 'renew' : 'issue',
    target: name,
    summary: `${s.info ? 'renew' : 'issue'} certificate ${name} for ${a.domains.join(', ')} ${how}: ${why}`,
    before: describeCert(s.info),
    after: `names: ${a.domains.join(', ')}\nexpires: new\n`,
  });
  return out;
}

/** Where certbot keeps its accounts for the ACME server: <config_dir>/accounts/<netloc><path> (certbot's server_path). */
export function accountsDir(a: Pick<TlsArgs, 'config_dir' | 'acme_server'>): string {
  const url = new URL(a.acme_server);
  return `${a.config_dir.replace(/\/+$/, '')}/accounts/${url.host}${url.pathname}`.replace(/\/+$/, '');
}

export interface AcmeAccount {
  id: string;
  /** meta.json's creation_dt; accounts without one sort last. */
  created?: string;
}

/**
 * The account certbot must be told to use, or undefined when it can pick alone. With two or more
 * accounts for one server certbot --non-interactive refuses ("Please choose an account"); the oldest
 * is the one the host's existing certificates were issued with.
 */
export function accountToUse(accounts: AcmeAccount[]): string | undefined {
  if (accounts.length < 2) return undefined;
  const key = (x: AcmeAccount) => x.created ?? '\uffff';
  return [...accounts].sort((x, y) => key(x).localeCompare(key(y)) || x.id.localeCompare(y.id))[0]?.id;
}

/** `certbot certonly` for the args; --force-renewal when a certificate exists (our plan decided to renew). */
export function certbotArgv(a: TlsArgs, renewing: boolean, account?: string): string[] {
  const argv = ['certbot', 'certonly', '--non-interactive', '--agree-tos', '--server', a.acme_server];
  argv.push('--config-dir', a.config_dir, '--work-dir', a.work_dir, '--logs-dir', a.logs_dir);
  argv.push('--cert-name', certName(a));
  if (account) argv.push('--account', account);
  for (const d of a.domains) argv.push('-d', d);
  if (a.email) argv.push('--email', a.email);
  else argv.push('--register-unsafely-without-email');
  if (a.authenticator === 'webroot') argv.push('--webroot', '--webroot-path', a.webroot ?? '');
  else argv.push('--standalone', '--http-01-port', String(a.http_01_port));
  if (renewing) argv.push('--force-renewal');
  return argv;
}

export function certbotDeleteArgv(a: TlsArgs): string[] {
  return ['certbot', 'delete', '--non-interactive', '--cert-name', certName(a), '--config-dir', a.config_dir, '--work-dir', a.work_dir, '--logs-dir', a.logs_dir];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** subjectAltName value: DNS:a,DNS:b,IP:127.0.0.1. */
export function sanValue(domains: string[]): string {
  return domains.map((d) => (IPV4.test(d) || d.includes(':') ? `IP:${d}` : `DNS:${d}`)).join(',');
}

/** A new CA (EC P-256 key, self-signed, CA:TRUE). openssl writes private keys mode 0600. */
export function caArgv(a: TlsArgs, keyOut: string, certOut: string): string[] {
  return [
    'openssl', 'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyOut, '-out', certOut, '-days', '3650', '-subj', `/CN=${a.ca_name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ];
}

export function leafKeyArgv(keyOut: string): string[] {
  return ['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyOut];
}

/** The leaf signed by the CA in one step (OpenSSL 3 `req -x509 -CA`), SANs from the domains. */
export function leafCertArgv(a: TlsArgs, key: string, certOut: string): string[] {
  return [
    'openssl', 'req', '-x509', '-new', '-key', key, '-CA', a.ca_cert, '-CAkey', a.ca_key,
    '-days', String(a.days), '-subj', `/CN=${a.domains[0] ?? ''}`,
    '-addext', `subjectAltName=${sanValue(a.domains)}`,
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'extendedKeyUsage=serverAuth',
    '-out', certOut,
  ];
}
