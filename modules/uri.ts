// uri: an HTTP request from the host, with Ansible's arguments and return values. The request is the
// planned work, so check mode sends nothing. Like Ansible, it never reports changed: use changed_when.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { OnlyChange, Vars } from '../runner/types.js';
import { ansibleHeaders, sendCurlRequest, type CurlRequest, type CurlResponse } from './lib/http/request.js';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'http:// or https:// URL.' }),
    method: Type.String({ pattern: '^[A-Z]+$', default: 'GET', description: 'HTTP method, upper case.' }),
    body: Type.Optional(Type.Unknown({ description: 'The request body: a string, or data encoded by body_format.' })),
    body_format: Type.Union([Type.Literal('raw'), Type.Literal('json'), Type.Literal('form-urlencoded')], { default: 'raw', description: 'How body is encoded; json and form-urlencoded also set Content-Type.' }),
    headers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { default: {}, description: 'Request headers.' }),
    status_code: Type.Union([Type.Integer(), Type.Array(Type.Integer())], { default: [200], description: 'Status codes that mean success.' }),
    return_content: Type.Boolean({ default: false, description: 'Return the body as `content` (a JSON body is always parsed into `json`).' }),
    timeout: Type.Integer({ minimum: 1, default: 30, description: 'Seconds for the whole request.' }),
    validate_certs: Type.Boolean({ default: true, description: 'Verify the server\'s TLS certificate.' }),
    follow_redirects: Type.Union([Type.Literal('all'), Type.Literal('safe'), Type.Literal('none'), Type.Literal('no'), Type.Literal('yes'), Type.Boolean()], { default: 'safe', description: 'safe/all/yes/true follow redirects; none/no/false do not.' }),
    url_username: Type.Optional(Type.String({ description: 'Basic authentication user. Alias: user.' })),
    user: Type.Optional(Type.String({ description: 'Alias of url_username.' })),
    url_password: Type.Optional(Type.String({ description: 'Basic authentication password. Alias: password.' })),
    password: Type.Optional(Type.String({ description: 'Alias of url_password.' })),
    force_basic_auth: Type.Optional(Type.Boolean({ description: 'Accepted: curl sends basic authentication with the first request anyway.' })),
    creates: Type.Optional(Type.String({ description: 'Skip the request when this path exists on the host.' })),
    removes: Type.Optional(Type.String({ description: 'Skip the request unless this path exists on the host.' })),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface UriState {
  /** Why the request is not made (creates/removes), or null. */
  skipReason: string | null;
}

/** The one change: send the request (it is the planned work, so check mode sends nothing). */
export type UriChange = OnlyChange<'request'>;

/** The request body and the Content-Type it implies. */
export function encodeBody(a: Args): { body?: string; contentType?: string } {
  if (a.body === undefined || a.body === null) return {};
  if (a.body_format === 'json') return { body: typeof a.body === 'string' ? a.body : JSON.stringify(a.body), contentType: 'application/json' };
  if (a.body_format === 'form-urlencoded') {
    if (typeof a.body === 'string') return { body: a.body, contentType: 'application/x-www-form-urlencoded' };
    if (typeof a.body !== 'object') throw new ModuleError('uri: body_format form-urlencoded needs body as a mapping (or an encoded string)');
    const pairs = Array.isArray(a.body) ? (a.body as [string, unknown][]) : Object.entries(a.body as Vars);
    return { body: new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  if (typeof a.body !== 'string') throw new ModuleError('uri: body is not a string; set body_format: json to send data as JSON');
  return { body: a.body };
}

export function requestOf(a: Args): CurlRequest {
  const { body, contentType } = encodeBody(a);
  const headers: Record<string, string> = {};
  if (contentType) headers['Content-Type'] = contentType;
  for (const [k, v] of Object.entries(a.headers)) headers[k] = String(v);
  const name = a.url_username ?? a.user;
  const password = a.url_password ?? a.password;
  const follow = a.follow_redirects;
  return {
    method: a.method,
    url: a.url,
    headers,
    body,
    timeoutSeconds: a.timeout,
    followRedirects: !(follow === 'none' || follow === 'no' || follow === false),
    validateCerts: a.validate_certs,
    user: name !== undefined ? { name, password: password ?? '' } : undefined,
  };
}

export function sendRequest(host: HostContext, req: CurlRequest): Promise<CurlResponse> {
  return sendCurlRequest(host, req, (why) => `Request failed: ${req.method} ${req.url}: ${why}`);
}

const wantedStatus = (a: Args): number[] => (Array.isArray(a.status_code) ? a.status_code : [a.status_code]);

/** The registered result of a response, as Ansible's uri gives it, and whether its status is a failure. */
export function responseResult(a: Args, res: CurlResponse): { data: Vars; failedMsg?: string } {
  const out: Vars = { status: res.status, url: res.url, redirected: res.redirected, msg: `OK (${Buffer.byteLength(res.body)} bytes)`, ...ansibleHeaders(res.headers) };
  if (/json/i.test(res.headers['content-type'] ?? '')) {
    try {
      out['json'] = JSON.parse(res.body) as unknown;
    } catch {
      // Not JSON after all: Ansible leaves `json` out too.
    }
  }
  if (a.return_content) out['content'] = res.body;
  const wanted = wantedStatus(a);
  if (wanted.includes(res.status)) return { data: out };
  const failedMsg = `Status code was ${res.status} and not [${wanted.join(', ')}]: ${a.method} ${a.url}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`;
  return { data: { ...out, msg: failedMsg }, failedMsg };
}

async function gatherUri(host: HostContext, a: Args): Promise<UriState> {
  if (a.creates !== undefined && (await host.stat(a.creates))) return { skipReason: `${a.creates} exists` };
  if (a.removes !== undefined && !(await host.stat(a.removes))) return { skipReason: `${a.removes} does not exist` };
  requestOf(a); // bad bodies fail before anything is sent
  return { skipReason: null };
}

export function planUri(a: Args, s: UriState): UriChange[] {
  if (s.skipReason !== null) return [];
  return [{ action: 'request', target: a.url, summary: `${a.method} ${a.url}` }];
}

export default defineModule({
  name: 'uri',
  doc:
    'Makes an HTTP request from the host with curl (configured on stdin, so passwords and bodies are not on a command line) and returns ' +
    'status, url, redirected, the response headers (lower case, dashes as underscores), `json` when the answer is JSON and `content` with ' +
    'return_content. Fails when the status is not in status_code (the result still holds status, for until: loops). Check mode sends ' +
    'nothing. Never changed (as in Ansible: use changed_when).',
  example: ['- uri:', '    url: http://127.0.0.1:8080/health', '    return_content: true', '  register: health'].join('\n'),
  args,
  secretArgs: ['url_password', 'password'],
  gather: gatherUri,
  plan: planUri,
  async apply(host, a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'request':
          break; // sent below
        default:
          unknownChange(c);
      }
    }
    const { data, failedMsg } = responseResult(a, await sendRequest(host, requestOf(a)));
    return { changed: false, data, failed: failedMsg !== undefined, msg: failedMsg };
  },
  result: (_a, s) => (s.skipReason !== null ? { msg: `skipped, since ${s.skipReason}`, skipped: true } : {}),
});
