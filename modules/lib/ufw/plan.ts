// Pure planning for ufw_rule: which existing rule a desired one is, and the ufw argv to get there.
import { parseIpv4, formatIpv4 } from '../net/ipv4.js';
import type { UfwAction, UfwRule } from './status.js';

export interface DesiredUfwRule {
  port: number;
  proto: 'tcp' | 'udp' | 'any';
  rule: UfwAction;
  from: string;
  comment?: string;
  state: 'present' | 'absent';
}

/** ufw's spelling of a source: `any`, a bare address for /32, the network address for a CIDR. */
export function normalizeFrom(from: string): string {
  const f = from.trim();
  if (['any', 'anywhere', '0.0.0.0/0', '::/0'].includes(f.toLowerCase())) return 'any';
  const [addr = '', bits] = f.split('/');
  const ip = parseIpv4(addr);
  if (ip !== null && bits !== undefined) {
    const prefix = Number(bits);
    if (prefix === 32) return formatIpv4(ip);
    const size = 2 ** (32 - prefix);
    return `${formatIpv4(ip - (ip % size))}/${prefix}`;
  }
  if (ip === null && bits === '128') return addr.toLowerCase();
  return f.toLowerCase();
}

/** The rules (v4 and v6 twins) that are the same tuple as the desired one; ufw replaces these in place. */
export function matchingRules(want: DesiredUfwRule, rules: UfwRule[]): UfwRule[] {
  const from = normalizeFrom(want.from);
  return rules.filter(
    (r) =>
      r.direction === 'in' &&
      r.iface === undefined &&
      r.fromPort === undefined &&
      r.to === 'any' &&
      r.port === String(want.port) &&
      r.proto === want.proto &&
      normalizeFrom(r.from) === from,
  );
}

/** `ufw allow proto tcp from any to any port 8883 comment x` as argv (proto omitted for any). */
export function ruleArgv(action: UfwAction, want: DesiredUfwRule, withComment: boolean): string[] {
  const argv = ['ufw', action];
  if (want.proto !== 'any') argv.push('proto', want.proto);
  argv.push('from', normalizeFrom(want.from), 'to', 'any', 'port', String(want.port));
  if (withComment && want.comment !== undefined && want.comment !== '') argv.push('comment', want.comment);
  return argv;
}

/** The rule as `ufw show added` prints it, for before/after lines in the diff. */
export function showAddedLine(action: UfwAction, want: DesiredUfwRule, comment: string | undefined): string {
  const from = normalizeFrom(want.from);
  const c = comment ? ` comment '${comment}'` : '';
  if (from === 'any') return `ufw ${action} ${want.port}${want.proto === 'any' ? '' : `/${want.proto}`}${c}`;
  return `ufw ${action} from ${from} to any port ${want.port}${want.proto === 'any' ? '' : ` proto ${want.proto}`}${c}`;
}
