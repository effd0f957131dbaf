// The PowerDNS authoritative HTTP API (v1), as far as dns_record needs it: read a zone, PATCH rrsets.
// Requests run on the managed host through curl (see curl.ts); answers are parsed here, pure.
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { CURL_STDIN_ARGV } from '../http/curl.js';
import { apiCurlConfig, parseCurlOutput, type HttpRequest, type HttpResponse } from './curl.js';

export interface PdnsTarget {
  apiUrl: string;
  apiKey: string;
  serverId: string;
  /** FQDN with the trailing dot. */
  zone: string;
}

export interface PdnsRecord {
  content: string;
  disabled: boolean;
}

export interface PdnsRrset {
  name: string;
  type: string;
  ttl: number;
  records: PdnsRecord[];
}

/** One entry of a PATCH: REPLACE sets the whole RRset, DELETE removes it. */
export type RrsetChange =
  | { name: string; type: string; changetype: 'REPLACE'; ttl: number; records: PdnsRecord[] }
  | { name: string; type: string; changetype: 'DELETE' };

export function zoneUrl(t: Pick<PdnsTarget, 'apiUrl' | 'serverId' | 'zone'>): string {
  const base = t.apiUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${base}/api/v1/servers/${encodeURIComponent(t.serverId)}/zones/${encodeURIComponent(t.zone)}`;
}

/** The message for a failed answer: PowerDNS sends `{"error": ...}` for 4xx it understood, plain text otherwise. */
export function apiError(res: HttpResponse, what: string, t: PdnsTarget): string {
  let detail = res.body.trim();
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed !== null && typeof parsed === 'object' && 'error' in parsed) detail = String(parsed.error);
  } catch {
    // plain text ("Not Found", "Unauthorized")
  }
  if (res.status === 401 || res.status === 403) return `${what}: the PowerDNS API at ${t.apiUrl} refused the API key (HTTP ${res.status})`;
  if (res.status === 404) return `${what}: zone ${t.zone} not found on server '${t.serverId}' at ${t.apiUrl} (HTTP 404 ${detail}): create the zone first`;
  return `${what}: PowerDNS API answered HTTP ${res.status}: ${detail}`;
}

/** The RRsets of a zone answer (GET .../zones/ZONE). */
export function parseZone(body: string): PdnsRrset[] {
  const zone = JSON.parse(body) as { rrsets?: unknown };
  if (!Array.isArray(zone.rrsets)) throw new Error('the zone answer has no rrsets list');
  return (zone.rrsets as PdnsRrset[]).map((r) => ({
    name: r.name,
    type: r.type,
    ttl: r.ttl,
    records: r.records.map((x) => ({ content: x.content, disabled: x.disabled })),
  }));
}

export function findRrset(rrsets: PdnsRrset[], name: string, type: string): PdnsRrset | null {
  return rrsets.find((r) => r.name.toLowerCase() === name && r.type === type) ?? null;
}

/** Runs one request through curl on the host. Transport failures are ModuleErrors naming the URL. */
export async function httpOnHost(host: HostContext, req: HttpRequest): Promise<HttpResponse> {
  const r = await host.exec({ argv: CURL_STDIN_ARGV }, { stdin: apiCurlConfig(req) });
  if (r.exitCode === 127 || /curl: (command )?not found/.test(r.stderr)) {
    throw new ModuleError(`curl is not installed on ${host.name}: dns_record calls the API from there (apt: curl)`);
  }
  if (r.exitCode !== 0) {
    throw new ModuleError(`cannot reach ${req.url} from ${host.name}: ${r.stderr.trim() || `curl exited ${r.exitCode}`}`, { rc: r.exitCode });
  }
  return parseCurlOutput(r.stdout);
}

function headers(t: PdnsTarget): Record<string, string> {
  return { 'X-API-Key': t.apiKey, Accept: 'application/json', 'Content-Type': 'application/json' };
}

export async function getZoneRrsets(host: HostContext, t: PdnsTarget): Promise<PdnsRrset[]> {
  const res = await httpOnHost(host, { method: 'GET', url: zoneUrl(t), headers: headers(t) });
  if (res.status !== 200) throw new ModuleError(apiError(res, `reading zone ${t.zone}`, t));
  try {
    return parseZone(res.body);
  } catch (err) {
    throw new ModuleError(`reading zone ${t.zone}: unexpected answer from ${t.apiUrl}: ${(err as Error).message}`);
  }
}

export async function patchRrsets(host: HostContext, t: PdnsTarget, rrsets: RrsetChange[]): Promise<void> {
  const res = await httpOnHost(host, { method: 'PATCH', url: zoneUrl(t), headers: headers(t), body: JSON.stringify({ rrsets }) });
  if (res.status !== 204 && res.status !== 200) throw new ModuleError(apiError(res, `changing zone ${t.zone}`, t));
}
