// Probes an OSM host from outside, as a customer's gateway or browser would: a TLS handshake on
// the MQTT port followed by an MQTT CONNECT, and HTTPS requests with each vhost's name.
import { request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';

export interface MqttProbe {
  tls: boolean;
  /** CONNACK return code (0 accepted, 5 not authorized...), or null when the broker did not answer. */
  connack: number | null;
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

export function probeMqtt(address: string, port: number, servername: string, timeoutMs: number): Promise<MqttProbe> {
  return new Promise((resolve) => {
    const result: MqttProbe = { tls: false, connack: null };
    const socket: TLSSocket = connect({ host: address, port, servername, rejectUnauthorized: false }, () => {
      result.tls = true;
      socket.write(mqttConnectPacket(`osm-status-${process.pid}`));
    });
    const finish = (error?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error && result.connack === null ? { ...result, error } : result);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', (d: Buffer) => {
      result.connack = parseConnack(d);
      finish(result.connack === null ? 'the answer is not an MQTT CONNACK' : undefined);
    });
    socket.on('error', (e) => finish(e.message));
    socket.on('close', () => finish('connection closed before a CONNACK'));
  });
}

export interface HttpProbe {
  name: string;
  /** HTTP status nginx answered with (502 when the service in the container is down), or null. */
  status: number | null;
  error?: string;
}

export function probeVhost(address: string, port: number, name: string, timeoutMs: number): Promise<HttpProbe> {
  return new Promise((resolve) => {
    const req = request(
      { host: address, port, path: '/', method: 'GET', servername: name, headers: { Host: name }, rejectUnauthorized: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve({ name, status: res.statusCode ?? null });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ name, status: null, error: e.message }));
    req.end();
  });
}
