// A JSON HTTP API called from the managed host (or container) with curl configured on stdin: tokens,
// passwords and bodies never reach a command line. One helper for the typed modules that set up a
// customer's application stack (InfluxDB, Grafana, ChirpStack) through their documented APIs.
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { sendCurlRequest, type CurlResponse } from './request.js';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON (Content-Type set). */
  json?: unknown;
  /** A raw body (e.g. binary framing as latin1); give the Content-Type in headers. */
  body?: string;
  /** Basic authentication. */
  user?: { name: string; password: string };
  timeoutSeconds?: number;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed, when it is JSON; undefined otherwise. */
  json: unknown;
}

/** The curl request of an API call: never follows redirects, always verifies certificates. */
export function apiCurlRequest(req: ApiRequest) {
  const headers: Record<string, string> = { Accept: 'application/json', ...(req.headers ?? {}) };
  let body = req.body;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['Content-Type'] = 'application/json';
  }
  return { method: req.method, url: req.url, headers, body, user: req.user, timeoutSeconds: req.timeoutSeconds ?? 30, followRedirects: false, validateCerts: true };
}

/** Parses a response body as JSON when it is some; undefined when it is not. */
export function jsonOf(res: CurlResponse): unknown {
  if (res.body.trim() === '') return undefined;
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return undefined;
  }
}

/** What a failed call says, for the operator: method, URL without credentials, status and the server's message. */
export function apiFailure(what: string, req: ApiRequest, res: ApiResponse): ModuleError {
  const j = res.json as { message?: unknown; error?: unknown } | undefined;
  const said = typeof j?.message === 'string' ? j.message : typeof j?.error === 'string' ? j.error : res.body.slice(0, 200);
  return new ModuleError(`${what}: ${req.method} ${req.url} answered ${res.status}${said ? `: ${said}` : ''}`);
}

/** Makes the call on the host; a transport failure (refused, timeout) is a ModuleError naming the URL. */
export async function callApi(host: HostContext, req: ApiRequest): Promise<ApiResponse> {
  const res = await sendCurlRequest(host, apiCurlRequest(req), (why) => `${req.method} ${req.url} failed: ${why}`);
  return { status: res.status, headers: res.headers, body: res.body, json: jsonOf(res) };
}
