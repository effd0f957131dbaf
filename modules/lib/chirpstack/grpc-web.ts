// gRPC-web calls to ChirpStack v4's API from the managed host, with curl (modules/lib/http/api.ts).
// ChirpStack serves gRPC and gRPC-web (tonic-web) on its api.bind port. osm-play speaks the text
// form, application/grpc-web-text: the framed request and response are base64, because the body
// reaches curl inside its config on stdin (`data-binary = "..."`), which cannot carry a NUL byte,
// and the answer comes back through stdout as text.
// Protocol: https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
// Status codes: https://grpc.github.io/grpc/core/md_doc_statuscodes.html
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { callApi } from '../http/api.js';

/** A frame's flag byte: 0x00 a message, 0x80 the trailers. */
const TRAILER_FLAG = 0x80;

export const GRPC_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'OK', 1: 'CANCELLED', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 10: 'ABORTED',
  11: 'OUT_OF_RANGE', 12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE', 15: 'DATA_LOSS', 16: 'UNAUTHENTICATED',
};

export const GRPC_NOT_FOUND = 5;
export const GRPC_UNAUTHENTICATED = 16;

/** A call the server answered with a non-OK gRPC status. */
export class GrpcError extends ModuleError {
  constructor(
    readonly rpc: string,
    readonly code: number,
    readonly grpcMessage: string,
  ) {
    super(`ChirpStack ${rpc} failed: ${GRPC_STATUS_NAMES[code] ?? 'status'} (${code})${grpcMessage ? `: ${grpcMessage}` : ''}`);
    this.name = 'GrpcError';
  }
}

/** One length-prefixed message frame: flag 0, 4-byte big-endian length, the message. */
export function frameMessage(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  new DataView(out.buffer).setUint32(1, message.length);
  out.set(message, 5);
  return out;
}

/** The grpc-web-text request body: the framed message in base64. */
export function grpcWebTextBody(message: Uint8Array): string {
  return Buffer.from(frameMessage(message)).toString('base64');
}

/**
 * The bytes of a grpc-web-text body. The server may base64 each frame on its own (tonic-web does: the
 * message, then the trailers), so padding can stand mid-body; each 4-character group decodes alone.
 */
export function decodeGrpcWebText(body: string): Uint8Array {
  const text = body.replace(/\s+/g, '');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/=]*$/.test(text)) throw new Error('the grpc-web-text body is not base64');
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length; i += 4) {
    const group = text.slice(i, i + 4);
    if (/=[^=]/.test(group) || group.startsWith('=')) throw new Error('the grpc-web-text body is not base64');
    parts.push(Buffer.from(group, 'base64'));
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** `name: value` lines (CRLF-separated) of a trailer frame, names lower-cased. */
export function parseTrailerText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

export interface GrpcWebFrames {
  messages: Uint8Array[];
  /** The trailer frame's fields; undefined when there was none (a trailers-only answer puts them in the headers). */
  trailers: Record<string, string> | undefined;
}

/** Splits a grpc-web body into its message frames and trailer frame. */
export function parseGrpcWebFrames(bytes: Uint8Array): GrpcWebFrames {
  const messages: Uint8Array[] = [];
  let trailers: Record<string, string> | undefined;
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 5 > bytes.length) throw new Error(`truncated gRPC-web frame header at byte ${pos}`);
    const flag = bytes[pos] ?? 0;
    const len = new DataView(bytes.buffer, bytes.byteOffset + pos + 1, 4).getUint32(0);
    const end = pos + 5 + len;
    if (end > bytes.length) throw new Error(`gRPC-web frame at byte ${pos} says ${len} bytes, ${bytes.length - pos - 5} came`);
    const payload = bytes.subarray(pos + 5, end);
    if (flag & TRAILER_FLAG) trailers = { ...trailers, ...parseTrailerText(new TextDecoder().decode(payload)) };
    else if (flag === 0) messages.push(payload);
    else throw new Error(`unsupported gRPC-web frame flag 0x${flag.toString(16)} (compressed?)`);
    pos = end;
  }
  return { messages, trailers };
}

/** grpc-message is percent-encoded (PROTOCOL-HTTP2.md); a malformed one is shown as sent. */
export function decodeGrpcMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The call's status: from the trailer frame, else from the headers (a trailers-only answer). */
export function grpcStatusOf(headers: Record<string, string>, trailers: Record<string, string> | undefined): { code: number; message: string } | undefined {
  const source = trailers?.['grpc-status'] !== undefined ? trailers : headers;
  const raw = source['grpc-status'];
  if (raw === undefined) return undefined;
  const code = Number(raw);
  if (!Number.isInteger(code) || code < 0) throw new Error(`grpc-status '${raw}' is not a status code`);
  return { code, message: decodeGrpcMessage(source['grpc-message'] ?? '') };
}

export interface GrpcWebAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The reply message of an answered call; a GrpcError for a non-OK status; a ModuleError for an answer
 * that is not gRPC-web (another service on the port, a proxy's error page). `rpc` names the call.
 */
export function readGrpcWebAnswer(rpc: string, url: string, res: GrpcWebAnswer): Uint8Array {
  const type = res.headers['content-type'] ?? '';
  if (res.status !== 200 || !type.startsWith('application/grpc-web')) {
    const said = res.body.trim().slice(0, 200);
    throw new ModuleError(`ChirpStack ${rpc}: POST ${url} answered HTTP ${res.status}${type ? ` (${type})` : ''}, not a gRPC-web reply${said ? `: ${said}` : ''}`);
  }
  let frames: GrpcWebFrames;
  try {
    frames = parseGrpcWebFrames(type.startsWith('application/grpc-web-text') ? decodeGrpcWebText(res.body) : new TextEncoder().encode(res.body));
  } catch (e) {
    throw new ModuleError(`ChirpStack ${rpc}: bad gRPC-web reply from ${url}: ${(e as Error).message}`);
  }
  let status: { code: number; message: string } | undefined;
  try {
    status = grpcStatusOf(res.headers, frames.trailers);
  } catch (e) {
    throw new ModuleError(`ChirpStack ${rpc}: bad gRPC-web reply from ${url}: ${(e as Error).message}`);
  }
  if (status === undefined) throw new ModuleError(`ChirpStack ${rpc}: the reply from ${url} has no grpc-status (cut short?)`);
  if (status.code !== 0) throw new GrpcError(rpc, status.code, status.message);
  // A reply with an empty message may send a zero-length frame or none: both are the empty message.
  return frames.messages[0] ?? new Uint8Array(0);
}

export interface GrpcWebCall {
  /** ChirpStack's API base, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** Service in package api, e.g. InternalService. */
  service: string;
  method: string;
  request: Uint8Array;
  /** A login JWT or API key, sent as `authorization: Bearer …`. */
  token?: string;
}

/** The URL of a unary call: /<package>.<Service>/<Method>. */
export function grpcWebUrl(baseUrl: string, service: string, method: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api.${service}/${method}`;
}

/** Makes one unary call from the host and returns the reply message's bytes. */
export async function callGrpcWeb(host: HostContext, c: GrpcWebCall): Promise<Uint8Array> {
  const url = grpcWebUrl(c.baseUrl, c.service, c.method);
  const headers: Record<string, string> = {
    'Content-Type': 'application/grpc-web-text',
    Accept: 'application/grpc-web-text',
    'X-Grpc-Web': '1',
  };
  if (c.token !== undefined) headers.Authorization = `Bearer ${c.token}`;
  const res = await callApi(host, { method: 'POST', url, headers, body: grpcWebTextBody(c.request) });
  return readGrpcWebAnswer(`${c.service}.${c.method}`, url, res);
}
