// Grafana 11.3's HTTP API called from the host the task runs on (the customer's container), with curl
// configured on stdin: basic-auth passwords and request bodies never reach a command line. The admin
// calls need a Grafana server admin's basic authentication (API tokens cannot have that permission):
//   https://grafana.com/docs/grafana/v11.3/developers/http_api/admin/
//   https://grafana.com/docs/grafana/v11.3/developers/http_api/user/
//   https://grafana.com/docs/grafana/v11.3/developers/http_api/org/#admin-organizations-api
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { apiFailure, callApi, type ApiRequest, type ApiResponse } from '../http/api.js';
import { loginBlocked, MAIN_ORG_ID, parseCreatedId, parseOrgRole, parseUser, type GrafanaUser, type OrgRole } from './users.js';

export const DEFAULT_GRAFANA_URL = 'http://127.0.0.1:3000';

export interface Credentials {
  name: string;
  password: string;
}

/** Where Grafana answers, and the server admin that makes the admin calls. */
export interface GrafanaTarget {
  url: string;
  admin: Credentials;
}

export function grafanaUrl(base: string, path: string, query?: Record<string, string>): string {
  const q = query ? `?${new URLSearchParams(query).toString()}` : '';
  return `${base.replace(/\/+$/, '')}${path}${q}`;
}

/** One call; a transport failure (refused, timeout) names Grafana and the URL. */
async function grafanaCall(host: HostContext, base: string, req: ApiRequest): Promise<ApiResponse> {
  try {
    return await callApi(host, req);
  } catch (e) {
    if (!(e instanceof ModuleError)) throw e;
    throw new ModuleError(`Grafana at ${base} did not answer (is grafana-server running?): ${e.message}`, { rc: e.detail.rc });
  }
}

/** The admin call's answer when it is one of `ok`; a refused admin login or a missing permission says so plainly. */
async function adminCall(host: HostContext, t: GrafanaTarget, req: Omit<ApiRequest, 'user'>, ok: number[], what: string): Promise<ApiResponse> {
  const full: ApiRequest = { ...req, user: t.admin };
  const res = await grafanaCall(host, t.url, full);
  if (ok.includes(res.status)) return res;
  if (res.status === 401 && loginBlocked(res.json)) throw blockedError(t.admin.name);
  if (res.status === 401) {
    throw new ModuleError(`the admin password in the credentials file does not open Grafana: ${t.admin.name} was refused (401) by ${req.method} ${req.url}`);
  }
  if (res.status === 403) throw new ModuleError(`${t.admin.name} may not ${what} (403 from ${req.method} ${req.url}): it must be a Grafana server admin`);
  throw apiFailure(`Grafana could not ${what}`, full, res);
}

function blockedError(login: string): ModuleError {
  return new ModuleError(
    `Grafana blocks logins of ${login} for a while after too many wrong passwords (login-attempt.blocked); wait 5 minutes and run again`,
  );
}

/** The user with this login, or null. Lookup also matches e-mail addresses: a match by e-mail only is not this user. */
export async function lookupUser(host: HostContext, t: GrafanaTarget, login: string): Promise<GrafanaUser | null> {
  const url = grafanaUrl(t.url, '/api/users/lookup', { loginOrEmail: login });
  const res = await adminCall(host, t, { method: 'GET', url }, [200, 404], `look up user ${login}`);
  if (res.status === 404) return null;
  const user = parseUser(res.json, `GET ${url}`);
  if (user.login !== login) {
    throw new ModuleError(`Grafana user ${user.login} has the e-mail address ${login}: a user with login ${login} cannot be told apart from it; rename one of them`);
  }
  return user;
}

/** Whether `who` logs in with their password: GET /api/user answers 200 with their own login, 401 when refused. */
export async function passwordWorks(host: HostContext, base: string, who: Credentials): Promise<boolean> {
  const req: ApiRequest = { method: 'GET', url: grafanaUrl(base, '/api/user'), user: who };
  const res = await grafanaCall(host, base, req);
  if (res.status === 401) {
    if (loginBlocked(res.json)) throw blockedError(who.name);
    return false;
  }
  if (res.status !== 200) throw apiFailure(`Grafana could not check the password of ${who.name}`, req, res);
  const me = parseUser(res.json, `GET ${req.url}`);
  if (me.login !== who.name) throw new ModuleError(`GET ${req.url} as ${who.name} answered for user ${me.login}: a login and an e-mail address are mixed up`);
  return true;
}

/** The user's role in the main organisation, null when not a member. */
export async function orgRoleOf(host: HostContext, t: GrafanaTarget, id: number): Promise<string | null> {
  const url = grafanaUrl(t.url, `/api/users/${id}/orgs`);
  const res = await adminCall(host, t, { method: 'GET', url }, [200], `read the organisations of user ${id}`);
  return parseOrgRole(res.json, MAIN_ORG_ID, `GET ${url}`);
}

export interface NewUser {
  login: string;
  name: string;
  email: string;
  password: string;
}

/** Creates the user in the main organisation; returns its id. */
export async function createUser(host: HostContext, t: GrafanaTarget, u: NewUser): Promise<number> {
  const url = grafanaUrl(t.url, '/api/admin/users');
  const json = { name: u.name, email: u.email, login: u.login, password: u.password, OrgId: MAIN_ORG_ID };
  const res = await adminCall(host, t, { method: 'POST', url, json }, [200], `create user ${u.login}`);
  return parseCreatedId(res.json, `POST ${url}`);
}

export async function setUserPassword(host: HostContext, t: GrafanaTarget, id: number, password: string): Promise<void> {
  const url = grafanaUrl(t.url, `/api/admin/users/${id}/password`);
  await adminCall(host, t, { method: 'PUT', url, json: { password } }, [200], `set the password of user ${id}`);
}

/** Changes the role of a member of the main organisation. */
export async function setOrgRole(host: HostContext, t: GrafanaTarget, id: number, role: OrgRole): Promise<void> {
  const url = grafanaUrl(t.url, `/api/orgs/${MAIN_ORG_ID}/users/${id}`);
  await adminCall(host, t, { method: 'PATCH', url, json: { role } }, [200], `set the role of user ${id}`);
}

/** Makes a user that is in no organisation, or another one, a member of the main organisation. */
export async function addToOrg(host: HostContext, t: GrafanaTarget, login: string, role: OrgRole): Promise<void> {
  const url = grafanaUrl(t.url, `/api/orgs/${MAIN_ORG_ID}/users`);
  await adminCall(host, t, { method: 'POST', url, json: { loginOrEmail: login, role } }, [200], `add user ${login} to organisation ${MAIN_ORG_ID}`);
}

export async function deleteUser(host: HostContext, t: GrafanaTarget, id: number): Promise<void> {
  const url = grafanaUrl(t.url, `/api/admin/users/${id}`);
  await adminCall(host, t, { method: 'DELETE', url }, [200], `delete user ${id}`);
}
