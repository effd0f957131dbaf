// A controller-side MQTT over TLS probe, as a customer's gateway would make it: a TLS handshake on
// the MQTT port, then an MQTT CONNECT answered by a CONNACK (osm_served waits on it).
import { connect, type TLSSocket } from 'node:tls';
import { mqttConnectPacket, parseConnack, type MqttProbe } from './probe.js';

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
