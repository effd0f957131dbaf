// nginx_config against the lab nginx (prefix /var/lib/osm-lab/nginx): apply/again, check mode, absent,
// a broken file rolled back while another site keeps serving, a refused reload rolled back, and
// stream ports taken by another file or another program refused with the holder named.
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import { freePort } from '../../helpers/sshd.js';
import nginxConfig from '../../../modules/nginx_config.js';
import { run } from './lab-host.js';

const P = '/var/lib/osm-lab/nginx';
const HTTP_D = `${P}/devtank/customers.http.d`;
const STREAM_D = `${P}/devtank/customers.stream.d`;
const base = { nginx_conf: `${P}/nginx.conf`, nginx_prefix: `${P}/` };
const keepPath = `${HTTP_D}/t5b-keep.conf`;
const ours = [keepPath, `${HTTP_D}/t5b-broken.conf`, `${HTTP_D}/t5b-held.conf`, `${STREAM_D}/t5b-s1.conf`, `${STREAM_D}/t5b-s2.conf`, `${STREAM_D}/t5b-s3.conf`];

const site = (name: string, body: string, extra = '') =>
  `server {\n  listen 127.0.0.1:443 ssl;\n  server_name ${name};\n  ssl_certificate certs/default.crt;\n  ssl_certificate_key certs/default.key;\n${extra}  return 200 "${body}\\n";\n}\n`;
const stream = (port: number) => `server {\n  listen 127.0.0.1:${port};\n  proxy_pass 127.0.0.1:9;\n}\n`;

/** GET https://127.0.0.1/ with SNI and Host set to `name`: what the lab nginx serves for that site. */
function fetchSite(name: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      // A fresh connection each time (agent: false): a kept-alive one may still reach a worker of the old config.
      { host: '127.0.0.1', port: 443, path: '/', servername: name, headers: { Host: name }, rejectUnauthorized: false, timeout: 5000, agent: false },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let holder: Server | undefined;

beforeAll(async () => {
  await ensureLab();
});

afterAll(async () => {
  for (const f of ours) rmSync(f, { force: true });
  await new Promise<void>((r) => (holder ? holder.close(() => r()) : r()));
  execFileSync('nginx', ['-p', `${P}/`, '-c', `${P}/nginx.conf`, '-s', 'reload']);
});

describe('nginx_config (lab nginx)', () => {
  it('creates a site (changed, served), then again is ok', async () => {
    const first = await run(nginxConfig, { ...base, path: keepPath, content: site('t5b-keep.lab', 'keep') });
    expect(first.error).toBeUndefined();
    expect(first.status).toBe('changed');
    expect(first.diff).toContain('+  server_name t5b-keep.lab;');
    expect(await fetchSite('t5b-keep.lab')).toEqual({ status: 200, body: 'keep\n' });
    const again = await run(nginxConfig, { ...base, path: keepPath, content: site('t5b-keep.lab', 'keep') });
    expect(again.status).toBe('ok');
    expect(again.changes).toEqual([]);
  });

  it('check mode reports a change and alters nothing', async () => {
    const before = readFileSync(keepPath, 'utf8');
    const r = await run(nginxConfig, { ...base, path: keepPath, content: site('t5b-keep.lab', 'changed') }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.diff).toContain('-  return 200 "keep\\n";');
    expect(r.diff).toContain('+  return 200 "changed\\n";');
    expect(readFileSync(keepPath, 'utf8')).toBe(before);
    expect(await fetchSite('t5b-keep.lab')).toEqual({ status: 200, body: 'keep\n' });
  });

  it('a broken file fails nginx -t, is removed, and the other site keeps serving', async () => {
    expect(await fetchSite('t5b-keep.lab')).toEqual({ status: 200, body: 'keep\n' });
    const broken = `${HTTP_D}/t5b-broken.conf`;
    const r = await run(nginxConfig, { ...base, path: broken, content: site('t5b-broken.lab', 'x', '  t5b_bogus_directive on;\n') });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('unknown directive "t5b_bogus_directive"');
    expect(existsSync(broken)).toBe(false);
    expect(await fetchSite('t5b-keep.lab')).toEqual({ status: 200, body: 'keep\n' });
  });

  it('a broken update of an existing site restores the previous file', async () => {
    const r = await run(nginxConfig, { ...base, path: keepPath, content: site('t5b-keep.lab', 'new', '  t5b_bogus_directive on;\n') });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('t5b_bogus_directive');
    expect(readFileSync(keepPath, 'utf8')).toBe(site('t5b-keep.lab', 'keep'));
    expect(await fetchSite('t5b-keep.lab')).toEqual({ status: 200, body: 'keep\n' });
  });

  it('a reload the master refuses (port held elsewhere, which nginx -t lets pass) is rolled back', async () => {
    const port = await freePort();
    holder = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => holder?.once('listening', r));
    const held = `${HTTP_D}/t5b-held.conf`;
    const r = await run(nginxConfig, { ...base, path: held, content: `server { listen 127.0.0.1:${port}; return 200 "held\\n"; }\n` });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/bind\(\) to 127\.0\.0\.1:\d+ failed|Address already in use/);
    expect(existsSync(held)).toBe(false);
    expect(await fetchSite('t5b-keep.lab')).toEqual({ status: 200, body: 'keep\n' });
  });

  it('refuses a stream port held by another program, naming it', async () => {
    const addr = holder?.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const r = await run(nginxConfig, { ...base, kind: 'stream', path: `${STREAM_D}/t5b-s3.conf`, content: stream(port) });
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`stream port ${port} is already held by node/${process.pid} on 127.0.0.1:${port}`);
    expect(existsSync(`${STREAM_D}/t5b-s3.conf`)).toBe(false);
  });

  it('refuses a stream port another file listens on, naming file:line; the owner may rewrite it', async () => {
    const port = await freePort();
    const s1 = `${STREAM_D}/t5b-s1.conf`;
    const made = await run(nginxConfig, { ...base, kind: 'stream', path: s1, content: stream(port) });
    expect(made.error).toBeUndefined();
    expect(made.status).toBe('changed');
    const r = await run(nginxConfig, { ...base, kind: 'stream', path: `${STREAM_D}/t5b-s2.conf`, content: stream(port) });
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`stream port ${port} is already used by ${s1}:2`);
    // The file holding the port may change (same port, new upstream): our own nginx holds it.
    const rewrite = await run(nginxConfig, { ...base, kind: 'stream', path: s1, content: stream(port).replace('127.0.0.1:9', '127.0.0.1:10') });
    expect(rewrite.error).toBeUndefined();
    expect(rewrite.status).toBe('changed');
  });

  it('absent removes the file and reloads; again is ok', async () => {
    const r = await run(nginxConfig, { ...base, path: `${STREAM_D}/t5b-s1.conf`, state: 'absent' });
    expect(r.status).toBe('changed');
    expect(existsSync(`${STREAM_D}/t5b-s1.conf`)).toBe(false);
    expect((await run(nginxConfig, { ...base, path: `${STREAM_D}/t5b-s1.conf`, state: 'absent' })).status).toBe('ok');
    const gone = await run(nginxConfig, { ...base, path: keepPath, state: 'absent' });
    expect(gone.status).toBe('changed');
    expect((await fetchSite('t5b-keep.lab')).status).toBe(404);
  });
});
