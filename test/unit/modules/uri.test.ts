import { describe, expect, it } from 'vitest';
import getUrl, { destFile, planGetUrl, splitChecksum } from '../../../modules/get_url.js';
import { curlRequestConfig, parseCurlResponse, parseHeaderBlock, splitHeaderBlocks } from '../../../modules/lib/http/request.js';
import uri, { encodeBody, planUri, requestOf, responseResult } from '../../../modules/uri.js';
import type { StatResult } from '../../../runner/connection/types.js';
import { argsFor } from '../../helpers/module-args.js';

const uriArgs = argsFor(uri);
const getUrlArgs = argsFor(getUrl);

const URL = 'http://127.0.0.1:9/x';

describe('uri request', () => {
  it.each<[string, Record<string, unknown>, { body?: string; contentType?: string }]>([
    ['no body', {}, {}],
    ['raw string', { body: 'a=b' }, { body: 'a=b' }],
    ['json from data', { body: { a: 1 }, body_format: 'json' }, { body: '{"a":1}', contentType: 'application/json' }],
    ['json given as text', { body: '{"a":1}', body_format: 'json' }, { body: '{"a":1}', contentType: 'application/json' }],
    ['form from a mapping', { body: { a: 'x y', b: 2 }, body_format: 'form-urlencoded' }, { body: 'a=x+y&b=2', contentType: 'application/x-www-form-urlencoded' }],
  ])('encodes %s', (_t, a, want) => expect(encodeBody(uriArgs({ url: URL, ...a }))).toEqual(want));

  it('refuses data as a raw body, naming body_format', () => {
    expect(() => encodeBody(uriArgs({ url: URL, body: { a: 1 } }))).toThrow(/body_format: json/);
  });

  it('builds the request: method, headers, auth, redirects, certificates', () => {
    const r = requestOf(uriArgs({ url: URL, method: 'POST', body: { a: 1 }, body_format: 'json', headers: { 'X-N': 5 }, url_username: 'u', url_password: 'p', follow_redirects: 'none', validate_certs: false }));
    expect(r).toMatchObject({ method: 'POST', headers: { 'Content-Type': 'application/json', 'X-N': '5' }, user: { name: 'u', password: 'p' }, followRedirects: false, validateCerts: false, timeoutSeconds: 30 });
    expect(requestOf(uriArgs({ url: URL }))).toMatchObject({ method: 'GET', followRedirects: true, validateCerts: true, user: undefined });
  });

  it('curl config: quoted values, credentials and body on stdin, never a file body', () => {
    const cfg = curlRequestConfig({ ...requestOf(uriArgs({ url: URL, user: 'u', password: 'p"w', body: 'x', method: 'PUT' })) }, 'MARK');
    expect(cfg).toContain('url = "http://127.0.0.1:9/x"');
    expect(cfg).toContain('request = "PUT"');
    expect(cfg).toContain('user = "u:p\\"w"');
    expect(cfg).toContain('data-binary = "x"');
    expect(cfg).toContain('location');
    expect(() => curlRequestConfig(requestOf(uriArgs({ url: URL, body: '@/etc/shadow' })), 'M')).toThrow(/may not start with @/);
  });

  it('plans one request unless creates/removes said to skip', () => {
    expect(planUri(uriArgs({ url: URL }), { skipReason: null }).map((c) => c.action)).toEqual(['request']);
    expect(planUri(uriArgs({ url: URL }), { skipReason: '/x exists' })).toEqual([]);
  });
});

describe('curl output', () => {
  const heads = 'HTTP/1.1 302 Found\r\nLocation: /b\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Thing: 1\r\n\r\n';
  it('splits the header blocks off the body, names lower-cased', () => {
    const { blocks, rest } = splitHeaderBlocks(`${heads}HTTP/1.1 is text\n`);
    expect(blocks).toHaveLength(2);
    expect(rest).toBe('HTTP/1.1 is text\n');
    expect(parseHeaderBlock(blocks[1])).toEqual({ 'content-type': 'application/json', 'x-thing': '1' });
  });
  it('splits body, status, redirects and final URL at the marker; the last headers count', () => {
    const res = parseCurlResponse(`${heads}{"a":1}\nM\n200\n1\nhttp://h/b\n`, '', 'M');
    expect(res).toEqual({ status: 200, url: 'http://h/b', redirected: true, body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-thing': '1' } });
  });
  it('an empty body', () => {
    expect(parseCurlResponse('HTTP/1.1 204 No Content\r\n\r\n\nM\n204\n0\nhttp://h/\n', '', 'M')).toMatchObject({ status: 204, body: '', redirected: false });
  });
  it('no status: the curl error is the message', () => {
    expect(() => parseCurlResponse('\nM\n000\n0\nhttp://h/\n', 'curl: (7) Failed to connect to 127.0.0.1 port 9\n', 'M')).toThrow(/curl: \(7\) Failed to connect/);
  });
});

describe('uri result', () => {
  const res = { status: 200, url: URL, redirected: false, body: '{"ok":true}', headers: { 'content-type': 'application/json', 'x-req-id': '7' } };
  it('returns status, headers with underscores, json; content only with return_content', () => {
    const { data, failedMsg } = responseResult(uriArgs({ url: URL }), res);
    expect(failedMsg).toBeUndefined();
    expect(data).toMatchObject({ status: 200, json: { ok: true }, x_req_id: '7', content_type: 'application/json', msg: 'OK (11 bytes)' });
    expect(data).not.toHaveProperty('content');
    expect(responseResult(uriArgs({ url: URL, return_content: true }), res).data).toMatchObject({ content: '{"ok":true}' });
  });
  it('a status outside status_code fails, keeping the status', () => {
    const r = responseResult(uriArgs({ url: URL, status_code: [201, 204] }), res);
    expect(r.failedMsg).toMatch(/^Status code was 200 and not \[201, 204\]/);
    expect(r.data).toMatchObject({ status: 200 });
  });
});

describe('get_url plan', () => {
  const stat = (over: Partial<StatResult> = {}): StatResult => ({ exists: true, isDir: false, isFile: true, isSymlink: false, mode: 0o644, uid: 0, gid: 0, size: 3, ...over }) as StatResult;
  const a = getUrlArgs({ url: 'http://h/dl/tool.tgz', dest: '/opt/tool.tgz' });
  it('names the file after the URL when dest is a directory', () => {
    expect(destFile(getUrlArgs({ ...a, dest: '/opt' }), true)).toBe('/opt/tool.tgz');
    expect(destFile(a, false)).toBe('/opt/tool.tgz');
    expect(() => destFile(getUrlArgs({ url: 'http://h/', dest: '/opt' }), true)).toThrow(/names no file/);
  });
  it.each<[string, Record<string, unknown>, StatResult | null, string | null, string[]]>([
    ['missing: download', {}, null, null, ['download']],
    ['present: kept', {}, stat(), null, []],
    ['present, force: download', { force: true }, stat(), null, ['download']],
    ['checksum matches: kept', { checksum: 'sha256:ABC' }, stat(), 'abc', []],
    ['checksum differs: download', { checksum: 'sha256:abc' }, stat(), 'def', ['download']],
    ['present, mode differs: attributes', { mode: '0600' }, stat(), null, ['attributes']],
  ])('%s', (_t, extra, st, sum, want) => {
    expect(planGetUrl({ ...a, ...extra }, { path: a.dest, attrs: { stat: st }, existingSum: sum }).map((c) => c.action)).toEqual(want);
  });
  it('splits ALGORITHM:HEX', () => expect(splitChecksum('sha256:ABCD')).toEqual({ algorithm: 'sha256', hex: 'abcd' }));
});
