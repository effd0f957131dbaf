// Grafana 11.3's answers about users, parsed (pure: no calls here). The shapes are the documented ones:
//   GET /api/users/lookup, GET /api/user      https://grafana.com/docs/grafana/v11.3/developers/http_api/user/
//   GET /api/users/:id/orgs                   (same page, "Get Organizations for user")
//   POST /api/admin/users                     https://grafana.com/docs/grafana/v11.3/developers/http_api/admin/
// A failed basic authentication answers 401 {"message":"Invalid username or password","messageId":"password-auth.failed",...};
// a login blocked by the brute-force protection answers 401 with messageId "login-attempt.blocked".
import { ModuleError } from '../../../runner/module.js';

/** The organisation roles grafana_user sets (Grafana also knows "None", which it treats as no basic role). */
export const ORG_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/**
 * The organisation the users are kept in: Grafana's first one ("Main Org."), where auto_assign_org puts
 * new users and where a provisioned datasource without orgId goes.
 */
export const MAIN_ORG_ID = 1;

export interface GrafanaUser {
  id: number;
  login: string;
  isDisabled: boolean;
  isGrafanaAdmin: boolean;
}

/** The failure of a reader: which answer, and what it held instead. */
export function badAnswer(what: string, expected: string, json: unknown): ModuleError {
  return new ModuleError(`Grafana gave an unexpected answer to ${what}: expected ${expected}, got ${String(JSON.stringify(json)).slice(0, 200)}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A user object of /api/users/lookup or /api/user; `what` names the call in the error. */
export function parseUser(json: unknown, what: string): GrafanaUser {
  if (!isRecord(json) || typeof json.id !== 'number' || typeof json.login !== 'string') {
    throw badAnswer(what, 'a user object with a numeric id and a login', json);
  }
  return { id: json.id, login: json.login, isDisabled: json.isDisabled === true, isGrafanaAdmin: json.isGrafanaAdmin === true };
}

/** The user's role in organisation `orgId` from GET /api/users/:id/orgs; null when not a member. */
export function parseOrgRole(json: unknown, orgId: number, what: string): string | null {
  if (!Array.isArray(json)) throw badAnswer(what, 'a list of organisations', json);
  const org = json.find((o): o is Record<string, unknown> => isRecord(o) && o.orgId === orgId);
  if (!org) return null;
  if (typeof org.role !== 'string') throw badAnswer(what, `a role for organisation ${orgId}`, org);
  return org.role;
}

/** The new user's id from POST /api/admin/users ({"id":5,"message":"User created"}). */
export function parseCreatedId(json: unknown, what: string): number {
  if (!isRecord(json) || typeof json.id !== 'number') throw badAnswer(what, '{"id": <number>}', json);
  return json.id;
}

/** Whether a 401 says the login is blocked for a while (too many wrong passwords), not that the password is wrong. */
export function loginBlocked(json: unknown): boolean {
  return isRecord(json) && json.messageId === 'login-attempt.blocked';
}
