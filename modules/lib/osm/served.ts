// Whether a customer is served, from what osm_served saw: pure, so its rules are unit-tested.
import type { MqttProbe } from './probe.js';

export interface ServedView {
  /** `systemctl is-system-running` inside the container ('' when it could not be asked). */
  systemd: string;
  /** Service → `systemctl is-active` answer. */
  services: Record<string, string>;
  /** The probe of MQTT over TLS through the host (null when no port was given). */
  mqtt: MqttProbe | null;
}

/** What keeps the customer from being served; empty when it is. */
export function servedProblems(v: ServedView): string[] {
  const problems: string[] = [];
  if (v.systemd !== 'running') problems.push(`systemd is ${v.systemd || 'not answering'}`);
  for (const [name, state] of Object.entries(v.services)) if (state !== 'active') problems.push(`${name} is ${state || 'unknown'}`);
  if (v.mqtt && !v.mqtt.tls) problems.push(`MQTT over TLS: no TLS handshake (${v.mqtt.error ?? 'no answer'})`);
  else if (v.mqtt && v.mqtt.connack === null) problems.push(`MQTT over TLS: the broker did not answer (${v.mqtt.error ?? ''})`);
  return problems;
}

/**
 * The services systemd has given up on: a unit `failed` once boot is over (systemd neither starting
 * nor initializing) stays so, since its restarts are spent. Waiting longer would not serve it.
 */
export function givenUp(v: ServedView): string[] {
  if (v.systemd === '' || v.systemd === 'starting' || v.systemd === 'initializing') return [];
  return Object.entries(v.services).flatMap(([name, state]) => (state === 'failed' ? [name] : []));
}
