// uri and get_url through the CLI on localhost, against an HTTP server this test starts on 127.0.0.1.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPlay, recap, save } from './cli-play.js';

const play = cliPlay('http');
const FILE = 'payload v1\n';
const seen: { method: string; url: string; body: string; auth?: string; type?: string }[] = [];
let server: Server;
let base = '';

const bodyOf = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let b = '';
    req.on('data', (d: Buffer) => (b += d.toString()));
    req.on('end', () => resolve(b));
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, auth: req.headers.authorization, type: req.headers['content-type'] });
      if (req.url === '/api') {
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json', 'X-Req-Id': '42' });
        res.end(JSON.stringify({ method: req.method, got: body }));
      } else if (req.url === '/moved') {
        res.writeHead(302, { Location: '/api' });
        res.end();
      } else if (req.url === '/dl/payload.txt') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(FILE);
      } else {
        res.writeHead(404);
        res.end('nope');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  play.cleanup();
});

describe('uri (CLI, local connection)', () => {
  it('GET with redirects and JSON, POST with a JSON body and basic auth, a wrong status fails', async () => {
    const r = await play.run(`- hosts: localhost
  gather_facts: false
  tasks:
    - uri: { url: "${base}/moved", return_content: true }
      register: got
    - uri:
        url: "${base}/api"
        method: POST
        body: { name: osm }
        body_format: json
        status_code: 201
        url_username: ops
        url_password: s3cret
      register: posted
    - uri: { url: "${base}/missing" }
      register: missing
      ignore_errors: true
${['got', 'posted', 'missing'].map(save).join('')}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(recap(r.stdout)).toMatchObject({ ok: 6, changed: 3, failed: 0, ignored: 1 });
    expect(play.result('got')).toMatchObject({ status: 200, redirected: true, url: `${base}/api`, json: { method: 'GET' }, x_req_id: '42', content: '{"method":"GET","got":""}', changed: false });
    expect(play.result('posted')).toMatchObject({ status: 201, json: { method: 'POST', got: '{"name":"osm"}' }, changed: false });
    expect(play.result('missing')).toMatchObject({ status: 404, failed: true, msg: expect.stringMatching(/^Status code was 404 and not \[200\]/) });
    const post = seen.find((s) => s.method === 'POST');
    expect(post).toMatchObject({ type: 'application/json', auth: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` });
    expect(r.stdout).not.toContain('s3cret');
  }, 180_000);

  it('check mode sends nothing', async () => {
    const before = seen.length;
    const r = await play.run(`- hosts: localhost\n  gather_facts: false\n  tasks:\n    - uri: { url: "${base}/api", method: DELETE }\n`, ['--check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(seen.length).toBe(before);
  }, 120_000);
});

describe('get_url (CLI, local connection)', () => {
  const dest = () => join(play.dir, 'dl', 'payload.txt');
  const pb = (extra: string) => `- hosts: localhost
  gather_facts: false
  tasks:
    - file: { path: "{{ dir }}/dl", state: directory }
    - get_url: { url: "${base}/dl/payload.txt", dest: "{{ dir }}/dl/", mode: "0640"${extra} }
      register: dl
${save('dl')}`;

  it('downloads once into a directory, then keeps the file; a wrong checksum fails and leaves no temp file', async () => {
    const sum = createHash('sha256').update(FILE).digest('hex');
    const first = await play.run(pb(`, checksum: "sha256:${sum}"`));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(dest(), 'utf8')).toBe(FILE);
    expect(statSync(dest()).mode & 0o777).toBe(0o640);
    expect(play.result('dl')).toMatchObject({ changed: true, dest: dest(), status_code: 200, checksum_dest: createHash('sha1').update(FILE).digest('hex') });

    const downloads = seen.filter((s) => s.url === '/dl/payload.txt').length;
    const again = await play.run(pb(''));
    expect(again.code).toBe(0);
    expect(play.result('dl')).toMatchObject({ changed: false });
    expect(seen.filter((s) => s.url === '/dl/payload.txt').length).toBe(downloads);

    const forced = await play.run(pb(', force: true'));
    expect(play.result('dl')).toMatchObject({ changed: false, msg: 'file already exists' });
    expect(forced.code).toBe(0);

    const bad = await play.run(pb(`, force: true, checksum: "sha256:${'0'.repeat(64)}"`));
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain(`sha256 checksum of ${base}/dl/payload.txt is ${sum}`);
    expect(readFileSync(dest(), 'utf8')).toBe(FILE);
    expect(readdirSync(join(play.dir, 'dl'))).toEqual(['payload.txt']);
  }, 240_000);
});
