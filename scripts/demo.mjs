#!/usr/bin/env node
// npm run demo: the whole OSM system on this machine, in minutes.
//   1. lab-up (its Debian OS base is built by playbooks/build-os-base.yaml, cached after the first time)
//   2. setup-host, then create-container for customer `demo` (osm-play over SSH to the lab host)
//   3. a real MQTT message over TLS through nginx to the container's broker, read back
//   4. what an operator would use: endpoint, credentials file, virtual hosts
//   5. how to tear the lab down
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lab, mqttRoundTrip, pebbleRoot, readCredentials, run } from './lab/demo-lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const customer = 'demo';
const mqttPort = 8883;
const domain = 'osm-lab.test';
const inventory = join(repo, 'inventory', 'lab.yaml');
const playbooks = ['setup-host.yaml', 'create-container.yaml'].map((p) => join(repo, 'playbooks', p));
const osmPlay = (playbook, extra = []) =>
  // Tests or operators may be running playbooks on the lab host too: wait for their host lock.
  // The lab inventory has two OSM hosts; the demo makes this machine's own (lab) one, with the
  // backup host (setup-host prepares it too), and leaves lab2 out.
  run(['node', join(repo, 'bin', 'osm-play.js'), '-i', inventory, '--limit', 'all:!lab2', '--lock-timeout', '600', playbook, ...extra]);
const t0 = Date.now();
const step = (n, text) => console.log(`\n[${((Date.now() - t0) / 1000).toFixed(0)}s] ${n}. ${text}`);

if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
  console.error('npm run demo needs root on Debian 12: it builds a real OSM host on this machine (see docs/lab.md).');
  process.exit(1);
}

step(1, 'build osm-play, then lab-up (the Debian OS base comes from playbooks/build-os-base.yaml)');
run(['npm', 'run', '--silent', 'build']);
run(['bash', join(repo, 'scripts', 'lab-up')]);

step(2, 'setup-host and create-container for customer "demo" over SSH to the lab host');
osmPlay(playbooks[0]);
osmPlay(playbooks[1], ['-e', `customer_name=${customer}`, '-e', `mqtt_port=${mqttPort}`]);

step(3, 'MQTT over TLS through nginx to the broker in demo-svr, with the customer credentials');
const credsFile = join(lab.state, 'credentials', `${customer}.txt`);
const creds = readCredentials(credsFile);
const servername = creds.host ?? `${customer}-mqtt.${domain}`;
// The certificate came from the lab's pebble: trust its current root (and the lab default cert).
const ca = [await pebbleRoot().catch(() => ''), readFileSync(lab.defaultCert, 'utf8')].filter(Boolean);
const { topic, message } = await mqttRoundTrip({ port: mqttPort, servername, ca, username: creds.user ?? customer, password: creds.password });
console.log(`    published and read back on ${topic}: "${message}"`);
const endpoint = {
  url: `mqtts://${servername}:${mqttPort} (here: 127.0.0.1:${mqttPort}, TLS name ${servername})`,
  credentials: credsFile,
  vhosts: `${customer}.${domain} (Grafana), ${customer}-influx.${domain}, ${customer}-chirpstack.${domain}, ${customer}-mqtt.${domain}`,
};

step(4, 'what an operator would use');
console.log(`    MQTT endpoint     ${endpoint.url}`);
console.log(`    credentials file  ${endpoint.credentials}`);
console.log(`    virtual hosts     ${endpoint.vhosts}`);
console.log(`    lab nginx         ${lab.nginxBin} -t | -s reload   (conf /var/lib/osm-lab/nginx/nginx.conf)`);
console.log(`    lab host over SSH ssh -i /var/lib/osm-lab/ssh/id_ed25519 -o UserKnownHostsFile=/var/lib/osm-lab/ssh/known_hosts -p 2222 osmlab@127.0.0.1`);
console.log(`    inventory         ${inventory}`);

step(5, 'tear down');
console.log('    npm run lab:down    (removes the containers, nginx, sshd, pebble, mounts, and puts /etc back)');
console.log(`\ndemo done in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
