// What the MQTT and vhost checks of an OSM customer found (osm-metrics makes them on the host),
// and the MQTT packets they exchange: osm-metrics sends mqttConnectPacket('osm-metrics') and a
// DISCONNECT (test/unit/modules/osm_status.test.ts holds the script to these bytes).

export interface MqttProbe {
  tls: boolean;
  /** CONNACK return code (0 accepted, 5 not authorized...), or null when the broker did not answer. */
  connack: number | null;
  /** false when the certificate served is not for `name`. */
  certificate_matches?: boolean;
  /** The name the certificate must be for (<customer>-mqtt.<domain>). */
  name?: string;
  error?: string;
}

/** MQTT 3.1.1 CONNECT with a clean session, no credentials: any broker answers it with a CONNACK. */
export function mqttConnectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x0a]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  const remaining = variable.length + payload.length;
  return Buffer.concat([Buffer.from([0x10, remaining]), variable, payload]);
}

/** The return code of a CONNACK packet, or null when the bytes are not one. */
export function parseConnack(data: Buffer): number | null {
  if (data.length < 4 || data[0] !== 0x20 || data[1] !== 0x02) return null;
  return data[3] ?? null;
}

export interface HttpProbe {
  name: string;
  /** HTTP status nginx answered with (502 when the service in the container is down), or null. */
  status: number | null;
  error?: string;
}
