import { describe, expect, it } from 'vitest';
import {
  compiledPidPath,
  globToRegExp,
  listenPort,
  parseNginxConf,
  splitNginxDump,
  streamListensOf,
  walkNginxTree,
} from '../../../../../modules/lib/nginx/config.js';

// Shape of `nginx -p /tmp/t5b/ng -c /tmp/t5b/ng/nginx.conf -T` (nginx 1.22.1) output.
const DUMP = `# configuration file /tmp/t5b/ng/nginx.conf:
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
pid logs/nginx.pid;
events { worker_connections 64; }
http {
  include conf.d/*.conf;
}
stream {
  ssl_certificate "/etc/x y.pem";
  include /tmp/t5b/ng/stream.d/*.conf;
}

# configuration file /tmp/t5b/ng/conf.d/a.conf:
server { listen 127.0.0.1:18081; return 200 "a;}\\n"; }

# configuration file /tmp/t5b/ng/stream.d/x.conf:
# mqtt
server {
  listen 18883 ssl; # comment ;
  proxy_pass 127.0.0.1:1883;
}

# configuration file /tmp/t5b/ng/stream.d/y.conf:
server {
  listen [::]:18884;
  listen 127.0.0.1:5353 udp;
  listen unix:/run/x.sock;
}
`;

describe('parseNginxConf', () => {
  it('parses directives, blocks, quotes and comments with line numbers', () => {
    const d = parseNginxConf('a 1 "two words";\n# c { ;\nb {\n  c \'x;y\';\n}\n', 'f');
    expect(d).toEqual([
      { name: 'a', args: ['1', 'two words'], file: 'f', line: 1 },
      { name: 'b', args: [], file: 'f', line: 3, block: [{ name: 'c', args: ['x;y'], file: 'f', line: 4 }] },
    ]);
  });
});

describe('splitNginxDump', () => {
  it('maps each dumped file to its content', () => {
    const files = splitNginxDump(DUMP);
    expect([...files.keys()]).toEqual([
      '/tmp/t5b/ng/nginx.conf',
      '/tmp/t5b/ng/conf.d/a.conf',
      '/tmp/t5b/ng/stream.d/x.conf',
      '/tmp/t5b/ng/stream.d/y.conf',
    ]);
    expect(files.get('/tmp/t5b/ng/stream.d/x.conf')?.split('\n')[2]).toBe('  listen 18883 ssl; # comment ;');
  });
});

describe('walkNginxTree', () => {
  const tree = walkNginxTree(splitNginxDump(DUMP), '/tmp/t5b/ng/nginx.conf', '/tmp/t5b/ng');
  it('finds stream listens through includes, with file:line', () => {
    expect(tree.streamListens).toEqual([
      { file: '/tmp/t5b/ng/stream.d/x.conf', line: 3, port: 18883, udp: false },
      { file: '/tmp/t5b/ng/stream.d/y.conf', line: 2, port: 18884, udp: false },
      { file: '/tmp/t5b/ng/stream.d/y.conf', line: 3, port: 5353, udp: true },
    ]);
  });
  it('resolves relative includes against the main file dir and the pid against the prefix', () => {
    expect(tree.includes).toEqual({ http: ['/tmp/t5b/ng/conf.d/*.conf'], stream: ['/tmp/t5b/ng/stream.d/*.conf'] });
    expect(tree.pid).toBe('/tmp/t5b/ng/logs/nginx.pid');
  });
  it('ignores http listens and has no pid when the main file sets none', () => {
    const t = walkNginxTree(new Map([['/e/n.conf', 'http { server { listen 80; } }']]), '/e/n.conf');
    expect(t).toEqual({ streamListens: [], includes: { stream: [], http: [] } });
  });
});

describe('helpers', () => {
  it.each([
    ['8883', 8883],
    ['127.0.0.1:8883', 8883],
    ['[::]:443', 443],
    ['unix:/run/a.sock', null],
    ['localhost', null],
  ])('listenPort(%s)', (arg, port) => {
    expect(listenPort(arg)).toBe(port);
  });

  it.each([
    ['/a/*.conf', '/a/x.conf', true],
    ['/a/*.conf', '/a/b/x.conf', false],
    ['/a/*.conf', '/a/x.confx', false],
    ['/a/x?.conf', '/a/x1.conf', true],
    ['/a/[ab].conf', '/a/b.conf', true],
    ['/a/[!ab].conf', '/a/b.conf', false],
    ['/a.b/c.conf', '/aXb/c.conf', false],
  ])('glob %s ~ %s', (glob, path, ok) => {
    expect(globToRegExp(glob).test(path)).toBe(ok);
  });

  it('streamListensOf reads the lines of a file about to be written', () => {
    expect(streamListensOf('server {\n  listen 8883 ssl;\n}\n', '/x.conf')).toEqual([
      { file: '/x.conf', line: 2, port: 8883, udp: false },
    ]);
  });

  it('compiledPidPath reads nginx -V', () => {
    expect(compiledPidPath('configure arguments: --prefix=/usr/share/nginx --pid-path=/run/nginx.pid --x')).toBe(
      '/run/nginx.pid',
    );
    expect(compiledPidPath('nginx version: nginx/1.22.1')).toBeUndefined();
  });
});
