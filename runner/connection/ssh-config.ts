// A small ~/.ssh/config reader: Host blocks with * ? ! patterns, and the options osm-play uses
// (HostName, Port, User, IdentityFile). First value wins, as in OpenSSH; IdentityFile accumulates.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { matchPatternList } from './ssh-pattern.js';

export interface SshConfigEntry {
  hostName?: string;
  port?: number;
  user?: string;
  identityFiles: string[];
}

interface Block {
  patterns: string[] | null; // null: global (before any Host) ; [] never matches (Match blocks)
  options: Array<[string, string]>;
}

/** Splits `Key value`, `Key=value` and `Key "quoted value"` lines. */
function splitLine(line: string): [string, string[]] | null {
  const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
  if (!m) return null;
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let a: RegExpExecArray | null;
  while ((a = re.exec(m[2]!)) !== null) args.push(a[1] ?? a[2]!);
  return [m[1]!.toLowerCase(), args];
}

export function parseSshConfig(text: string): Block[] {
  const blocks: Block[] = [{ patterns: null, options: [] }];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = splitLine(line);
    if (!parsed) continue;
    const [key, args] = parsed;
    if (key === 'host') blocks.push({ patterns: args, options: [] });
    // Match blocks need a condition evaluator we do not have: their options never apply.
    else if (key === 'match') blocks.push({ patterns: [], options: [] });
    else blocks[blocks.length - 1]!.options.push([key, args.join(' ')]);
  }
  return blocks;
}

function expandTokens(value: string, host: string, user: string, port: number): string {
  const home = homedir();
  const withHome = value.startsWith('~/') ? join(home, value.slice(2)) : value;
  return withHome.replace(/%([%dhupr])/g, (_, t: string) => {
    switch (t) {
      case '%':
        return '%';
      case 'd':
        return home;
      case 'h':
        return host;
      case 'p':
        return String(port);
      case 'r':
        return user;
      default:
        return userInfo().username;
    }
  });
}

/** Options for `host` (the name given to ssh), as OpenSSH would resolve them. */
export function resolveSshConfig(blocks: Block[], host: string): SshConfigEntry {
  const found = new Map<string, string>();
  const identity: string[] = [];
  for (const b of blocks) {
    if (b.patterns !== null && !matchPatternList(host, b.patterns)) continue;
    for (const [k, v] of b.options) {
      if (k === 'identityfile') identity.push(v);
      else if (!found.has(k)) found.set(k, v);
    }
  }
  const hostName = found.get('hostname')?.replace(/%h/g, host);
  const portText = found.get('port');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const user = found.get('user');
  const effUser = user ?? userInfo().username;
  const effHost = hostName ?? host;
  return {
    hostName,
    port,
    user,
    identityFiles: identity.map((f) => expandTokens(f, effHost, effUser, port ?? 22)),
  };
}

/** Reads ~/.ssh/config (or the given file) for one host; missing file means no options. */
export function sshConfigFor(host: string, file = join(homedir(), '.ssh', 'config')): SshConfigEntry {
  if (!existsSync(file)) return { identityFiles: [] };
  return resolveSshConfig(parseSshConfig(readFileSync(file, 'utf8')), host);
}
