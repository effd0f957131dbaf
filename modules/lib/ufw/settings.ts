// ufw's global settings: on/off, default policies, logging. From `ufw status verbose` when active;
// an inactive ufw prints only "Status: inactive", so then from the files ufw itself keeps them in
// (/etc/default/ufw DEFAULT_*_POLICY, /etc/ufw/ufw.conf LOGLEVEL). The routed policy always comes from
// the file: status prints "disabled (routed)" whenever IP forwarding is off, whatever the policy.
import { parseStatusVerbose } from './status.js';

export type Policy = 'allow' | 'deny' | 'reject';
export type LogLevel = 'off' | 'low' | 'medium' | 'high' | 'full';

export interface UfwSettings {
  active: boolean;
  incoming?: Policy;
  outgoing?: Policy;
  routed?: Policy;
  logging?: LogLevel;
}

const FROM_FILE: Record<string, Policy> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };
const LEVELS = new Set(['off', 'low', 'medium', 'high', 'full']);

/** KEY="value" lines of a shell-style config file. */
export function parseShellVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(?:"([^"]*)"|'([^']*)'|(\S*))/.exec(line);
    if (m?.[1]) out[m[1]] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

function policy(v: string | undefined): Policy | undefined {
  if (v === undefined) return undefined;
  if (v in FROM_FILE) return FROM_FILE[v];
  return v === 'allow' || v === 'deny' || v === 'reject' ? v : undefined;
}

function level(v: string | undefined): LogLevel | undefined {
  return v !== undefined && LEVELS.has(v) ? (v as LogLevel) : undefined;
}

export function ufwSettings(statusText: string, defaultsFile: string, confFile: string): UfwSettings {
  const status = parseStatusVerbose(statusText);
  const defs = parseShellVars(defaultsFile);
  const conf = parseShellVars(confFile);
  const fromFiles: UfwSettings = {
    active: status.active,
    incoming: policy(defs.DEFAULT_INPUT_POLICY),
    outgoing: policy(defs.DEFAULT_OUTPUT_POLICY),
    routed: policy(defs.DEFAULT_FORWARD_POLICY),
    logging: level(conf.LOGLEVEL),
  };
  if (!status.active) return fromFiles;
  return {
    active: true,
    incoming: policy(status.defaults?.incoming) ?? fromFiles.incoming,
    outgoing: policy(status.defaults?.outgoing) ?? fromFiles.outgoing,
    routed: fromFiles.routed,
    logging: level(status.logging) ?? fromFiles.logging,
  };
}
