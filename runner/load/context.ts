// State shared while one playbook (and everything it names) is loaded: where diagnostics go,
// which directory relative names resolve against, and which files are open (to catch import cycles).
import type { Diagnostic, Node, RoleInfo, SourcePos, TaskNode, Vars } from '../types.js';

export interface LoadContext {
  diags: Diagnostic[];
  /** Directory of the top-level playbook: roles/ and fallback lookups start here. */
  playbookDir: string;
  /** Directory of the file being read: import_tasks/include_tasks names resolve here first. */
  baseDir: string;
  /** Set while reading a role's files. */
  role?: RoleInfo;
  /** Files being imported right now, outermost first. */
  chain: string[];
  /** Role directory → parsed role, so a role named twice is read once. */
  roleCache: Map<string, LoadedRole>;
  /** Extra directories roles are looked up in (roles_path of ansible.cfg / ANSIBLE_ROLES_PATH). */
  rolesPath?: string[];
  /** The play being read: import_role/include_role add their role and handlers here. */
  playRoles?: { roles: RoleInfo[]; handlers: TaskNode[] };
}

export interface LoadedRole {
  info: RoleInfo;
  tasks: Node[];
  handlers: TaskNode[];
  /** Roles this one depends on (meta/main.yml), in order. */
  dependencies: RoleRef[];
}

/** A role named by a play or by meta dependencies, with the keywords given there. */
export interface RoleRef {
  name: string;
  pos: SourcePos;
  params: Vars;
  when: string[];
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  /** include_role/import_role: other files than main.yml under tasks/, vars/, defaults/, handlers/. */
  from?: { tasks?: string; vars?: string; defaults?: string; handlers?: string };
}

export function childContext(ctx: LoadContext, patch: Partial<LoadContext>): LoadContext {
  return { ...ctx, ...patch };
}
