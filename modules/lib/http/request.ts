// HTTP requests from the managed host for uri and get_url: curl configured on stdin (so credentials
// and bodies never reach a command line). stdout holds the response header blocks, the body, then a
// marker line with the status, redirect count and final URL. (Headers go to stdout, not /dev/stderr:
// a connection's stderr may be a socket, which curl cannot open.) Parsing the output is pure.
import { randomBytes } from 'node:crypto';
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { CURL_STDIN_ARGV } from './curl.js';
import { curlConfig, type CurlOptions } from './curl.js';

/** A request of uri or get_url: redirects and certificate checks are always decided. */
export interface CurlRequest extends CurlOptions {
  followRedirects: boolean;
  validateCerts: boolean;
}

export interface CurlResponse {
  status: number;
  url: string;
  /** The last response's headers, lower-cased names. */
  headers: Record<string, string>;
  body: string;
  redirected: boolean;
}

/** A random line that marks where the body ends in stdout. */
export function newMarker(): string {
  return `--osm-play-${randomBytes(8).toString('hex')}--`;
}

/** uri and get_url's config: header blocks, body, then the marker line that parseCurlResponse reads. */
export function curlRequestConfig(req: CurlRequest, marker: string): string {
  return curlConfig({ ...req, dumpHeaders: true }, `\n${marker}\n%{http_code}\n%{num_redirects}\n%{url_effective}\n`);
}

/** Splits the header blocks (one per response: redirects, 100 Continue) off the front of stdout. */
export function splitHeaderBlocks(out: string): { blocks: string[]; rest: string } {
  const blocks: string[] = [];
  let rest = out;
  while (/^HTTP\/\S+ \d{3}/.test(rest)) {
    const end = rest.search(/\r?\n\r?\n/);
    if (end < 0) break;
    const sep = /\r?\n\r?\n/.exec(rest.slice(end))![0];
    blocks.push(rest.slice(0, end));
    rest = rest.slice(end + sep.length);
  }
  return { blocks, rest };
}

/** One header block's fields, names lower-cased. */
export function parseHeaderBlock(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

export function parseCurlResponse(stdout: string, stderr: string, marker: string): CurlResponse {
  const { blocks, rest } = splitHeaderBlocks(stdout);
  const at = rest.lastIndexOf(`\n${marker}\n`);
  if (at < 0) throw new Error(`curl gave no response${stderr.trim() ? `: ${lastCurlError(stderr)}` : ''}`);
  const [code, redirects, url] = rest.slice(at + marker.length + 2).split('\n');
  const status = Number(code);
  if (!Number.isInteger(status) || status < 100) throw new Error(`curl gave no HTTP status${stderr.trim() ? `: ${lastCurlError(stderr)}` : ''}`);
  const last = blocks[blocks.length - 1] ?? '';
  return { status, url, headers: parseHeaderBlock(last), body: rest.slice(0, at), redirected: Number(redirects) > 0 };
}

/** curl's own error line (`curl: (7) Failed to connect ...`), else the last line of stderr. */
export function lastCurlError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.filter((l) => l.startsWith('curl:')).pop() ?? lines.pop() ?? '';
}

/** Response headers as Ansible's uri/get_url return them: lower case, dashes as underscores. */
export function ansibleHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/-/g, '_'), v]));
}

/**
 * Sends the request with curl on the host (configured on stdin). A transport failure (refused,
 * timeout) is a ModuleError whose text `failed(why)` words for its caller.
 */
export async function sendCurlRequest(host: HostContext, req: CurlRequest, failed: (why: string) => string): Promise<CurlResponse> {
  const marker = newMarker();
  const r = await host.exec({ argv: CURL_STDIN_ARGV }, { stdin: curlRequestConfig(req, marker) });
  try {
    return parseCurlResponse(r.stdout, r.stderr, marker);
  } catch (e) {
    throw new ModuleError(failed(r.stderr.trim() ? lastCurlError(r.stderr) : (e as Error).message), { rc: r.exitCode });
  }
}
