// tls_certificate: a certificate for a list of domains, from an ACME server through certbot or signed
// by a local CA with openssl. Reissued when the names differ or it expires within renew_before_days.
import { posix } from 'node:path';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { moveIntoPlace, writeValidated } from '../runner/kit/index.js';
import { tempBeside } from '../runner/kit/temp-beside.js';
import {
  accountsDir,
  accountToUse,
  caArgv,
  certbotArgv,
  certbotDeleteArgv,
  certName,
  certPaths,
  leafCertArgv,
  leafKeyArgv,
  planTls,
  type AcmeAccount,
  type TlsState,
} from './lib/tls/plan.js';
import { CERTBOT_MASKED_ERROR, acmeErrorInLog, isRefusedNonce, runCertbotWhenFree } from './lib/tls/certbot-run.js';
import { tlsArgs, type TlsArgs } from './lib/tls/args.js';
import { describeHolder, parseSsListeners } from './lib/net/ss-listeners.js';
import { parseX509Text, type CertInfo } from './lib/tls/x509.js';

async function readCert(host: HostContext, path: string): Promise<CertInfo | null> {
  if (!(await host.stat(path))) return null;
  const r = await host.exec({ argv: ['openssl', 'x509', '-in', path, '-noout', '-serial', '-subject', '-issuer', '-enddate', '-ext', 'subjectAltName'] });
  if (r.exitCode !== 0) return null;
  return parseX509Text(r.stdout);
}

async function gatherTls(host: HostContext, a: TlsArgs): Promise<TlsState> {
  const paths = certPaths(a);
  const state: TlsState = { paths, info: await readCert(host, paths.fullchain), now: new Date() };
  if (a.provider === 'acme') {
    state.lineage = (await host.stat(`${a.config_dir}/renewal/${certName(a)}.conf`)) !== null;
  } else {
    state.caExists = (await host.stat(a.ca_key)) !== null && (await host.stat(a.ca_cert)) !== null;
    if (state.info && state.caExists) {
      const v = await host.exec({ argv: ['openssl', 'verify', '-CAfile', a.ca_cert, paths.cert] });
      state.signedByCa = v.exitCode === 0;
    }
  }
  return state;
}

/** certbot --standalone must bind http_01_port; say who holds it instead of certbot's generic error. */
async function checkStandalonePort(host: HostContext, a: TlsArgs): Promise<void> {
  const ss = await host.exec({ argv: ['ss', '-ltnpH'] });
  const held = parseSsListeners(ss.stdout).filter((l) => l.port === a.http_01_port);
  if (held.length > 0) {
    throw new ModuleError(
      `http_01_port ${a.http_01_port} is held by ${held.map(describeHolder).join('; ')}: certbot --standalone cannot listen there; ` +
        'use authenticator: webroot (nginx serves /.well-known/acme-challenge/) or another http_01_port',
    );
  }
}

/** The host's certbot accounts for the ACME server, read only when issuing so a run that issues nothing pays nothing. */
async function readAccounts(host: HostContext, a: TlsArgs): Promise<AcmeAccount[]> {
  const dir = accountsDir(a);
  const r = await host.exec({ argv: ['find', dir, '-mindepth', '1', '-maxdepth', '1', '-type', 'd', '-printf', '%f\\n'] });
  if (r.exitCode !== 0) return [];
  const ids = r.stdout.split('\n').filter((l) => l !== '');
  return Promise.all(
    ids.map(async (id) => {
      const meta = await host.readFile(`${dir}/${id}/meta.json`);
      return { id, created: creationTime(meta) };
    }),
  );
}

function creationTime(metaJson: string | null): string | undefined {
  try {
    const t = (JSON.parse(metaJson ?? '') as { creation_dt?: unknown }).creation_dt;
    return typeof t === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

async function issueAcme(host: HostContext, a: TlsArgs, renewing: boolean): Promise<void> {
  if (a.authenticator === 'standalone') await checkStandalonePort(host, a);
  const accounts = await readAccounts(host, a);
  const account = accountToUse(accounts);
  if (account) host.log(`${accounts.length} ACME accounts for ${a.acme_server} on the host; using the oldest, ${account}`);
  const argv = certbotArgv(a, renewing, account);
  const env = a.ca_bundle ? { REQUESTS_CA_BUNDLE: a.ca_bundle } : undefined;
  let r = await runCertbotWhenFree(host, argv, env);
  let why = await certbotFailure(host, a, r);
  // An ACME server may refuse a nonce (badNonce; pebble does it to 5% of requests on purpose); certbot
  // 2.1 gives up on it. Any other ACME error would only repeat.
  for (let attempt = 1; attempt < 3 && r.exitCode !== 0 && isRefusedNonce(why); attempt++) {
    host.log(`certbot hit a refused nonce, retrying (${attempt})`);
    r = await runCertbotWhenFree(host, argv, env);
    why = await certbotFailure(host, a, r);
  }
  if (r.exitCode !== 0) {
    throw new ModuleError(`certbot failed for ${a.domains.join(', ')}: ${why}`, { rc: r.exitCode, stdout: r.stdout, stderr: r.stderr, argv });
  }
}

/** What certbot's failure was: its last lines, or the ACME error its log holds when certbot masked it. */
async function certbotFailure(host: HostContext, a: TlsArgs, r: { exitCode: number; stderr: string }): Promise<string> {
  if (r.exitCode === 0) return '';
  const said = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Saving debug log')).slice(-4).join(' ');
  if (!CERTBOT_MASKED_ERROR.test(r.stderr)) return said;
  const acme = acmeErrorInLog((await host.readFile(posix.join(a.logs_dir, 'letsencrypt.log'))) ?? '');
  return acme ? `the ACME server refused: ${acme} (certbot itself said: ${said})` : said;
}

/**
 * Key and cert made beside the targets under temp names; the fullchain goes in place first through
 * writeValidated, then key and cert are renamed over theirs: a failure before that leaves the old set.
 */
async function issueSelfSigned(host: HostContext, a: TlsArgs, paths: TlsState['paths'], caExists: boolean): Promise<void> {
  if (!caExists) {
    await host.run(['mkdir', '-p', '-m', '0700', posix.dirname(a.ca_key)]);
    await host.run(['mkdir', '-p', posix.dirname(a.ca_cert)]);
    await host.run(caArgv(a, a.ca_key, a.ca_cert));
  }
  const dir = posix.dirname(paths.cert);
  await host.run(['mkdir', '-p', '-m', '0755', dir]);
  const tmpKey = tempBeside(paths.key);
  const tmpCert = tempBeside(paths.cert);
  try {
    await host.run(leafKeyArgv(tmpKey));
    await host.run(leafCertArgv(a, tmpKey, tmpCert));
    const leaf = (await host.readFile(tmpCert)) ?? '';
    const ca = (await host.readFile(a.ca_cert)) ?? '';
    const chain = await writeValidated(host, paths.fullchain, leaf + ca, { mode: 0o644 });
    try {
      await moveIntoPlace(host, tmpKey, paths.key);
      await moveIntoPlace(host, tmpCert, paths.cert);
    } catch (e) {
      await chain.rollback();
      throw e;
    }
  } finally {
    await host.exec({ argv: ['rm', '-f', '--', tmpKey, tmpCert] });
  }
}

export default defineModule({
  name: 'tls_certificate',
  doc:
    'Keeps a certificate for `domains`. Gather reads <dir>/fullchain.pem with `openssl x509` (names and expiry); ' +
    'it is (re)issued when missing, when its names differ from `domains`, when it expires within renew_before_days, ' +
    'or (selfsigned) when the CA is missing or did not sign it. `acme` runs `certbot certonly --non-interactive` ' +
    'against acme_server (standalone on http_01_port, or webroot) with --config-dir/--work-dir/--logs-dir, certificates ' +
    'in <config_dir>/live/<cert_name>/; `selfsigned` creates the CA when missing and signs an EC P-256 key with the SANs ' +
    '(<cert_dir>/<cert_name>/). Absent runs `certbot delete` or removes the files. Registers cert, key and fullchain paths.',
  example: `- name: certificates for the customer's four names
  tls_certificate:
    domains:
      - "{{ customer_name }}.{{ le_domain }}"
      - "{{ customer_name }}-influx.{{ le_domain }}"
      - "{{ customer_name }}-chirpstack.{{ le_domain }}"
      - "{{ customer_name }}-mqtt.{{ le_domain }}"
    email: "{{ le_email }}"
    authenticator: webroot
    webroot: /var/www/letsencrypt`,
  args: tlsArgs,
  async gather(host, a) {
    if (a.authenticator === 'webroot' && a.provider === 'acme' && a.state === 'present' && !a.webroot) {
      throw new ModuleError('tls_certificate: authenticator webroot needs webroot');
    }
    return gatherTls(host, a);
  },
  plan(a, s) {
    return planTls(a, s);
  },
  async apply(host, a, changes, s) {
    let issue = false;
    for (const c of changes) {
      switch (c.action) {
        case 'delete': // only ever planned alone, for state absent
          if (a.provider === 'acme') await host.run(certbotDeleteArgv(a));
          else await host.run(['rm', '-f', '--', s.paths.cert, s.paths.key, s.paths.fullchain]);
          return { data: { ...s.paths } };
        case 'create':
        case 'issue':
        case 'renew':
          issue = true;
          break;
        default:
          unknownChange(c);
      }
    }
    if (issue) {
      if (a.provider === 'acme') await issueAcme(host, a, s.info !== null || s.lineage === true);
      else await issueSelfSigned(host, a, s.paths, s.caExists === true);
    }
    const after = await readCert(host, s.paths.fullchain);
    if (!after) throw new ModuleError(`no certificate at ${s.paths.fullchain} after issuing`);
    return { data: { ...s.paths, names: after.names, not_after: after.notAfter.toISOString() } };
  },
  result(_a, s) {
    return { ...s.paths, ...(s.info ? { names: s.info.names, not_after: s.info.notAfter.toISOString() } : {}) };
  },
});
