// ufw's recorded rules read from its own files, without starting ufw (a Python program: about 0.1 s
// a start). While ufw is disabled (ENABLED=no in ufw.conf) `ufw status` lists no rules, and what
// `ufw show added` prints is made from the `### tuple ###` lines of user.rules and user6.rules: each
// rule's command as ufw's frontend writes it (get_command in ufw's parser.py), the same line once.
// Only the tuples ufw writes for plain port and address rules are turned here; any other kind
// (application profiles, logging, route rules, interfaces, an IPv6-only rule, which depends on
// IPV6= and the kernel) gives undefined, and the caller asks ufw itself.

export const UFW_CONF = '/etc/ufw/ufw.conf';
export const UFW_RULE_FILES = ['/etc/ufw/user.rules', '/etc/ufw/user6.rules'] as const;

// Disabled: `file:line` for ufw.conf's ENABLED= and every tuple. Enabled: ufw's own report.
const READ_RULES = `if grep -qsE '^ENABLED=.?no([^a-z]|$)' "$1"; then exec grep -H -e '^ENABLED=' -e '^### tuple ###' "$@"; fi; exec ufw status verbose`;

/**
 * One command for either state: while ufw is disabled the lines showAddedFromFiles reads (they start
 * with `/etc/ufw/ufw.conf:`), otherwise what `ufw status verbose` prints.
 */
export function readRulesArgv(): string[] {
  return ['sh', '-c', READ_RULES, 'sh', UFW_CONF, ...UFW_RULE_FILES];
}

/** Whether readRulesArgv's output is the files' lines (ufw disabled) rather than ufw's report. */
export function isFromFiles(output: string): boolean {
  return output.startsWith(`${UFW_CONF}:`);
}

interface Tuple {
  action: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  direction: 'in' | 'out';
  comment: string;
}

const ACTIONS = new Set(['allow', 'deny', 'reject', 'limit']);
const ANY_ADDR = new Set(['0.0.0.0/0', '::/0']);

/**
 * The text `ufw show added` prints, from readRulesArgv()'s output while ufw is disabled; undefined
 * when ufw is enabled (its running rules are `ufw status`'s) or a tuple is of a kind not turned here.
 */
export function showAddedFromFiles(grepOutput: string): string | undefined {
  let enabled: string | undefined;
  const lines: Record<string, string[]> = {};
  for (const line of grepOutput.split('\n')) {
    const file = [UFW_CONF, ...UFW_RULE_FILES].find((f) => line.startsWith(`${f}:`));
    if (!file) continue;
    const rest = line.slice(file.length + 1);
    if (file === UFW_CONF) enabled = /^ENABLED=["']?(\w+)/.exec(rest)?.[1]?.toLowerCase();
    else (lines[file] ??= []).push(rest);
  }
  if (enabled !== 'no') return undefined;
  const added: string[] = [];
  for (const [i, file] of UFW_RULE_FILES.entries()) {
    for (const text of lines[file] ?? []) {
      const tuple = parseTuple(text);
      if (!tuple) return undefined;
      const command = commandOf(tuple);
      if (added.includes(command)) continue;
      // A rule only user6.rules has is listed only where ufw uses IPv6: ask ufw.
      if (i > 0) return undefined;
      added.push(command);
    }
  }
  const header = "Added user rules (see 'ufw status' for running firewall):";
  return added.length === 0 ? `${header}\n(None)\n` : `${header}\n${added.map((c) => `ufw ${c}`).join('\n')}\n`;
}

/** `### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=<hex>`; undefined for other kinds. */
function parseTuple(line: string): Tuple | undefined {
  const [body = '', hex = ''] = line.split(' comment=');
  const f = body.replace(/^### tuple ###\s*/, '').trim().split(/\s+/);
  if (f.length !== 7) return undefined;
  const [action = '', proto = '', dport = '', dst = '', sport = '', src = '', direction = ''] = f;
  if (!ACTIONS.has(action) || (direction !== 'in' && direction !== 'out')) return undefined;
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex.trim())) return undefined;
  return { action, proto, dport, dst, sport, src, direction, comment: Buffer.from(hex.trim(), 'hex').toString('utf8') };
}

/** The rule as a ufw command, as ufw's get_command writes it (short form when it can). */
function commandOf(r: Tuple): string {
  let res = r.action;
  if (ANY_ADDR.has(r.dst) && ANY_ADDR.has(r.src) && r.sport === 'any' && r.dport !== 'any') {
    if (r.direction === 'out') res += ' out';
    res += ` ${r.dport}`;
    if (r.proto !== 'any') res += `/${r.proto}`;
  } else {
    if (r.direction === 'out') res += ' out';
    for (const [word, addr, port] of [['from', r.src, r.sport], ['to', r.dst, r.dport]] as const) {
      const loc = ANY_ADDR.has(addr) ? 'any' : addr;
      if (loc !== 'any' || port !== 'any') res += ` ${word} ${loc}${port !== 'any' ? ` port ${port}` : ''}`;
    }
    if (!res.includes(' to ') && !res.includes(' from ')) res += ' to any';
    if (r.proto !== 'any') res += ` proto ${r.proto}`;
  }
  if (r.comment !== '') res += ` comment '${r.comment}'`;
  return res;
}
