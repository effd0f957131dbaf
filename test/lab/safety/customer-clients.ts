// Reaching t7n-* customers the way their clients do: MQTT over TLS through the lab nginx (pebble's
// root, the certificate checked for the customer's MQTT name) and HTTPS to a vhost by name. Each call
// is one attempt and says why it failed, so a traffic loop can count failures instead of retrying them
// away. MQTT goes through mqtt.js to 127.0.0.1 with the name as SNI, not through mosquitto_pub with a
// bind-mounted /etc/hosts: a run rewriting /etc/hosts (rename) detaches such a mount mid-request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { runArgv } from '../../helpers/lab.js';
import { inContainer, pebbleRoot, readCredentials } from '../playbooks/helpers.js';
import type { LabCustomer } from './customer-runs.js';

const TIMEOUT_MS = 10_000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Clients {
  private readonly cafile: string;

  constructor(dir: string) {
    this.cafile = join(dir, 'pebble-root.pem');
  }

  /** Fetches pebble's root (new at each pebble start): certbot's certificates chain to it. */
  async prepare(): Promise<void> {
    await pebbleRoot(this.cafile);
  }

  /** MQTT over TLS to c's port on the lab nginx as `who`, the certificate checked for c's MQTT name. */
  private connect(c: LabCustomer, who: LabCustomer): Promise<MqttClient> {
    const { user, password } = readCredentials(who.name);
    return mqtt.connectAsync({
      protocol: 'mqtts',
      host: '127.0.0.1',
      port: c.port,
      servername: c.mqttName,
      ca: readFileSync(this.cafile),
      rejectUnauthorized: true,
      username: user,
      password,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: TIMEOUT_MS,
    });
  }

  /** A retained publish, read back by a fresh subscriber, with the customer's own credentials; null when it came back. */
  async mqttOnce(c: LabCustomer, payload: string): Promise<string | null> {
    const where = `MQTT over TLS to ${c.mqttName}:${c.port}`;
    // mqtt.js leaves a QoS 1 publish or a subscribe pending for good when the link closes under it
    // (reconnectPeriod 0): a request that never finishes counts as failed instead of hanging the test.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`${where}: no answer within ${(3 * TIMEOUT_MS) / 1000}s`), 3 * TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.mqttExchange(c, payload, where), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async mqttExchange(c: LabCustomer, payload: string, where: string): Promise<string | null> {
    const topic = `t7n/${c.name}`;
    let client: MqttClient | undefined;
    try {
      client = await this.connect(c, c);
      await client.publishAsync(topic, payload, { qos: 1, retain: true });
      await client.endAsync();
      client = await this.connect(c, c);
      const sub = client;
      const got = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${TIMEOUT_MS / 1000}s`)), TIMEOUT_MS);
        sub.on('message', (_t, body: Buffer) => {
          clearTimeout(timer);
          resolve(body.toString());
        });
        sub.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      await sub.subscribeAsync(topic, { qos: 1 });
      const body = await got;
      return body === payload ? null : `${where}: got '${body}', not '${payload}'`;
    } catch (err) {
      return `${where}: ${message(err)}`;
    } finally {
      await client?.endAsync(true).catch(() => undefined);
    }
  }

  /** The broker restarts when a run provisions it: a few attempts before calling it broken. */
  async mqttServes(c: LabCustomer, payload: string): Promise<string | null> {
    let why: string | null = null;
    for (let attempt = 0; attempt < 10; attempt++) {
      why = await this.mqttOnce(c, payload);
      if (why === null) return null;
      await new Promise((r) => setTimeout(r, 1500));
    }
    return why;
  }

  /** Connecting to c's port with `who`'s credentials: null when accepted, else why it was refused. */
  async refusedAs(c: LabCustomer, who: LabCustomer): Promise<string | null> {
    try {
      const client = await this.connect(c, who);
      await client.endAsync(true);
      return null;
    } catch (err) {
      return message(err);
    }
  }

  /** GET https://<c>.<domain>/ through the lab nginx, certificate checked by name; null when `expected` came back. */
  async httpsOnce(c: LabCustomer, expected: string): Promise<string | null> {
    const r = await runArgv(['curl', '-sS', '--max-time', '10', '--cacert', this.cafile, '--resolve', `${c.webName}:443:127.0.0.1`, `https://${c.webName}/`], { timeoutMs: 30_000 });
    if (r.exitCode !== 0) return `curl https://${c.webName}/ exited ${r.exitCode}: ${r.stderr.trim()}`;
    if (r.stdout.trim() !== expected) return `curl https://${c.webName}/ got '${r.stdout.trim().slice(0, 200)}', not '${expected}'`;
    return null;
  }
}

/** The body the customer's web server answers with. */
export function servedBy(c: LabCustomer): string {
  return `served by ${c.name}`;
}

/** busybox httpd on :3000 (Grafana's port) in the container's /run (tmpfs: it goes with the container). */
export async function startWebServer(c: LabCustomer): Promise<void> {
  await inContainer(c.container, ['/bin/sh', '-c', 'mkdir -p /run/t7n-www && echo "$1" > /run/t7n-www/index.html', 'sh', servedBy(c)]);
  await inContainer(c.container, ['/bin/sh', '-c', 'busybox httpd -p 3000 -h /run/t7n-www </dev/null >/dev/null 2>&1']);
}
