// The PowerDNS API through curl on the managed host, configured on stdin (`curl --config -`): the API
// key and the body never reach a command line, where `ps` on that host would show them.
import { curlConfig } from '../http/curl.js';

export interface HttpRequest {
  method: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** Sent as is (no `@file` reading: a body starting with `@` is refused). */
  body?: string;
  timeoutSeconds?: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** The config for a request whose status follows the body on the last line, as parseCurlOutput reads it. */
export function apiCurlConfig(req: HttpRequest): string {
  return curlConfig({ ...req, timeoutSeconds: req.timeoutSeconds ?? 30 }, '\n%{http_code}');
}

/** Splits curl's stdout (body, newline, status) as apiCurlConfig asks for it. */
export function parseCurlOutput(output: string): HttpResponse {
  const stdout = output.replace(/\n$/, '');
  const cut = stdout.lastIndexOf('\n');
  const status = Number(stdout.slice(cut + 1).trim());
  if (cut < 0 || !Number.isInteger(status) || status < 100) throw new Error(`curl gave no HTTP status (output: ${stdout.slice(0, 200)})`);
  return { status, body: stdout.slice(0, cut) };
}
