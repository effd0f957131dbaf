// modules/lib/chirpstack: the protobuf wire codec against known encodings (the examples of
// https://protobuf.dev/programming-guides/encoding/ and `protoc --encode` output for the ChirpStack
// 4.9 request messages), the ChirpStack messages, and gRPC-web framing and status handling.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeGrpcMessage,
  decodeGrpcWebText,
  frameMessage,
  GrpcError,
  grpcStatusOf,
  grpcWebTextBody,
  grpcWebUrl,
  parseGrpcWebFrames,
  readGrpcWebAnswer,
} from '../../../../modules/lib/chirpstack/grpc-web.js';
import * as msg from '../../../../modules/lib/chirpstack/messages.js';
import { decodeMessage, decodeVarint, encodeMessage, encodeVarint, getBool, getMessage, getRepeatedMessages, getString, getUint, ProtobufError } from '../../../../modules/lib/chirpstack/protobuf.js';
import { ModuleError } from '../../../../runner/module.js';
import { fixture } from '../chirpstack-fake.js';

const hex = (b: Uint8Array | number[]): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

describe('varints', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [150, '9601'],
    [300, 'ac02'],
    [2 ** 32 - 1, 'ffffffff0f'],
    [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
  ])('%d is %s', (n, h) => {
    expect(hex(encodeVarint(n))).toBe(h);
    expect(decodeVarint(bytes(h), 0)).toEqual({ value: BigInt(n), next: h.length / 2 });
  });

  it('refuses negative numbers, truncated and overlong varints', () => {
    expect(() => encodeVarint(-1)).toThrow(ProtobufError);
    expect(() => decodeVarint(bytes('96'), 0)).toThrow(/truncated varint/);
    expect(() => decodeVarint(bytes('ffffffffffffffffffff01'), 0)).toThrow(/longer than 10 bytes/);
  });
});

describe('messages on the wire (protobuf.dev encoding guide examples)', () => {
  it('Test1 { a: 150 } is 08 96 01', () => {
    expect(hex(encodeMessage([{ no: 1, kind: 'uint', value: 150 }]))).toBe('089601');
    expect(getUint(decodeMessage(bytes('089601')), 1)).toBe(150);
  });

  it('Test2 { b: "testing" } is 12 07 74 65 73 74 69 6e 67', () => {
    expect(hex(encodeMessage([{ no: 2, kind: 'string', value: 'testing' }]))).toBe('120774657374696e67');
    expect(getString(decodeMessage(bytes('120774657374696e67')), 2)).toBe('testing');
  });

  it('Test3 { c: { a: 150 } } is 1a 03 08 96 01', () => {
    const inner = encodeMessage([{ no: 1, kind: 'uint', value: 150 }]);
    expect(hex(encodeMessage([{ no: 3, kind: 'message', value: inner }]))).toBe('1a03089601');
    expect(hex(getMessage(decodeMessage(bytes('1a03089601')), 3) ?? [])).toBe('089601');
  });

  it('leaves proto3 defaults out, keeps a set empty message, and writes UTF-8', () => {
    expect(encodeMessage([{ no: 1, kind: 'string', value: '' }, { no: 2, kind: 'uint', value: 0 }, { no: 3, kind: 'bool', value: false }, { no: 4, kind: 'message', value: undefined }])).toHaveLength(0);
    expect(hex(encodeMessage([{ no: 4, kind: 'message', value: new Uint8Array(0) }]))).toBe('2200');
    expect(hex(encodeMessage([{ no: 5, kind: 'bool', value: true }]))).toBe('2801');
    expect(hex(encodeMessage([{ no: 1, kind: 'string', value: 'é' }]))).toBe('0a02c3a9');
    expect(() => encodeMessage([{ no: 1, kind: 'uint', value: 1.5 }])).toThrow(ProtobufError);
  });

  it('reads repeated fields in order, the last value of a single one, and skips fixed-width fields', () => {
    const b = bytes('12020801' + '12020802' + '0801' + '0802' + '1d00000000' + '190000000000000000');
    const f = decodeMessage(b);
    expect(getRepeatedMessages(f, 2).map((m) => getUint(decodeMessage(m), 1))).toEqual([1, 2]);
    expect(getUint(f, 1)).toBe(2);
    expect(getBool(f, 1)).toBe(true);
    expect(f.get(3)?.[0]?.wire).toBe(5);
    expect(getString(f, 9)).toBe('');
    expect(getMessage(f, 9)).toBeUndefined();
  });

  it('fails on broken messages, naming the field', () => {
    expect(() => decodeMessage(bytes('0a05616263'))).toThrow(/field 1: length 5 runs past/);
    expect(() => decodeMessage(bytes('0b'))).toThrow(/unsupported wire type 3/);
    expect(() => getString(decodeMessage(bytes('0801')), 1)).toThrow(/expected a string/);
    expect(() => getUint(decodeMessage(bytes('0a0161')), 1)).toThrow(/expected a varint/);
    expect(() => getString(decodeMessage(bytes('0a01ff')), 1)).toThrow();
  });
});

describe('ChirpStack 4.9 request messages (bytes from protoc --encode)', () => {
  it.each([
    ['LoginRequest', () => msg.encodeLoginRequest('admin', 'S3cret/pw'), '0a0561646d696e12095333637265742f7077'],
    ['UpdateUserPasswordRequest', () => msg.encodeUpdateUserPasswordRequest('05244f12-6daf-4e1f-8315-c66783a0ab56', 'S3cret/pw'), '0a2430353234346631322d366461662d346531662d383331352d63363637383361306162353612095333637265742f7077'],
    ['ListTenantsRequest', () => msg.encodeListTenantsRequest({ limit: 100, offset: 0, search: 'ChirpStack' }), '08641a0a4368697270537461636b'],
    ['ListApplicationsRequest', () => msg.encodeListApplicationsRequest({ limit: 100, offset: 0, search: 'osm', tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242' }), '08641a036f736d222435326631346364342d633666312d346662642d386638372d343032356531643439323432'],
    ['CreateApplicationRequest', () => msg.encodeCreateApplicationRequest({ name: 'osm', description: 'd', tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242' }), '0a2e12036f736d1a0164222435326631346364342d633666312d346662642d386638372d343032356531643439323432'],
    ['CreateInfluxDbIntegrationRequest', () => msg.encodeInfluxDbIntegrationRequest({ applicationId: 'a', endpoint: 'http://x', version: msg.INFLUXDB_VERSIONS.INFLUXDB_2, token: 't', organization: 'o', bucket: 'b' }), '0a180a01611208687474703a2f2f7840014a017452016f5a0162'],
    ['GetInfluxDbIntegrationRequest', () => msg.encodeGetInfluxDbIntegrationRequest('a'), '0a0161'],
  ])('%s', (_name, encode, want) => expect(hex(encode())).toBe(want));

  it('InfluxDbVersion: INFLUXDB_2 is 1, names for the plan', () => {
    expect(msg.INFLUXDB_VERSIONS).toEqual({ INFLUXDB_1: 0, INFLUXDB_2: 1 });
    expect(msg.influxDbVersionName(1)).toBe('INFLUXDB_2');
    expect(msg.influxDbVersionName(7)).toBe('unknown (7)');
  });
});

/** The reply message bytes of a fixture, through the whole gRPC-web reading path. */
function replyOf(name: string): Uint8Array {
  const f = fixture(name);
  return readGrpcWebAnswer(f.rpc, 'http://127.0.0.1:8080/x', f);
}

describe('the fixtures (encoded from the 4.9 proto) decode to the messages they state', () => {
  const dir = join(import.meta.dirname, '../fixtures/chirpstack');
  const names = readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));

  it('every fixture is a grpc-web-text reply whose message_hex is its data frame', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const n of names) {
      const f = fixture(n);
      expect(f.headers['content-type'], n).toBe('application/grpc-web-text+proto');
      if (f.message_hex !== undefined) expect(hex(replyOf(n)), n).toBe(f.message_hex);
    }
  });

  it('decodes what the modules read from them', () => {
    expect(msg.decodeLoginResponse(replyOf('login-ok')).jwt).toMatch(/^eyJ/);
    expect(msg.decodeProfileResponse(replyOf('profile-admin')).user).toEqual({ id: '05244f12-6daf-4e1f-8315-c66783a0ab56', isAdmin: true, isActive: true, email: 'admin' });
    expect(msg.decodeListTenantsResponse(replyOf('tenants-chirpstack'))).toEqual({ totalCount: 1, result: [{ id: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242', name: 'ChirpStack' }] });
    expect(msg.decodeListTenantsResponse(replyOf('tenants-none'))).toEqual({ totalCount: 0, result: [] });
    expect(msg.decodeListApplicationsResponse(replyOf('applications-osm')).result).toEqual([{ id: '8a3d2f6e-1b7c-4c55-9b0e-2f4d6a7c9e01', name: 'osm' }]);
    expect(msg.decodeCreateApplicationResponse(replyOf('application-created'))).toEqual({ id: '8a3d2f6e-1b7c-4c55-9b0e-2f4d6a7c9e01' });
    expect(msg.decodeGetInfluxDbIntegrationResponse(replyOf('influxdb-acme'))).toEqual({
      applicationId: '8a3d2f6e-1b7c-4c55-9b0e-2f4d6a7c9e01',
      endpoint: 'http://127.0.0.1:8086/api/v2/write',
      version: 1,
      token: 'acme-write-token',
      organization: 'acme',
      bucket: 'osm',
    });
    expect(replyOf('empty-ok')).toHaveLength(0);
  });

  it('trailers-only errors become GrpcErrors with the decoded message', () => {
    expect(() => replyOf('login-invalid')).toThrow('ChirpStack InternalService.Login failed: UNAUTHENTICATED (16): Invalid username or password');
    try {
      replyOf('influxdb-not-found');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GrpcError);
      expect((e as GrpcError).code).toBe(5);
      expect((e as GrpcError).grpcMessage).toBe('Object does not exist (id: 8a3d2f6e-1b7c-4c55-9b0e-2f4d6a7c9e01)');
    }
  });
});

describe('gRPC-web framing', () => {
  it('frames a message: flag 0, big-endian length, the message; the text form is its base64', () => {
    expect(hex(frameMessage(bytes('089601')))).toBe('0000000003089601');
    expect(hex(frameMessage(new Uint8Array(300)).subarray(0, 5))).toBe('000000012c');
    expect(grpcWebTextBody(bytes('089601'))).toBe('AAAAAAMIlgE=');
  });

  it('decodes base64 chunks padded one by one, and refuses what is not base64', () => {
    const a = Buffer.from(frameMessage(bytes('0801'))).toString('base64');
    const b = Buffer.from('80000000107a', 'hex').toString('base64');
    expect(a.endsWith('=')).toBe(true);
    expect(hex(decodeGrpcWebText(`${a}${b}`))).toBe(`00000000020801${'80000000107a'}`);
    expect(hex(decodeGrpcWebText(`${a}\r\n`))).toBe('00000000020801');
    expect(() => decodeGrpcWebText('<html>')).toThrow(/not base64/);
    expect(() => decodeGrpcWebText('AA=A')).toThrow(/not base64/);
  });

  it('splits message and trailer frames; CRLF trailers with or without a space', () => {
    const t = new TextEncoder().encode('grpc-status:0\r\ngrpc-message: fine\r\n');
    const trailer = new Uint8Array([0x80, 0, 0, 0, t.length, ...t]);
    expect(parseGrpcWebFrames(new Uint8Array([...frameMessage(bytes('0801')), ...trailer]))).toEqual({ messages: [bytes('0801')], trailers: { 'grpc-status': '0', 'grpc-message': 'fine' } });
    expect(() => parseGrpcWebFrames(bytes('0000000005'))).toThrow(/says 5 bytes, 0 came/);
    expect(() => parseGrpcWebFrames(bytes('000000'))).toThrow(/truncated/);
    expect(() => parseGrpcWebFrames(bytes('0100000000'))).toThrow(/flag 0x1/);
  });

  it('takes the status from the trailers, else from the headers; percent-decodes the message', () => {
    expect(grpcStatusOf({ 'grpc-status': '16', 'grpc-message': 'a%20b' }, undefined)).toEqual({ code: 16, message: 'a b' });
    expect(grpcStatusOf({ 'grpc-status': '16' }, { 'grpc-status': '0' })).toEqual({ code: 0, message: '' });
    expect(grpcStatusOf({}, undefined)).toBeUndefined();
    expect(() => grpcStatusOf({ 'grpc-status': 'x' }, undefined)).toThrow(/not a status code/);
    expect(decodeGrpcMessage('100%')).toBe('100%');
  });

  it('refuses answers that are not gRPC-web, naming status and type', () => {
    const html = { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>ChirpStack</title>' };
    expect(() => readGrpcWebAnswer('InternalService.Login', 'http://h/x', html)).toThrow('ChirpStack InternalService.Login: POST http://h/x answered HTTP 200 (text/html), not a gRPC-web reply: <!doctype html>');
    expect(() => readGrpcWebAnswer('X.Y', 'http://h/x', { status: 502, headers: {}, body: 'Bad Gateway' })).toThrow(/HTTP 502, not a gRPC-web reply: Bad Gateway/);
    expect(() => readGrpcWebAnswer('X.Y', 'http://h/x', { status: 200, headers: { 'content-type': 'application/grpc-web-text+proto' }, body: 'AAAAAAMI' })).toThrow(ModuleError);
    expect(() => readGrpcWebAnswer('X.Y', 'http://h/x', { status: 200, headers: { 'content-type': 'application/grpc-web-text+proto' }, body: 'AAAAAAA=' })).toThrow(/no grpc-status/);
  });

  it('the URL of a call is /api.<Service>/<Method> under the base', () => {
    expect(grpcWebUrl('http://127.0.0.1:8080/', 'InternalService', 'Login')).toBe('http://127.0.0.1:8080/api.InternalService/Login');
  });
});
