// Parsers for ufw's own reports: `ufw status verbose` (active firewall) and `ufw show added`
// (the recorded rules as ufw commands; the only useful listing while ufw is inactive).
// Both produce the same UfwRule shape so ufw_rule can compare a desired rule with either.

export type UfwAction = 'allow' | 'deny' | 'reject' | 'limit';
export type UfwDirection = 'in' | 'out' | 'fwd';

export interface UfwRule {
  action: UfwAction;
  direction: UfwDirection;
  /** Destination port spec as ufw prints it ("8883", "6000:6010", "80,443"), or an app name; absent = any. */
  port?: string;
  proto: 'tcp' | 'udp' | 'any';
  /** Source: `any` or an address/CIDR as ufw prints it. */
  from: string;
  fromPort?: string;
  /** Destination address: `any` or an address. */
  to: string;
  iface?: string;
  comment?: string;
  /** Only from `status verbose`: the (v6) twin of a rule. */
  v6?: boolean;
  /** The line it came from. */
  raw: string;
}

export interface UfwStatus {
  active: boolean;
  /** `off`, or the level when on (`low`, `medium`, ...). Absent when inactive. */
  logging?: string;
  defaults?: { incoming?: string; outgoing?: string; routed?: string };
  rules: UfwRule[];
}

const ACTIONS = new Set(['allow', 'deny', 'reject', 'limit']);

/** Splits a shell-ish line the way ufw prints it: words, with '...' or "..." quoting. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

const ANY = new Set(['any', 'anywhere', '0.0.0.0/0', '::/0']);
function normAddr(a: string): string {
  return ANY.has(a.toLowerCase()) ? 'any' : a;
}

/** "8883/tcp" → port 8883 proto tcp; "9000" → proto any. */
function portProto(spec: string): { port: string; proto: UfwRule['proto'] } {
  const m = /^(.+)\/(tcp|udp)$/.exec(spec);
  return m ? { port: m[1] ?? spec, proto: m[2] === 'udp' ? 'udp' : 'tcp' } : { port: spec, proto: 'any' };
}

/** One `ufw ...` line of `ufw show added`; null for lines that are not rules. */
export function parseAddedLine(line: string): UfwRule | null {
  const w = splitWords(line.trim());
  if (w[0] !== 'ufw') return null;
  let i = 1;
  let direction: UfwDirection = 'in';
  if (w[i] === 'route') {
    direction = 'fwd';
    i++;
  }
  const action = w[i++];
  if (!action || !ACTIONS.has(action)) return null;
  const rule: UfwRule = { action: action as UfwAction, direction, proto: 'any', from: 'any', to: 'any', raw: line.trim() };
  if (w[i] === 'in' || w[i] === 'out') {
    if (direction !== 'fwd') rule.direction = w[i] as UfwDirection;
    i++;
  }
  if (w[i] === 'on') {
    rule.iface = w[i + 1];
    i += 2;
  }
  if (w[i] === 'log' || w[i] === 'log-all') i++;
  const extended = w.slice(i).some((x) => x === 'from' || x === 'to');
  if (!extended && w[i] && w[i] !== 'comment') {
    Object.assign(rule, portProto(w[i] ?? ''));
    i++;
  }
  for (; i < w.length; i += 2) {
    const key = w[i];
    const val = w[i + 1] ?? '';
    if (key === 'from') rule.from = normAddr(val);
    else if (key === 'to') rule.to = normAddr(val);
    else if (key === 'port') {
      // a `port` right after `from X` is the source port
      if (w[i - 2] === 'from') rule.fromPort = val;
      else rule.port = val;
    } else if (key === 'proto') rule.proto = val === 'udp' ? 'udp' : val === 'tcp' ? 'tcp' : 'any';
    else if (key === 'app') rule.port = val;
    else if (key === 'comment') rule.comment = val;
  }
  return rule;
}

/** `ufw show added` → the recorded rules. */
export function parseShowAdded(text: string): UfwRule[] {
  return text
    .split('\n')
    .map(parseAddedLine)
    .filter((r): r is UfwRule => r !== null);
}

const ACTION_COL = /\s+(ALLOW|DENY|REJECT|LIMIT)(?: (IN|OUT|FWD))?\s{2,}/;

/** Splits "80/tcp (v6) on eth0" into its endpoint parts. */
function endpoint(text: string): { addr: string; port?: string; proto: UfwRule['proto']; iface?: string; v6: boolean } {
  let t = text.trim();
  let iface: string | undefined;
  const on = / on (\S+)$/.exec(t);
  if (on) {
    iface = on[1];
    t = t.slice(0, on.index);
  }
  const v6 = / \(v6\)$/.test(t);
  if (v6) t = t.replace(/ \(v6\)$/, '');
  const parts = t.split(/\s+/);
  const looksAddr = (s: string): boolean => /^[0-9a-fA-F.:]+(\/\d+)?$/.test(s) && /[.:]/.test(s);
  if (parts.length >= 2) {
    const pp = portProto(parts[1] ?? '');
    return { addr: normAddr(parts[0] ?? ''), port: pp.port, proto: pp.proto, iface, v6 };
  }
  const one = parts[0] ?? '';
  if (one.toLowerCase() === 'anywhere') return { addr: 'any', proto: 'any', iface, v6 };
  if (looksAddr(one)) return { addr: one, proto: 'any', iface, v6 };
  const pp = portProto(one);
  return { addr: 'any', port: pp.port, proto: pp.proto, iface, v6 };
}

/** One rule row of `ufw status verbose` (To, Action, From, optional "# comment"); null otherwise. */
export function parseStatusRow(line: string): UfwRule | null {
  const m = ACTION_COL.exec(line);
  if (!m || m.index === undefined) return null;
  const toText = line.slice(0, m.index);
  let fromText = line.slice(m.index + m[0].length);
  let comment: string | undefined;
  const hash = fromText.indexOf('# ');
  if (hash >= 0) {
    comment = fromText.slice(hash + 2).trim();
    fromText = fromText.slice(0, hash);
  }
  fromText = fromText.replace(/\s+\(out\)\s*$/, '');
  const to = endpoint(toText);
  const from = endpoint(fromText);
  const dir = (m[2] ?? 'IN').toLowerCase() as UfwDirection;
  const rule: UfwRule = {
    action: (m[1] ?? 'ALLOW').toLowerCase() as UfwAction,
    direction: dir,
    proto: to.proto !== 'any' ? to.proto : from.proto,
    from: from.addr,
    to: to.addr,
    raw: line.trimEnd(),
  };
  if (to.port !== undefined) rule.port = to.port;
  if (from.port !== undefined) rule.fromPort = from.port;
  const iface = to.iface ?? from.iface;
  if (iface) rule.iface = iface;
  if (comment) rule.comment = comment;
  if (to.v6 || from.v6) rule.v6 = true;
  return rule;
}

/** `ufw status verbose` → active flag, logging, default policies and rules. */
export function parseStatusVerbose(text: string): UfwStatus {
  const lines = text.split('\n');
  const status: UfwStatus = { active: /^Status: active\b/m.test(text), rules: [] };
  let inTable = false;
  for (const line of lines) {
    const log = /^Logging: (\w+)(?: \((\w+)\))?/.exec(line);
    if (log) status.logging = log[1] === 'off' ? 'off' : (log[2] ?? 'low');
    const def = /^Default: (.*)$/.exec(line);
    if (def) {
      status.defaults = {};
      for (const m of (def[1] ?? '').matchAll(/(\w[\w-]*) \((incoming|outgoing|routed)\)/g)) {
        status.defaults[m[2] as 'incoming' | 'outgoing' | 'routed'] = m[1] ?? '';
      }
    }
    if (/^--\s+-+\s+-+/.test(line)) {
      inTable = true;
      continue;
    }
    if (inTable) {
      const rule = parseStatusRow(line);
      if (rule) status.rules.push(rule);
    }
  }
  return status;
}
