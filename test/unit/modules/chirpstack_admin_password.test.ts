// chirpstack_admin_password against a fake ChirpStack 4.9 API (chirpstack-fake.ts, answers encoded
// from the 4.9 proto: fixtures/chirpstack/README.txt).
import { describe, expect, it } from 'vitest';
import adminPassword, { planAdminPassword } from '../../../modules/chirpstack_admin_password.js';
import { CURL_STDIN_ARGV } from '../../../modules/lib/http/curl.js';
import { decodeMessage, getString } from '../../../modules/lib/chirpstack/protobuf.js';
import { argsFor } from '../../helpers/module-args.js';
import { ADMIN_ID, fakeChirpStack, fixture, JWT } from './chirpstack-fake.js';

const PASSWORD = 'Wanted-Pass_w0rd';
const args = argsFor(adminPassword);
const a = args({ password: PASSWORD });

/** gather → plan → apply unless check mode, as the runner does. */
async function run(fake: ReturnType<typeof fakeChirpStack>, check = false) {
  const state = await adminPassword.gather(fake.host, a);
  const changes = adminPassword.plan(a, state);
  const outcome = !check && changes.length > 0 ? await adminPassword.apply(fake.host, a, changes, state) : undefined;
  return { state, changes, outcome };
}

describe('chirpstack_admin_password args', () => {
  it('defaults to the local API and the admin user; both passwords are secret', () => {
    expect(a).toEqual({ url: 'http://127.0.0.1:8080', email: 'admin', password: PASSWORD, default_password: 'admin' });
    expect(adminPassword.secretArgs).toEqual(['password', 'default_password']);
    expect(() => args({})).toThrow(/password/);
    expect(() => args({ password: PASSWORD, url: 'ftp://x' })).toThrow();
  });
});

describe('planAdminPassword', () => {
  it('nothing when the wanted password works; one change, without secrets, while the default one does', () => {
    expect(planAdminPassword(a, { works: 'password' })).toEqual([]);
    const [c, ...rest] = planAdminPassword(a, { works: 'default_password' });
    expect(rest).toEqual([]);
    expect(c).toEqual({ action: 'password', target: 'ChirpStack user admin', summary: 'replace the default password of ChirpStack user admin', before: 'password: <the default password>\n', after: 'password: <password set>\n' });
  });
});

describe('chirpstack_admin_password on a fresh ChirpStack', () => {
  it('logs in with the default password, changes it for the profile user, and proves the new one', async () => {
    const fake = fakeChirpStack();
    const { state, changes, outcome } = await run(fake);
    expect(state).toEqual({ works: 'default_password' });
    expect(changes.map((c) => c.action)).toEqual(['password']);
    expect(outcome).toEqual({ data: { email: 'admin' } });
    expect(fake.state.adminPassword).toBe(PASSWORD);
    expect(fake.calls.map((c) => c.rpc)).toEqual([
      'InternalService.Login', // wanted: refused
      'InternalService.Login', // default: works
      'InternalService.Login', // apply: default again, for a token
      'InternalService.Profile',
      'UserService.UpdatePassword',
      'InternalService.Login', // the new password works
    ]);
    const update = fake.calls[4];
    expect(update?.authorization).toBe(`Bearer ${JWT}`);
    const req = decodeMessage(update?.request ?? new Uint8Array());
    expect([getString(req, 1), getString(req, 2)]).toEqual([ADMIN_ID, PASSWORD]);
  });

  it('is idempotent: the next run finds the wanted password and plans nothing', async () => {
    const fake = fakeChirpStack();
    await run(fake);
    const again = await run(fake);
    expect(again.changes).toEqual([]);
    expect(fake.calls.slice(6).map((c) => c.rpc)).toEqual(['InternalService.Login']);
  });

  it('check mode: only logins, nothing changed', async () => {
    const fake = fakeChirpStack();
    const { changes } = await run(fake, true);
    expect(changes).toHaveLength(1);
    expect(fake.state.adminPassword).toBe('admin');
    expect(fake.calls.map((c) => c.rpc)).toEqual(['InternalService.Login', 'InternalService.Login']);
  });

  it('sends passwords only on curl stdin, never on the command line', async () => {
    const fake = fakeChirpStack();
    await run(fake);
    for (const c of fake.calls) {
      expect(c.argv).toEqual(CURL_STDIN_ARGV);
      expect(c.stdin).toContain('header = "Content-Type: application/grpc-web-text"');
      expect(c.stdin).toContain('header = "X-Grpc-Web: 1"');
      expect(c.stdin).toMatch(/^url = "http:\/\/127\.0\.0\.1:8080\/api\.(InternalService|UserService)\/\w+"$/m);
    }
  });
});

describe('chirpstack_admin_password failures', () => {
  it('fails clearly when neither password logs in, without saying either', async () => {
    const fake = fakeChirpStack({ adminPassword: 'someone-else-set-this' });
    const err = await adminPassword.gather(fake.host, a).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/neither password nor default_password logs in as admin at http:\/\/127\.0\.0\.1:8080/);
    expect((err as Error).message).not.toContain(PASSWORD);
    expect((err as Error).message).not.toContain('someone-else');
  });

  it('names the URL when ChirpStack is down', async () => {
    const fake = fakeChirpStack({ down: true });
    await expect(adminPassword.gather(fake.host, a)).rejects.toThrow(/POST http:\/\/127\.0\.0\.1:8080\/api\.InternalService\/Login failed: curl: \(7\) Failed to connect/);
  });

  it('does not take a web page for an answer (wrong port, proxy error)', async () => {
    const fake = fakeChirpStack({ override: { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html>' } });
    await expect(adminPassword.gather(fake.host, a)).rejects.toThrow(/answered HTTP 200 \(text\/html\), not a gRPC-web reply/);
  });

  it('passes other gRPC errors on (e.g. the database is down: INTERNAL)', async () => {
    const f = fixture('login-invalid');
    const fake = fakeChirpStack({ override: { ...f, headers: { ...f.headers, 'grpc-status': '13', 'grpc-message': 'Diesel%20error' } } });
    await expect(adminPassword.gather(fake.host, a)).rejects.toThrow('ChirpStack InternalService.Login failed: INTERNAL (13): Diesel error');
  });
});
