// Privilege escalation for one task: the innermost task/block keyword wins, then the play, then
// the inventory's ansible_become* vars, then -b. The password comes from ansible_become_password
// (or ansible_become_pass) or --ask-become-pass.
import type { BecomeOptions } from '../connection/types.js';
import type { Play, Vars } from '../types.js';
import type { NodeScope } from './state.js';

interface BecomeKeywords {
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
}

export function resolveBecome(
  task: BecomeKeywords,
  scope: NodeScope,
  play: Play,
  vars: Vars,
  cli: { become?: boolean; password?: string; becomeUser?: string; becomeMethod?: string },
): BecomeOptions | undefined {
  const fromVar = (k: string): unknown => vars[k];
  const on = task.become ?? scope.become ?? play.become ?? boolVar(fromVar('ansible_become')) ?? cli.become ?? false;
  if (!on) return undefined;
  const user = task.becomeUser ?? scope.becomeUser ?? play.becomeUser ?? strVar(fromVar('ansible_become_user')) ?? cli.becomeUser ?? 'root';
  const methodName = task.becomeMethod ?? scope.becomeMethod ?? play.becomeMethod ?? strVar(fromVar('ansible_become_method')) ?? cli.becomeMethod ?? 'sudo';
  if (methodName !== 'sudo' && methodName !== 'su') throw new Error(`become_method '${methodName}' is not supported (use sudo or su)`);
  const password = strVar(fromVar('ansible_become_password')) ?? strVar(fromVar('ansible_become_pass')) ?? cli.password;
  return password === undefined ? { method: methodName, user } : { method: methodName, user, password };
}

function boolVar(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['true', 'yes', 'on', '1'].includes(v.toLowerCase());
  return undefined;
}

function strVar(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
