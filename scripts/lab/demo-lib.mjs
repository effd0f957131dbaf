// Helpers for scripts/demo.mjs: running commands, the MQTT round trip over TLS, and the lab-level
// stand-in for create-container (used only when the OSM playbooks are not there).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import mqtt from 'mqtt';

export const lab = {
  state: '/var/lib/osm-lab',
  lxcRoot: '/srv/osm-lxc/lxc',
  nginxBin: '/var/lib/osm-lab/bin/nginx-lab',
  streamDir: '/var/lib/osm-lab/nginx/devtank/customers.stream.d',
  defaultCert: '/var/lib/osm-lab/nginx/certs/default.crt',
  defaultKey: '/var/lib/osm-lab/nginx/certs/default.key',
  pebbleCa: '/var/lib/osm-lab/pebble/ca.crt',
  hostsFile: '/etc/lxc/dnsmasq-hosts.conf',
  dnsmasqPid: '/run/lxc/dnsmasq.pid',
};

/** Runs argv with its output shown; throws on failure unless allowFail. */
export function run(argv, { allowFail = false, quiet = false, env } = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: quiet ? 'pipe' : 'inherit', env: { ...process.env, ...env }, encoding: 'utf8' });
  const code = r.status ?? 1;
  if (code !== 0 && !allowFail) throw new Error(`${argv.join(' ')} exited ${code}${quiet ? `: ${r.stderr}` : ''}`);
  return { code, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `key=value` lines of a credentials file written by the generated_secret module. */
export function readCredentials(path) {
  const out = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The root pebble signs with (it makes a new one at each start); pebble's own listener uses ca.crt. */
export function pebbleRoot() {
  return new Promise((resolve, reject) => {
    get('https://127.0.0.1:15000/roots/0', { ca: readFileSync(lab.pebbleCa) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`pebble roots: HTTP ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** Publishes one message over TLS and reads it back through a second connection. */
export async function mqttRoundTrip({ port, servername, ca, username, password }) {
  const topic = `osm-demo/${randomBytes(4).toString('hex')}`;
  const message = `hello from the osm-play demo at ${new Date().toISOString()}`;
  const opts = { host: '127.0.0.1', port, protocol: 'mqtts', servername, ca, username, password, reconnectPeriod: 0, connectTimeout: 10_000 };
  // Distinct client ids: the broker drops the older of two connections with the same id.
  const sub = await mqtt.connectAsync({ ...opts, clientId: `osm-demo-sub-${randomBytes(3).toString('hex')}` });
  try {
    const received = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message back within 10 s')), 10_000);
      sub.on('message', (t, payload) => {
        if (t === topic) {
          clearTimeout(timer);
          resolve(payload.toString());
        }
      });
    });
    await sub.subscribeAsync(topic, { qos: 1 });
    const pub = await mqtt.connectAsync({ ...opts, clientId: `osm-demo-pub-${randomBytes(3).toString('hex')}` });
    await pub.publishAsync(topic, message, { qos: 1 });
    await pub.endAsync();
    const got = await received;
    if (got !== message) throw new Error(`read back '${got}', sent '${message}'`);
    return { topic, message };
  } finally {
    await sub.endAsync();
  }
}

/** Makes dnsmasq re-read its hosts file; waits out an lxc-net restart (no pid file for a moment). */
async function hupDnsmasq() {
  for (let i = 0; ; i++) {
    try {
      process.kill(Number(readFileSync(lab.dnsmasqPid, 'utf8').trim()), 'SIGHUP');
      return;
    } catch (err) {
      if (i >= 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Lab-level create-container: subvolume + overlay config + dhcp line + start + nginx stream (anonymous broker). */
export async function labLevelContainer({ customer, port, ip, mac }) {
  const name = `${customer}-svr`;
  const dir = join(lab.lxcRoot, 'containers', name);
  const conf = join(dir, 'lxc.container.conf');
  const bases = readdirSync(join(lab.lxcRoot, 'os-bases')).filter((n) => !n.startsWith('.')).sort();
  const base = bases.at(-1);
  if (!base) throw new Error('no OS base');
  if (!existsSync(dir)) {
    run(['btrfs', 'subvolume', 'create', dir], { quiet: true });
    const confD = join(dir, 'rootfs-layer', 'etc', 'mosquitto', 'conf.d');
    mkdirSync(confD, { recursive: true });
    writeFileSync(join(confD, '10-demo.conf'), 'allow_anonymous true\n');
    writeFileSync(conf, [
      `lxc.include = ${lab.lxcRoot}/include/common.conf`,
      `lxc.rootfs.path = overlayfs:${lab.lxcRoot}/os-bases/${base}:${dir}/rootfs-layer`,
      `lxc.uts.name = ${name}`,
      `lxc.net.0.hwaddr = ${mac}`,
      '',
    ].join('\n'));
  }
  const hosts = existsSync(lab.hostsFile) ? readFileSync(lab.hostsFile, 'utf8') : '';
  if (!hosts.split('\n').includes(`${mac},${ip}`)) appendFileSync(lab.hostsFile, `${mac},${ip}\n`);
  await hupDnsmasq();
  if (!run(['lxc-info', '-n', name, '-s'], { allowFail: true, quiet: true }).stdout.includes('RUNNING')) {
    run(['lxc-start', '-n', name, '-f', conf, '-o', join(lab.lxcRoot, 'logs', `${name}.log`)]);
  }
  const end = Date.now() + 30_000;
  while (!run(['lxc-info', '-n', name, '-iH'], { allowFail: true, quiet: true }).stdout.includes(ip)) {
    if (Date.now() > end) throw new Error(`${name} did not get ${ip} from dnsmasq`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Its own certificate: setup-host may have replaced the stream block's default one.
  writeFileSync(
    join(lab.streamDir, `${customer}.conf`),
    `server {\n    listen 127.0.0.1:${port} ssl;\n    ssl_certificate ${lab.defaultCert};\n    ssl_certificate_key ${lab.defaultKey};\n    proxy_pass ${ip}:1883;\n}\n`,
  );
  run([lab.nginxBin, '-t', '-q'], { quiet: true });
  run([lab.nginxBin, '-s', 'reload'], { quiet: true });
  return { name, base, dir };
}
