// HTTP requests from the managed host for uri and get_url: curl configured on stdin (so credentials
// and bodies never reach a command line). stdout holds the response header blocks, the body, then a
// marker line with the status, redirect count and final URL. (Headers go to stdout, not /dev/stderr:
// a connection's stderr may be a socket, which curl cannot open.) Parsing the output is pure.
import { randomBytes } from 'node:crypto';
import { curlQuote } from '../dns/curl.js';

export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutSeconds: number;
  followRedirects: boolean;
  validateCerts: boolean;
  /** user:password for basic authentication. */
  user?: { name: string; password: string };
  /** Write the body to this file on the host instead of stdout. */
  output?: string;
}

export interface CurlResponse {
  status: number;
  url: string;
  /** The last response's headers, lower-cased names. */
  headers: Record<string, string>;
  body: string;
  redirected: boolean;
}

export const CURL_STDIN_ARGV = ['curl', '--config', '-'];

/** A random line that marks where the body ends in stdout. */
export function newMarker(): string {
  return `--osm-play-${randomBytes(8).toString('hex')}--`;
}

export function curlRequestConfig(req: CurlRequest, marker: string): string {
  if (req.body?.startsWith('@')) throw new Error('a request body may not start with @ (curl would read a file)');
  const lines = [
    `url = ${curlQuote(req.url)}`,
    `request = ${curlQuote(req.method)}`,
    'silent',
    'show-error',
    `max-time = ${req.timeoutSeconds}`,
    'proto = "=http,https"',
    'dump-header = "-"',
    `write-out = ${curlQuote(`\n${marker}\n%{http_code}\n%{num_redirects}\n%{url_effective}\n`)}`,
  ];
  if (req.method === 'HEAD') lines.push('head');
  if (req.followRedirects) lines.push('location');
  if (!req.validateCerts) lines.push('insecure');
  if (req.user) lines.push(`user = ${curlQuote(`${req.user.name}:${req.user.password}`)}`);
  if (req.output) lines.push(`output = ${curlQuote(req.output)}`);
  for (const [k, v] of Object.entries(req.headers)) lines.push(`header = ${curlQuote(`${k}: ${v}`)}`);
  if (req.body !== undefined) lines.push(`data-binary = ${curlQuote(req.body)}`);
  return `${lines.join('\n')}\n`;
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
