// Helpers for scripts/demo.mjs: running commands and the MQTT round trip over TLS.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import mqtt from 'mqtt';

export const lab = {
  state: '/var/lib/osm-lab',
  lxcRoot: '/srv/osm-lxc/lxc',
  nginxBin: '/var/lib/osm-lab/bin/nginx-lab',
  defaultCert: '/var/lib/osm-lab/nginx/certs/default.crt',
  pebbleCa: '/var/lib/osm-lab/pebble/ca.crt',
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
