// grafana_user against a fake Grafana 11.3: a host whose curl (configured on stdin, as callApi sends it)
// is answered by an in-memory server with the documented answers of fixtures/grafana/ (README.txt
// there says where each comes from), and whose grafana-cli resets user 1's password from stdin.
// Every flow is gathered again after apply: the second plan must be empty.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import grafanaUser, { ABSENT_USER, planGrafanaUser, type GrafanaUserState } from '../../../modules/grafana_user.js';
import { resetAdminPasswordArgv } from '../../../modules/lib/grafana/cli.js';
import type { ExecOptions, ExecResult } from '../../../runner/connection/types.js';
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { argsFor } from '../../helpers/module-args.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/grafana');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

const ADMIN_PW = 'Adm1n-S3cret-pw';
const VIEWER_PW = 'V13wer-S3cret-pw';
const BASE = 'http://127.0.0.1:3000';
const args = argsFor(grafanaUser);
const viewerArgs = args({ admin_password: ADMIN_PW, login: 'viewer', password: VIEWER_PW, role: 'Viewer' });
const adminArgs = args({ admin_password: ADMIN_PW, login: 'admin' });

// ---------------------------------------------------------------------------------------------
// The fake server

interface FakeUser {
  id: number;
  login: string;
  email: string;
  password: string;
  /** Role in organisation 1; null: not a member. */
  role: string | null;
  disabled: boolean;
  serverAdmin: boolean;
}

interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  user?: { name: string; password: string };
  body?: unknown;
}

/** The curl config callApi writes on stdin, read back: `key = "quoted"` lines and bare flags. */
function readCurlConfig(stdin: string): { url: string; method: string; user?: string; body?: string; marker: string } {
  const values = new Map<string, string>();
  for (const line of stdin.split('\n')) {
    const m = /^([a-z-]+) = "((?:[^"\\]|\\.)*)"$/.exec(line);
    if (m) values.set(m[1] as string, (m[2] as string).replace(/\\(.)/g, (_s, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c));
  }
  const marker = /--osm-play-[0-9a-f]+--/.exec(values.get('write-out') ?? '')?.[0];
  if (!marker) throw new Error(`no marker in ${stdin}`);
  return { url: values.get('url') ?? '', method: values.get('request') ?? '', user: values.get('user'), body: values.get('data-binary'), marker };
}

class FakeGrafana {
  users: FakeUser[] = [{ id: 1, login: 'admin', email: 'admin@localhost', password: 'admin', role: 'Admin', disabled: false, serverAdmin: true }];
  requests: Request[] = [];
  cliRuns: { argv: string[]; stdin: string; cwd?: string }[] = [];
  execs: { argv: string[]; stdin: string }[] = [];
  down = false;
  /** Answer every basic authentication of this login with login-attempt.blocked. */
  blocked = new Set<string>();
  /** Overrides of a route's answer: `METHOD /path` → status and body. */
  answers = new Map<string, { status: number; body: string }>();
  cliExit = 0;
  /** The CLI exits 0 without changing anything (as if it opened another database). */
  cliNoop = false;
  private nextId = 2;

  host(): HostContext {
    const exec = async (cmd: { argv: string[] }, opts: ExecOptions = {}): Promise<ExecResult> => {
      const stdin = String(opts.stdin ?? '');
      this.execs.push({ argv: cmd.argv, stdin });
      const r = cmd.argv[0] === 'curl' ? this.curl(stdin) : this.cli(cmd.argv, stdin, opts.cwd);
      return { durationMs: 1, ...r };
    };
    return { name: 'acme-svr', exec } as unknown as HostContext;
  }

  add(u: Partial<FakeUser> & { login: string; password: string }): FakeUser {
    const user: FakeUser = { id: this.nextId++, email: `${u.login}@localhost`, role: 'Viewer', disabled: false, serverAdmin: false, ...u };
    this.users.push(user);
    return user;
  }

  user(login: string): FakeUser | undefined {
    return this.users.find((u) => u.login === login);
  }

  /** Requests that change something. */
  writes(): Request[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private cli(argv: string[], stdin: string, cwd: string | undefined): Omit<ExecResult, 'durationMs'> {
    this.cliRuns.push({ argv, stdin, cwd });
    if (this.cliExit !== 0) return { exitCode: this.cliExit, stdout: 'New Password: \n', stderr: 'Error: ✗ could not read user from database. Error: user not found\n' };
    const admin = this.users.find((u) => u.id === 1);
    if (admin && !this.cliNoop) admin.password = stdin.split('\n')[0] as string;
    return { exitCode: 0, stdout: 'New Password: \n\nAdmin password changed successfully ✔\n', stderr: '' };
  }

  private curl(stdin: string): Omit<ExecResult, 'durationMs'> {
    const cfg = readCurlConfig(stdin);
    const tail = `\n${cfg.marker}\n`;
    if (this.down) return { exitCode: 7, stdout: `${tail}000\n0\n${cfg.url}\n`, stderr: "curl: (7) Failed to connect to 127.0.0.1 port 3000 after 0 ms: Couldn't connect to server\n" };
    const u = new URL(cfg.url);
    const colon = cfg.user?.indexOf(':') ?? -1;
    const user = cfg.user && colon > 0 ? { name: cfg.user.slice(0, colon), password: cfg.user.slice(colon + 1) } : undefined;
    const req: Request = { method: cfg.method, path: u.pathname, query: u.searchParams, user, body: cfg.body === undefined ? undefined : JSON.parse(cfg.body) };
    this.requests.push(req);
    const { status, body } = this.answers.get(`${req.method} ${req.path}`) ?? this.route(req);
    return { exitCode: 0, stdout: `HTTP/1.1 ${status} X\r\nContent-Type: application/json\r\n\r\n${body}${tail}${status}\n0\n${cfg.url}\n`, stderr: '' };
  }

  private authenticate(req: Request): FakeUser | { status: number; body: string } {
    const refused = { status: 401, body: JSON.stringify(fixture('password-auth-failed.json')) };
    if (!req.user) return refused;
    if (this.blocked.has(req.user.name)) return { status: 401, body: JSON.stringify(fixture('login-attempt-blocked.json')) };
    const u = this.users.find((x) => x.login === req.user?.name || x.email === req.user?.name);
    return u && !u.disabled && u.password === req.user.password ? u : refused;
  }

  private route(req: Request): { status: number; body: string } {
    const me = this.authenticate(req);
    if (!('id' in me)) return me;
    const ok = (b: unknown) => ({ status: 200, body: JSON.stringify(b) });
    if (req.method === 'GET' && req.path === '/api/user') return ok({ ...fixture('user-current-admin.json'), ...this.show(me) });
    if (!me.serverAdmin) return { status: 403, body: JSON.stringify(fixture('access-denied.json')) };
    const byId = (s: string | undefined) => this.users.find((u) => u.id === Number(s));
    const notFound = { status: 404, body: JSON.stringify(fixture('user-not-found.json')) };
    const body = req.body as Record<string, string>;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && req.path === '/api/users/lookup') {
      const q = req.query.get('loginOrEmail');
      const u = this.users.find((x) => x.login === q) ?? this.users.find((x) => x.email === q);
      return u ? ok({ ...fixture('user-lookup.json'), ...this.show(u) }) : notFound;
    }
    if (req.method === 'GET' && (m = /^\/api\/users\/(\d+)\/orgs$/.exec(req.path))) {
      const u = byId(m[1]);
      if (!u) return notFound;
      const [main] = fixture('user-orgs.json') as unknown as Record<string, unknown>[];
      return ok(u.role === null ? [] : [{ ...main, role: u.role }]);
    }
    if (req.method === 'POST' && req.path === '/api/admin/users') {
      const u = this.add({ login: body.login as string, email: body.email as string, password: body.password as string, role: 'Viewer' });
      return ok({ ...fixture('admin-user-created.json'), id: u.id });
    }
    if (req.method === 'PUT' && (m = /^\/api\/admin\/users\/(\d+)\/password$/.exec(req.path))) {
      const u = byId(m[1]);
      if (!u) return notFound;
      u.password = body.password as string;
      return ok(fixture('admin-user-password.json'));
    }
    if (req.method === 'PATCH' && (m = /^\/api\/orgs\/1\/users\/(\d+)$/.exec(req.path))) {
      const u = byId(m[1]);
      if (!u || u.role === null) return notFound;
      u.role = body.role as string;
      return ok(fixture('org-user-updated.json'));
    }
    if (req.method === 'POST' && req.path === '/api/orgs/1/users') {
      const u = this.user(body.loginOrEmail as string);
      if (!u) return notFound;
      u.role = body.role as string;
      return ok({ ...fixture('org-user-added.json'), userId: u.id });
    }
    if (req.method === 'DELETE' && (m = /^\/api\/admin\/users\/(\d+)$/.exec(req.path))) {
      const u = byId(m[1]);
      if (!u) return notFound;
      this.users = this.users.filter((x) => x !== u);
      return ok(fixture('admin-user-deleted.json'));
    }
    return { status: 404, body: '{"message":"Not found"}' };
  }

  private show(u: FakeUser) {
    return { id: u.id, login: u.login, email: u.email, name: u.login, isGrafanaAdmin: u.serverAdmin, isDisabled: u.disabled };
  }
}

// ---------------------------------------------------------------------------------------------
// Running the module as the engine does

type Args = typeof viewerArgs;

/** gather → plan → apply (unless check mode), then gather and plan again: the second plan. */
async function converge(g: FakeGrafana, a: Args, check = false) {
  const host = g.host();
  const state = await grafanaUser.gather(host, a);
  const changes = grafanaUser.plan(a, state);
  if (!check && changes.length > 0) await grafanaUser.apply(host, a, changes, state);
  const after = grafanaUser.plan(a, await grafanaUser.gather(host, a));
  return { state, changes, after, actions: changes.map((c) => c.action) };
}

async function failure(p: Promise<unknown>): Promise<ModuleError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModuleError);
  return e as ModuleError;
}

/** The admin's password is already the one of the credentials file. */
function configured(): FakeGrafana {
  const g = new FakeGrafana();
  (g.user('admin') as FakeUser).password = ADMIN_PW;
  return g;
}

// ---------------------------------------------------------------------------------------------

describe('grafana_user args', () => {
  it('defaults to the local Grafana, admin, present and the packaged grafana-cli; passwords are secret', () => {
    expect(viewerArgs).toMatchObject({ url: BASE, admin_user: 'admin', state: 'present', cli: '/usr/sbin/grafana-cli', cli_user: 'grafana' });
    expect(resetAdminPasswordArgv('/opt/grafana-cli', '')).toEqual(['/opt/grafana-cli', 'admin', 'reset-admin-password', '--password-from-stdin']);
    expect(viewerArgs.role).toBe('Viewer');
    expect(args({ admin_password: 'x', login: 'v', password: 'pass' }).role).toBeUndefined();
    expect(grafanaUser.secretArgs).toEqual(['admin_password', 'password']);
  });

  it.each([[{ role: 'Owner' }], [{ login: 'a b' }], [{ login: '-x' }], [{ password: 'abc' }], [{ state: 'gone' }], [{ url: 'ftp://x' }]])('refuses %j', (bad) => {
    expect(() => args({ ...viewerArgs, ...bad } as Partial<Args>)).toThrow();
  });

  it('documents itself: a doc, an example task that uses it, a description on every argument', () => {
    expect(grafanaUser.doc.length).toBeGreaterThan(100);
    const [task] = parse(grafanaUser.example) as Record<string, unknown>[];
    expect(task).toHaveProperty('grafana_user');
    const props = (grafanaUser.args as unknown as { properties: Record<string, { description?: string }> }).properties;
    expect(Object.entries(props).filter(([, p]) => !p.description)).toEqual([]);
  });
});

describe('planGrafanaUser', () => {
  const present = (over: Partial<GrafanaUserState> = {}): GrafanaUserState => ({ exists: true, id: 2, disabled: false, passwordWorks: true, role: 'Viewer', ...over });
  const absent = { ...viewerArgs, state: 'absent' as const };
  it.each<[string, Args, GrafanaUserState, string[]]>([
    ['as wanted: nothing', viewerArgs, present(), []],
    ['missing: create', viewerArgs, ABSENT_USER, ['create']],
    ['password does not log in', viewerArgs, present({ passwordWorks: false }), ['password']],
    ['another role', viewerArgs, present({ role: 'Editor' }), ['role']],
    ['no basic role (None)', viewerArgs, present({ role: 'None' }), ['role']],
    ['not in the main organisation', viewerArgs, present({ role: null }), ['role']],
    ['password and role', viewerArgs, present({ role: 'Admin', passwordWorks: false }), ['password', 'role']],
    ['role left out: Viewer', { ...viewerArgs, role: undefined }, present({ role: 'Editor' }), ['role']],
    ['absent, exists: delete', absent, present(), ['delete']],
    ['absent, missing: nothing', absent, ABSENT_USER, []],
    ["admin's password logs in: nothing", adminArgs, present({ id: null, role: 'Admin' }), []],
    ["admin's password does not: reset", adminArgs, present({ id: null, passwordWorks: false }), ['reset-admin-password']],
  ])('%s', (_n, a, s, want) => {
    expect(planGrafanaUser(a, s).map((c) => c.action)).toEqual(want);
  });

  it('adds a user outside the main organisation, changes the role of a member', () => {
    expect(planGrafanaUser(viewerArgs, present({ role: null }))[0]).toMatchObject({ data: { add: true }, before: 'role: <not in organisation 1>\n', after: 'role: Viewer\n' });
    expect(planGrafanaUser(viewerArgs, present({ role: 'Editor' }))[0]).toMatchObject({ data: { add: false }, summary: 'make Grafana user viewer Viewer (was Editor)' });
  });

  it('refuses a disabled user rather than resetting its password every run', () => {
    expect(() => planGrafanaUser(viewerArgs, present({ disabled: true, passwordWorks: false }))).toThrow(/viewer is disabled/);
  });

  it('says whether a password logs in, never what it is', () => {
    const states = [ABSENT_USER, present({ passwordWorks: false, role: null }), present({ role: 'Admin' })];
    const changes = [...states.flatMap((s) => [...planGrafanaUser(viewerArgs, s), ...planGrafanaUser(absent, s)]), ...planGrafanaUser(adminArgs, present({ passwordWorks: false }))];
    expect(changes.map((c) => c.action).sort()).toEqual(['create', 'delete', 'delete', 'password', 'reset-admin-password', 'role', 'role']);
    const text = JSON.stringify(changes);
    expect(text).not.toContain(VIEWER_PW);
    expect(text).not.toContain(ADMIN_PW);
    expect(text).toContain('<password set>');
  });
});

describe('grafana_user arguments refused before any call', () => {
  it.each<[string, Partial<Args>, RegExp]>([
    ['admin deleted', { login: 'admin', state: 'absent' }, /cannot be deleted/],
    ["admin's password differs from admin_password", { login: 'admin', password: 'other-pass' }, /give the same value/],
    ["admin's role", { login: 'admin', password: undefined, role: 'Viewer' }, /role of admin \(admin_user\) is not managed/],
    ['a user without a password', { password: undefined }, /password is needed to keep user viewer/],
  ])('%s', async (_n, over, msg) => {
    const g = configured();
    const e = await failure(grafanaUser.gather(g.host(), args({ ...viewerArgs, ...over })));
    expect(e.message).toMatch(msg);
    expect(g.execs).toEqual([]);
  });

  it('an admin password with a line break (grafana-cli reads one line)', async () => {
    const g = configured();
    const e = await failure(grafanaUser.gather(g.host(), args({ admin_password: 'a\nb-long', login: 'admin' })));
    expect(e.message).toMatch(/line break/);
    expect(e.message).not.toContain('a\nb-long');
  });
});

describe('grafana_user with a Grafana 11.3 (fake)', () => {
  it('creates the viewer in the main organisation, then sets its role; a second run changes nothing', async () => {
    const g = configured();
    const r = await converge(g, viewerArgs);
    expect(r.actions).toEqual(['create']);
    expect(r.after).toEqual([]);
    expect(g.user('viewer')).toMatchObject({ password: VIEWER_PW, role: 'Viewer', email: 'viewer@localhost' });
    const create = g.writes()[0] as Request;
    expect(create).toMatchObject({ method: 'POST', path: '/api/admin/users', user: { name: 'admin', password: ADMIN_PW } });
    expect(create.body).toEqual({ name: 'viewer', email: 'viewer@localhost', login: 'viewer', password: VIEWER_PW, OrgId: 1 });
    expect(g.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['POST /api/admin/users', 'PATCH /api/orgs/1/users/2']);
  });

  it('sets the role asked for even when the server gives new users another', async () => {
    const g = configured();
    await converge(g, { ...viewerArgs, role: 'Editor', name: 'Ops', email: 'ops@example.com' });
    expect(g.user('viewer')).toMatchObject({ role: 'Editor', email: 'ops@example.com' });
    expect(g.writes()[0]?.body).toMatchObject({ name: 'Ops', email: 'ops@example.com' });
  });

  it('reads the user, its role and whether its password logs in; an existing viewer as wanted is left alone', async () => {
    const g = configured();
    g.add({ login: 'viewer', password: VIEWER_PW });
    const r = await converge(g, viewerArgs);
    expect(r.state).toEqual({ exists: true, id: 2, disabled: false, passwordWorks: true, role: 'Viewer' });
    expect(r.actions).toEqual([]);
    expect(g.requests.map((q) => `${q.method} ${q.path} as ${q.user?.name}`).slice(0, 3)).toEqual([
      'GET /api/users/lookup as admin',
      'GET /api/users/2/orgs as admin',
      'GET /api/user as viewer',
    ]);
    expect(g.requests[0]?.query.get('loginOrEmail')).toBe('viewer');
  });

  it('puts right a wrong password and role, with the admin API', async () => {
    const g = configured();
    g.add({ login: 'viewer', password: 'old-password', role: 'Editor' });
    const r = await converge(g, viewerArgs);
    expect(r.actions).toEqual(['password', 'role']);
    expect(r.after).toEqual([]);
    expect(g.writes().map((w) => [`${w.method} ${w.path}`, w.body])).toEqual([
      ['PUT /api/admin/users/2/password', { password: VIEWER_PW }],
      ['PATCH /api/orgs/1/users/2', { role: 'Viewer' }],
    ]);
  });

  it('adds a user that is in no organisation', async () => {
    const g = configured();
    g.add({ login: 'viewer', password: VIEWER_PW, role: null });
    const r = await converge(g, viewerArgs);
    expect(r.actions).toEqual(['role']);
    expect(r.after).toEqual([]);
    expect(g.writes().map((w) => [`${w.method} ${w.path}`, w.body])).toEqual([['POST /api/orgs/1/users', { loginOrEmail: 'viewer', role: 'Viewer' }]]);
  });

  it('deletes a user, and then has nothing to delete', async () => {
    const g = configured();
    g.add({ login: 'viewer', password: 'whatever' });
    const r = await converge(g, { ...viewerArgs, state: 'absent', password: undefined });
    expect(r.actions).toEqual(['delete']);
    expect(r.after).toEqual([]);
    expect(g.user('viewer')).toBeUndefined();
    // Deleting needs no login as the user.
    expect(g.requests.filter((q) => q.user?.name === 'viewer')).toEqual([]);
  });

  it("resets the admin's password with grafana-cli on stdin when it does not log in, then logs in with it", async () => {
    const g = new FakeGrafana();
    const r = await converge(g, adminArgs);
    expect(r.actions).toEqual(['reset-admin-password']);
    expect(r.after).toEqual([]);
    expect(g.cliRuns).toEqual([{ argv: resetAdminPasswordArgv('/usr/sbin/grafana-cli', 'grafana'), stdin: `${ADMIN_PW}\n`, cwd: '/' }]);
    expect(g.cliRuns[0]?.argv).toEqual(['runuser', '-u', 'grafana', '--', '/usr/sbin/grafana-cli', 'admin', 'reset-admin-password', '--password-from-stdin']);
    expect(g.user('admin')?.password).toBe(ADMIN_PW);
    expect(g.writes()).toEqual([]);
  });

  it("leaves a working admin password alone: one login, no CLI", async () => {
    const g = configured();
    const r = await converge(g, adminArgs);
    expect(r.actions).toEqual([]);
    expect(g.cliRuns).toEqual([]);
    expect(g.requests[0]).toMatchObject({ method: 'GET', path: '/api/user', user: { name: 'admin', password: ADMIN_PW } });
  });

  it('check mode: gathers with GETs only, and never runs grafana-cli', async () => {
    for (const [g, a] of [
      [new FakeGrafana(), adminArgs],
      [configured(), viewerArgs],
    ] as const) {
      if (a === viewerArgs) g.add({ login: 'viewer', password: 'old-password', role: 'Admin' });
      const r = await converge(g, a, true);
      expect(r.actions.length).toBeGreaterThan(0);
      expect(g.writes()).toEqual([]);
      expect(g.cliRuns).toEqual([]);
    }
  });

  it('never puts a password on a command line: curl and grafana-cli read them on stdin', async () => {
    const g = new FakeGrafana();
    await converge(g, adminArgs);
    g.add({ login: 'viewer', password: 'old-password', role: null });
    await converge(g, viewerArgs);
    expect(g.execs.length).toBeGreaterThan(6);
    for (const e of g.execs) {
      expect(e.argv.join(' ')).not.toContain(ADMIN_PW);
      expect(e.argv.join(' ')).not.toContain(VIEWER_PW);
    }
    expect(g.execs.filter((e) => e.argv[0] === 'curl').every((e) => e.argv.join(' ') === 'curl --config -')).toBe(true);
    expect(g.execs.some((e) => e.stdin.includes(`user = "admin:${ADMIN_PW}"`))).toBe(true);
  });
});

describe('grafana_user errors', () => {
  it('Grafana down: names Grafana, the URL and curl\'s error', async () => {
    const g = configured();
    g.down = true;
    const e = await failure(grafanaUser.gather(g.host(), viewerArgs));
    expect(e.message).toMatch(/^Grafana at http:\/\/127\.0\.0\.1:3000 did not answer \(is grafana-server running\?\): GET http:\/\/127\.0\.0\.1:3000\/api\/users\/lookup\?loginOrEmail=viewer failed: curl: \(7\) Failed to connect/);
    const a = await failure(grafanaUser.gather(g.host(), adminArgs));
    expect(a.message).toMatch(/did not answer .*\/api\/user failed/);
  });

  it('a wrong admin password for another user: the credentials file does not open Grafana', async () => {
    const g = new FakeGrafana();
    const e = await failure(grafanaUser.gather(g.host(), viewerArgs));
    expect(e.message).toBe(`the admin password in the credentials file does not open Grafana: admin was refused (401) by GET ${BASE}/api/users/lookup?loginOrEmail=viewer`);
    expect(e.message).not.toContain(ADMIN_PW);
  });

  it('an admin_user that is no server admin (403)', async () => {
    const g = configured();
    g.add({ login: 'ops', password: 'ops-password', serverAdmin: false });
    const e = await failure(grafanaUser.gather(g.host(), { ...viewerArgs, admin_user: 'ops', admin_password: 'ops-password' }));
    expect(e.message).toMatch(/^ops may not look up user viewer \(403 from GET .*\): it must be a Grafana server admin$/);
  });

  it('a login blocked by the brute-force protection is reported, not mistaken for a wrong password', async () => {
    const g = configured();
    g.add({ login: 'viewer', password: VIEWER_PW });
    g.blocked.add('viewer');
    const e = await failure(grafanaUser.gather(g.host(), viewerArgs));
    expect(e.message).toMatch(/blocks logins of viewer .*wait 5 minutes/);
    g.blocked.add('admin');
    expect((await failure(grafanaUser.gather(g.host(), adminArgs))).message).toMatch(/blocks logins of admin/);
  });

  it('an answer that is not what 11.3 sends', async () => {
    const g = configured();
    g.answers.set('GET /api/users/lookup', { status: 200, body: '<html>proxy error</html>' });
    const e = await failure(grafanaUser.gather(g.host(), viewerArgs));
    expect(e.message).toMatch(/^Grafana gave an unexpected answer to GET .*\/api\/users\/lookup\?loginOrEmail=viewer: expected a user object/);
  });

  it('another failure names the call, its status and Grafana\'s message, without the password', async () => {
    const g = configured();
    g.add({ login: 'viewer', password: 'old-password' });
    g.answers.set('PUT /api/admin/users/2/password', { status: 400, body: '{"message":"New password is too short"}' });
    const host = g.host();
    const s = await grafanaUser.gather(host, viewerArgs);
    const e = await failure(grafanaUser.apply(host, viewerArgs, grafanaUser.plan(viewerArgs, s), s));
    expect(e.message).toBe(`Grafana could not set the password of user 2: PUT ${BASE}/api/admin/users/2/password answered 400: New password is too short`);
    expect(JSON.stringify([e.message, e.detail])).not.toContain(VIEWER_PW);
  });

  it('a login that is only some other user\'s e-mail address', async () => {
    const g = configured();
    g.add({ login: 'ops', password: 'ops-password', email: 'viewer' });
    const e = await failure(grafanaUser.gather(g.host(), viewerArgs));
    expect(e.message).toMatch(/user ops has the e-mail address viewer/);
  });

  it('a disabled user', async () => {
    const g = configured();
    g.add({ login: 'viewer', password: VIEWER_PW, disabled: true });
    const host = g.host();
    const s = await grafanaUser.gather(host, viewerArgs);
    expect(g.requests.filter((q) => q.user?.name === 'viewer')).toEqual([]);
    expect(() => grafanaUser.plan(viewerArgs, s)).toThrow(/disabled/);
  });

  it('grafana-cli failing: its rc and output, not the password', async () => {
    const g = new FakeGrafana();
    g.cliExit = 1;
    const host = g.host();
    const s = await grafanaUser.gather(host, adminArgs);
    const e = await failure(grafanaUser.apply(host, adminArgs, grafanaUser.plan(adminArgs, s), s));
    expect(e.message).toMatch(/^runuser -u grafana -- \/usr\/sbin\/grafana-cli admin reset-admin-password --password-from-stdin exited with rc 1: .*could not read user/);
    expect(JSON.stringify([e.message, e.detail])).not.toContain(ADMIN_PW);
  });

  it('grafana-cli succeeding without effect (another database): the login is tried again and fails clearly', async () => {
    const g = new FakeGrafana();
    g.cliNoop = true;
    const host = g.host();
    const s = await grafanaUser.gather(host, adminArgs);
    const e = await failure(grafanaUser.apply(host, adminArgs, grafanaUser.plan(adminArgs, s), s));
    expect(e.message).toMatch(/reset the admin password \(user id 1\), but admin still cannot log in/);
  });

  it('refuses a change it has no step for, calling nothing', async () => {
    const g = configured();
    const typo = { action: 'strat', target: 'x', summary: 'typo' } as unknown as Parameters<typeof grafanaUser.apply>[2][number];
    await expect(grafanaUser.apply(g.host(), viewerArgs, [typo], ABSENT_USER)).rejects.toThrow("no apply step for change 'strat' of x");
    expect(g.execs).toEqual([]);
  });
});
