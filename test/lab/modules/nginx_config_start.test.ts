// nginx_config with a private nginx instance (own prefix, not running yet): the first change starts it,
// later ones reload it; relative includes resolve against the main file's directory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import { freePort } from '../../helpers/sshd.js';
import nginxConfig from '../../../modules/nginx_config.js';
import { run } from './lab-host.js';

const prefix = mkdtempSync(join(tmpdir(), 't5b-nginx-'));
const conf = join(prefix, 'nginx.conf');
const base = { nginx_conf: conf, nginx_prefix: `${prefix}/` };
let httpPort = 0;

function reply(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.0\r\nHost: t5b\r\n\r\n'));
    let data = '';
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

beforeAll(async () => {
  await ensureLab();
  httpPort = await freePort();
  for (const d of ['sites', 'streams', 'logs']) mkdirSync(join(prefix, d));
  writeFileSync(
    conf,
    [
      'load_module /usr/lib/nginx/modules/ngx_stream_module.so;',
      'pid logs/nginx.pid;',
      'error_log logs/error.log;',
      'events { worker_connections 64; }',
      'http { access_log off; client_body_temp_path logs/cb; proxy_temp_path logs/p; fastcgi_temp_path logs/f; uwsgi_temp_path logs/u; scgi_temp_path logs/s; include sites/*.conf; }',
      'stream { include streams/*.conf; }',
      '',
    ].join('\n'),
  );
});

afterAll(() => {
  const pidFile = join(prefix, 'logs/nginx.pid');
  if (existsSync(pidFile)) execFileSync('nginx', ['-p', `${prefix}/`, '-c', conf, '-s', 'quit']);
  rmSync(prefix, { recursive: true, force: true });
});

describe('nginx_config on a stopped instance', () => {
  it('starts nginx with the first file, then reloads it for the next', async () => {
    expect(existsSync(join(prefix, 'logs/nginx.pid'))).toBe(false);
    const site = `server { listen 127.0.0.1:${httpPort}; return 200 "one\\n"; }\n`;
    const r = await run(nginxConfig, { ...base, path: join(prefix, 'sites/a.conf'), content: site });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    const pid = readFileSync(join(prefix, 'logs/nginx.pid'), 'utf8').trim();
    expect(await reply(httpPort)).toContain('one');
    const r2 = await run(nginxConfig, { ...base, path: join(prefix, 'sites/a.conf'), content: site.replace('one', 'two') });
    expect(r2.status).toBe('changed');
    expect(readFileSync(join(prefix, 'logs/nginx.pid'), 'utf8').trim()).toBe(pid);
    expect(await reply(httpPort)).toContain('two');
  });

  it('finds stream ports through relative includes', async () => {
    const port = await freePort();
    const s = `server { listen 127.0.0.1:${port}; proxy_pass 127.0.0.1:9; }\n`;
    expect((await run(nginxConfig, { ...base, kind: 'stream', path: join(prefix, 'streams/a.conf'), content: s })).status).toBe('changed');
    const clash = await run(nginxConfig, { ...base, kind: 'stream', path: join(prefix, 'streams/b.conf'), content: s });
    expect(clash.error).toContain(`stream port ${port} is already used by ${join(prefix, 'streams/a.conf')}:1`);
  });
});
