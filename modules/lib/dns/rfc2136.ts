// The RFC 2136 backend: reads an RRset with dig (an ANY query over TCP to the authoritative server)
// and changes it with nsupdate, signed with TSIG. Both run on the managed host; nsupdate gets its
// whole script, key included, on stdin, so the TSIG secret is on no command line.
import { ModuleError, type HostContext } from '../../../runner/module.js';
import type { PdnsRrset, RrsetChange } from './pdns-api.js';

export interface Rfc2136Target {
  server: string;
  port: number;
  /** FQDN with the trailing dot. */
  zone: string;
  tsig?: { name: string; algorithm: string; secret: string };
}

/** dig's argv: every RRset at the name, authoritative answer only, over TCP (no truncation). */
export function digArgv(t: Rfc2136Target, name: string): string[] {
  return ['dig', `@${t.server}`, '-p', String(t.port), '+tcp', '+norecurse', '+noall', '+comments', '+answer', '+time=5', '+tries=1', name, 'ANY'];
}

/**
 * The RRsets at `name` from dig's output. Answers for other names (the target a CNAME leads to)
 * are dropped. Refuses a status other than NOERROR/NXDOMAIN: the server is not authoritative.
 */
export function parseDigAnswers(stdout: string, name: string): PdnsRrset[] {
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1];
  if (status === undefined) throw new Error(`dig gave no answer header (output: ${stdout.trim().slice(0, 200)})`);
  if (status !== 'NOERROR' && status !== 'NXDOMAIN') throw new Error(`the server answered ${status} for ${name}: is it authoritative for the zone?`);
  const sets = new Map<string, PdnsRrset>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+IN\s+([A-Z0-9]+)\s+(.*?)\s*$/.exec(line);
    if (!m || line.startsWith(';')) continue;
    const [, owner = '', ttl = '', type = '', rdata = ''] = m;
    if (owner.toLowerCase() !== name) continue;
    const set = sets.get(type) ?? { name, type, ttl: Number(ttl), records: [] };
    set.records.push({ content: rdata, disabled: false });
    sets.set(type, set);
  }
  return [...sets.values()];
}

/** The nsupdate script that makes the planned changes, in one update message (applied atomically). */
export function nsupdateScript(t: Rfc2136Target, changes: RrsetChange[]): string {
  const lines = [`server ${t.server} ${t.port}`];
  if (t.tsig) lines.push(`key ${t.tsig.algorithm}:${t.tsig.name} ${t.tsig.secret}`);
  lines.push(`zone ${t.zone}`);
  for (const c of changes) {
    lines.push(`update delete ${c.name} ${c.type}`);
    if (c.changetype === 'REPLACE') for (const r of c.records) lines.push(`update add ${c.name} ${c.ttl} ${c.type} ${r.content}`);
  }
  lines.push('send', '');
  return lines.join('\n');
}

function missingTool(host: HostContext, tool: string, r: { exitCode: number; stderr: string }): void {
  if (r.exitCode === 127 || new RegExp(`${tool}: (command )?not found`).test(r.stderr)) {
    throw new ModuleError(`${tool} is not installed on ${host.name}: the rfc2136 backend runs it there (apt: dnsutils)`);
  }
}

export async function readRrsets(host: HostContext, t: Rfc2136Target, name: string): Promise<PdnsRrset[]> {
  const r = await host.exec({ argv: digArgv(t, name) });
  missingTool(host, 'dig', r);
  if (r.exitCode !== 0) throw new ModuleError(`dig @${t.server} -p ${t.port} ${name} failed: ${(r.stderr || r.stdout).trim()}`, { rc: r.exitCode });
  try {
    return parseDigAnswers(r.stdout, name);
  } catch (err) {
    throw new ModuleError(`reading ${name} from ${t.server}:${t.port}: ${(err as Error).message}`);
  }
}

export async function sendUpdate(host: HostContext, t: Rfc2136Target, changes: RrsetChange[]): Promise<void> {
  const r = await host.exec({ argv: ['nsupdate', '-v'] }, { stdin: nsupdateScript(t, changes) });
  missingTool(host, 'nsupdate', r);
  if (r.exitCode !== 0) {
    throw new ModuleError(`nsupdate to ${t.server}:${t.port} for zone ${t.zone} failed: ${(r.stderr || r.stdout).trim()}`, { rc: r.exitCode });
  }
}
