// A fake ChirpStack v4.9 API behind the curl that modules/lib/http/api.ts runs on the host: it reads
// the curl config from stdin (URL, headers, the grpc-web-text body), answers like ChirpStack's
// gRPC-web layer with the fixtures in fixtures/chirpstack/ (encoded from the 4.9 proto, see the
// README there) and keeps the little state the modules change: the admin's password, the
// applications and their InfluxDB integrations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeGrpcWebText, frameMessage, parseGrpcWebFrames } from '../../../modules/lib/chirpstack/grpc-web.js';
import { decodeMessage, encodeMessage, getMessage, getString, getUint } from '../../../modules/lib/chirpstack/protobuf.js';
import type { ExecOptions, ExecResult } from '../../../runner/connection/types.js';
import type { HostContext } from '../../../runner/module.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/chirpstack');

export interface Fixture {
  rpc: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  message: unknown;
  message_hex?: string;
}

export function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

export const JWT = (fixture('login-ok').message as { jwt: string }).jwt;
export const TENANT_ID = '52f14cd4-c6f1-4fbd-8f87-4025e1d49242';
export const ADMIN_ID = '05244f12-6daf-4e1f-8315-c66783a0ab56';
export const APP_ID = (fixture('application-created').message as { id: string }).id;

/** The curl config lines the module sent: `key = "value"`, unescaped. */
export function parseCurlConfig(stdin: string): { url: string; headers: Record<string, string>; body: string | undefined; marker: string } {
  const value = (key: string): string[] =>
    [...stdin.matchAll(new RegExp(`^${key} = "((?:[^"\\\\]|\\\\.)*)"$`, 'gm'))].map((m) =>
      (m[1] ?? '').replace(/\\(.)/g, (_x, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c),
    );
  const headers: Record<string, string> = {};
  for (const h of value('header')) {
    const i = h.indexOf(':');
    headers[h.slice(0, i).toLowerCase()] = h.slice(i + 1).trim();
  }
  const marker = /--osm-play-[0-9a-f]+--/.exec(stdin)?.[0] ?? '';
  return { url: value('url')[0] ?? '', headers, body: value('data-binary')[0], marker };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function grpcOk(message: Uint8Array): Answer {
  const trailer = fixture('empty-ok').body.slice(Buffer.from(frameMessage(new Uint8Array(0))).toString('base64').length);
  return { status: 200, headers: { 'content-type': 'application/grpc-web-text+proto' }, body: Buffer.from(frameMessage(message)).toString('base64') + trailer };
}

function grpcFail(code: number, message: string): Answer {
  return { status: 200, headers: { 'content-type': 'application/grpc-web-text+proto', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) }, body: '' };
}

export interface Call {
  rpc: string;
  authorization: string | undefined;
  request: Uint8Array;
  stdin: string;
  argv: string[];
}

export interface FakeChirpStack {
  host: HostContext;
  calls: Call[];
  state: {
    adminPassword: string;
    tenants: { id: string; name: string }[];
    applications: { id: string; name: string; tenantId: string }[];
    /** InfluxDbIntegration messages by application id, as ChirpStack stores and returns them. */
    integrations: Map<string, Uint8Array>;
    /** Curl cannot connect (ChirpStack down). */
    down: boolean;
    /** An answer that replaces every reply (a proxy's error page, a broken server). */
    override?: Answer;
  };
}

export function fakeChirpStack(init: Partial<FakeChirpStack['state']> = {}): FakeChirpStack {
  const state: FakeChirpStack['state'] = { adminPassword: 'admin', tenants: [{ id: TENANT_ID, name: 'ChirpStack' }], applications: [], integrations: new Map(), down: false, ...init };
  const calls: Call[] = [];

  function fromFixture(name: string): Answer {
    const f = fixture(name);
    return { status: f.status, headers: f.headers, body: f.body };
  }

  function answer(rpc: string, req: Uint8Array, authorization: string | undefined): Answer {
    if (rpc !== 'InternalService.Login' && authorization !== `Bearer ${JWT}`) return fromFixture('unauthenticated');
    const f = decodeMessage(req);
    switch (rpc) {
      case 'InternalService.Login':
        return getString(f, 1) === 'admin' && getString(f, 2) === state.adminPassword ? fromFixture('login-ok') : fromFixture('login-invalid');
      case 'InternalService.Profile':
        return fromFixture('profile-admin');
      case 'UserService.UpdatePassword':
        if (getString(f, 1) !== ADMIN_ID) return grpcFail(5, `Object does not exist (id: ${getString(f, 1)})`);
        state.adminPassword = getString(f, 2);
        return fromFixture('empty-ok');
      case 'TenantService.List': {
        const hits = state.tenants.filter((t) => t.name.includes(getString(f, 3)));
        if (hits.length === 0) return fromFixture('tenants-none');
        if (hits.length === 1 && hits[0]?.id === TENANT_ID) return fromFixture('tenants-chirpstack');
        return grpcOk(listOf(hits));
      }
      case 'ApplicationService.List': {
        const hits = state.applications.filter((x) => x.tenantId === getString(f, 4) && x.name.includes(getString(f, 3)));
        if (getUint(f, 1) === 0) return grpcOk(encodeMessage([{ no: 1, kind: 'uint', value: hits.length }]));
        if (hits.length === 0) return fromFixture('applications-none');
        if (hits.length === 1 && hits[0]?.id === APP_ID && hits[0].name === 'osm') return fromFixture('applications-osm');
        return grpcOk(listOf(hits));
      }
      case 'ApplicationService.Create': {
        const app = decodeMessage(getMessage(f, 1) ?? new Uint8Array(0));
        state.applications.push({ id: APP_ID, name: getString(app, 2), tenantId: getString(app, 4) });
        return fromFixture('application-created');
      }
      case 'ApplicationService.GetInfluxDbIntegration': {
        const stored = state.integrations.get(getString(f, 1));
        return stored === undefined ? grpcFail(5, `Object does not exist (id: ${getString(f, 1)})`) : grpcOk(encodeMessage([{ no: 1, kind: 'message', value: stored }]));
      }
      case 'ApplicationService.CreateInfluxDbIntegration':
      case 'ApplicationService.UpdateInfluxDbIntegration': {
        const i = getMessage(f, 1) ?? new Uint8Array(0);
        const appId = getString(decodeMessage(i), 1);
        if (!state.applications.some((x) => x.id === appId)) return grpcFail(5, `Object does not exist (id: ${appId})`);
        const exists = state.integrations.has(appId);
        if (rpc.endsWith('CreateInfluxDbIntegration') && exists) return grpcFail(6, `Object already exists (id: ${appId})`);
        if (rpc.endsWith('UpdateInfluxDbIntegration') && !exists) return grpcFail(5, `Object does not exist (id: ${appId})`);
        state.integrations.set(appId, i);
        return fromFixture('empty-ok');
      }
      default:
        return grpcFail(12, '');
    }
  }

  const exec = async (cmd: { argv: string[] }, opts: ExecOptions = {}): Promise<ExecResult> => {
    const stdin = String(opts.stdin ?? '');
    const cfg = parseCurlConfig(stdin);
    const rpc = new URL(cfg.url).pathname.replace(/^\/api\./, '').replace('/', '.');
    const frames = parseGrpcWebFrames(decodeGrpcWebText(cfg.body ?? ''));
    const request = frames.messages[0] ?? new Uint8Array(0);
    calls.push({ rpc, authorization: cfg.headers.authorization, request, stdin, argv: cmd.argv });
    if (state.down) return { exitCode: 7, stdout: '', stderr: 'curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Couldn\'t connect to server\n', durationMs: 1 };
    const a = state.override ?? answer(rpc, request, cfg.headers.authorization);
    const head = [`HTTP/1.1 ${a.status} X`, ...Object.entries(a.headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
    return { exitCode: 0, stdout: `${head}\r\n\r\n${a.body}\n${cfg.marker}\n${a.status}\n0\n${cfg.url}\n`, stderr: '', durationMs: 1 };
  };
  return { host: { name: 'acme-svr', exec } as unknown as HostContext, calls, state };
}

/** A List*Response with total_count = 1 and result items { id = 1, name = 4 } (tenants and applications alike). */
function listOf(items: { id: string; name: string }[]): Uint8Array {
  return encodeMessage([
    { no: 1, kind: 'uint', value: items.length },
    ...items.map((i) => ({ no: 2, kind: 'message' as const, value: encodeMessage([{ no: 1, kind: 'string', value: i.id }, { no: 4, kind: 'string', value: i.name }]) })),
  ]);
}

/** An InfluxDbIntegration message as ChirpStack stores it (fields of application.proto). */
export function influxIntegration(i: { applicationId: string; endpoint: string; version: number; token: string; organization: string; bucket: string }): Uint8Array {
  return encodeMessage([
    { no: 1, kind: 'string', value: i.applicationId },
    { no: 2, kind: 'string', value: i.endpoint },
    { no: 8, kind: 'uint', value: i.version },
    { no: 9, kind: 'string', value: i.token },
    { no: 10, kind: 'string', value: i.organization },
    { no: 11, kind: 'string', value: i.bucket },
  ]);
}
