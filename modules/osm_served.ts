// osm_served: waits until a customer is served — its container's systemd running, its services
// active, and MQTT over TLS answered through the host — and fails naming what is not.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, type HostContext } from '../runner/module.js';
import { CONTAINER_NAME } from './connections/lxc-names.js';
import { probeMqtt } from './lib/osm/mqtt-probe.js';
import { givenUp, servedProblems, type ServedView } from './lib/osm/served.js';

const args = Type.Object(
  {
    container: Type.String({ pattern: CONTAINER_NAME.source, description: 'The customer\'s container (e.g. acme-svr).' }),
    services: Type.Array(Type.String({ pattern: '^[A-Za-z0-9@._-]+$' }), { default: ['mosquitto'], description: 'systemd units that must be active inside the container.' }),
    mqtt_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'The customer\'s MQTT over TLS port on the host; probed from the controller.' })),
    mqtt_name: Type.Optional(Type.String({ minLength: 1, description: 'TLS server name of the probe (<customer>-mqtt.<domain>).' })),
    probe_address: Type.Optional(Type.String({ minLength: 1, description: 'Address the controller probes the host on (its ansible_host).' })),
    timeout: Type.Integer({ minimum: 1, maximum: 600, default: 60, description: 'Seconds to wait for everything to be served.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

const POLL_MS = 500;

async function inside(host: HostContext, container: string, argv: string[]): Promise<string> {
  const r = await host.exec({ argv: ['lxc-attach', '-n', container, '--clear-env', '--', ...argv] });
  return r.stdout.trim().split('\n').pop() ?? '';
}

async function look(host: HostContext, a: Args): Promise<ServedView> {
  const systemd = await inside(host, a.container, ['systemctl', 'is-system-running']);
  const services: Record<string, string> = {};
  for (const s of a.services) services[s] = await inside(host, a.container, ['systemctl', 'is-active', s]);
  const mqtt = a.mqtt_port === undefined ? null : await probeMqtt(a.probe_address ?? host.name, a.mqtt_port, a.mqtt_name ?? '', 5000);
  return { systemd, services, mqtt };
}

export default defineModule({
  name: 'osm_served',
  doc:
    'Waits until a customer is served: `systemctl is-system-running` inside the container says running, each of services ' +
    'is active, and (with mqtt_port) a TLS handshake on the host\'s MQTT port followed by an MQTT CONNECT gets a CONNACK, ' +
    'probed from the controller as a gateway would. Fails after timeout naming what is not served, or at once when systemd ' +
    'has given up on a service (failed, with boot over). Registers systemd, ' +
    'services and mqtt. Never changed.',
  example: ['- osm_served:', '    container: acme-svr', '    mqtt_port: 8883', '    mqtt_name: acme-mqtt.example.com', '    probe_address: "{{ ansible_host }}"'].join('\n'),
  args,
  async gather(host, a) {
    const deadline = Date.now() + a.timeout * 1000;
    for (;;) {
      const view = await look(host, a);
      const problems = servedProblems(view);
      if (problems.length === 0) return view;
      if (Date.now() > deadline) throw new ModuleError(`${a.container} is not served after ${a.timeout}s: ${problems.join('; ')}`);
      const failed = givenUp(view);
      if (failed.length > 0) throw new ModuleError(`${a.container} is not served: ${problems.join('; ')} (systemd gave up on ${failed.join(', ')})`);
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  },
  plan: () => [],
  async apply() {
    // Read only: plan never returns changes.
  },
  result: (_a, v) => ({ systemd: v.systemd, services: v.services, mqtt: v.mqtt }),
});
