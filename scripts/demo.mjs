#!/usr/bin/env node
// npm run demo: the whole OSM system on this machine, in minutes.
//   1. lab-up (Debian base by default; --small for the busybox base)
//   2. setup-host, then create-container for customer `demo` (osm-play over SSH to the lab host)
//   3. a real MQTT message over TLS through nginx to the container's broker, read back
//   4. what an operator would use: endpoint, credentials file, virtual hosts
//   5. how to tear the lab down
// --lab-only skips the playbooks and shows the lab-level equivalent (done automatically when the
// playbooks are missing).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lab, labLevelContainer, mqttRoundTrip, pebbleRoot, readCredentials, run } from './lab/demo-lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const base = args.has('--small') ? 'small' : 'debian';
const customer = 'demo';
const mqttPort = 8883;
const domain = 'osm-lab.test';
const inventory = join(repo, 'inventory', 'lab.yaml');
const playbooks = ['setup-host.yaml', 'create-container.yaml'].map((p) => join(repo, 'playbooks', p));
const t0 = Date.now();
const step = (n, text) => console.log(`\n[${((Date.now() - t0) / 1000).toFixed(0)}s] ${n}. ${text}`);

if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
  console.error('npm run demo needs root on Debian 12: it builds a real OSM host on this machine (see docs/lab.md).');
  process.exit(1);
}

step(1, `lab-up with the ${base} OS base`);
run(['bash', join(repo, 'scripts', 'lab-up'), '--base', base]);

const havePlaybooks = playbooks.every((p) => existsSync(p)) && !args.has('--lab-only');
let endpoint;
let playbookFailure;
if (havePlaybooks) {
  try {
    endpoint = await withPlaybooks();
  } catch (err) {
    playbookFailure = err instanceof Error ? err.message : String(err);
    const line = `THE PLAYBOOK PART FAILED: ${playbookFailure}`;
    console.log(`\n${'!'.repeat(Math.min(line.length, 100))}\n${line}\nWhat follows is the lab-level equivalent, so you can still see the system work.`);
  }
} else {
  console.log('\nThe OSM playbooks are not all there (or --lab-only): doing the lab-level equivalent.');
}
endpoint ??= await labLevel();

async function withPlaybooks() {
  step(2, 'build osm-play, then setup-host and create-container for customer "demo" over SSH to the lab host');
  run(['npm', 'run', '--silent', 'build']);
  // Tests or operators may be running playbooks on the lab host too: wait for their host lock.
  const osmPlay = (playbook, extra = []) =>
    run(['node', join(repo, 'bin', 'osm-play.js'), '-i', inventory, '--lock-timeout', '600', playbook, ...extra]);
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
  return {
    url: `mqtts://${servername}:${mqttPort} (here: 127.0.0.1:${mqttPort}, TLS name ${servername})`,
    credentials: credsFile,
    vhosts: `${customer}.${domain} (Grafana), ${customer}-influx.${domain}, ${customer}-chirpstack.${domain}, ${customer}-mqtt.${domain}`,
  };
}

async function labLevel() {
  const port = playbookFailure ? mqttPort + 1 : mqttPort; // the failed playbook may hold its port
  step(2, 'lab-level equivalent of create-container, with the tools themselves');
  console.log('    built and used: the lab (btrfs, OS base, lxc-net + dnsmasq, nginx with stream, sshd, pebble)');
  console.log('    not used here: the OSM playbooks, so no per-customer certificate, password or vhosts;');
  console.log('    the broker below is anonymous behind the lab default certificate');
  const c = await labLevelContainer({ customer: 'demolab', port, ip: '10.0.3.200', mac: '00:16:3e:de:00:01' });
  console.log(`    container ${c.name} on ${c.base}, address 10.0.3.200 from dnsmasq, nginx stream 127.0.0.1:${port} -> 10.0.3.200:1883`);

  step(3, `MQTT over TLS through nginx to the broker in ${c.name}`);
  const { topic, message } = await mqttRoundTrip({ port, servername: 'localhost', ca: [readFileSync(lab.defaultCert, 'utf8')] });
  console.log(`    published and read back on ${topic}: "${message}"`);
  return {
    url: `mqtts://localhost:${port} (CA: ${lab.defaultCert})`,
    credentials: 'none (anonymous, lab-level demo)',
    vhosts: 'none (create-container makes them)',
  };
}

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
if (playbookFailure) {
  console.log(`but the playbook part failed: ${playbookFailure}`);
  process.exitCode = 1;
}
