// LoRaWAN 1.0.x uplink frames for lab tests that play the gateway: the lab publishes the frame to
// ChirpStack over MQTT and checks the decoded payload downstream. Only what an ABP device's
// unconfirmed uplink needs; node:crypto only, so no LoRaWAN package enters the dependencies.
import { createCipheriv, createHash } from 'node:crypto';

const BLOCK = 16;

function aesEcb(key: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Doubling in GF(2^128) (RFC 4493 §2.3): the CMAC subkeys K1, K2. */
function dbl(block: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((block[i] << 1) | (i + 1 < BLOCK ? block[i + 1] >> 7 : 0)) & 0xff;
  if (block[0] & 0x80) out[BLOCK - 1] ^= 0x87;
  return out;
}

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((v, i) => v ^ b[i]));
}

/** AES-CMAC (RFC 4493) with a 128-bit key: the LoRaWAN MIC primitive. */
export function aesCmac(key: Buffer, msg: Buffer): Buffer {
  const k1 = dbl(aesEcb(key, Buffer.alloc(BLOCK)));
  const complete = msg.length > 0 && msg.length % BLOCK === 0;
  const lastStart = complete ? msg.length - BLOCK : msg.length - (msg.length % BLOCK);
  const last = complete
    ? xor(msg.subarray(lastStart), k1)
    : xor(Buffer.concat([msg.subarray(lastStart), Buffer.from([0x80]), Buffer.alloc(BLOCK - 1 - (msg.length - lastStart))]), dbl(k1));
  // CBC-MAC with a zero IV: the last cipher block is the tag.
  const c = createCipheriv('aes-128-cbc', key, Buffer.alloc(BLOCK));
  c.setAutoPadding(false);
  const out = c.update(Buffer.concat([msg.subarray(0, lastStart), last]));
  return out.subarray(out.length - BLOCK);
}

/** DevAddr as written ('01020304', most significant byte first) to its on-air little-endian bytes. */
function devAddrLe(devAddr: string): Buffer {
  if (!/^[0-9a-fA-F]{8}$/.test(devAddr)) throw new Error(`devAddr must be 8 hex digits: ${devAddr}`);
  return Buffer.from(devAddr, 'hex').reverse();
}

/** The A_i / B0 block layout shared by encryption (§4.3.3) and MIC (§4.4), uplink (Dir = 0). */
function block(first: number, devAddr: string, fCnt: number, last: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  b[0] = first;
  devAddrLe(devAddr).copy(b, 6);
  b.writeUInt32LE(fCnt >>> 0, 10);
  b[15] = last;
  return b;
}

/**
 * FRMPayload encryption of an uplink (LoRaWAN 1.0.3 §4.3.3). A keystream XOR, so the same call
 * decrypts; key is the AppSKey for FPort > 0 (the NwkSKey for FPort 0).
 */
export function cryptFrmPayload(o: { devAddr: string; fCnt: number; key: Buffer; payload: Buffer }): Buffer {
  const blocks = Math.ceil(o.payload.length / BLOCK);
  const a = Buffer.concat(Array.from({ length: blocks }, (_, i) => block(0x01, o.devAddr, o.fCnt, i + 1)));
  return xor(o.payload, aesEcb(o.key, a));
}

/** Uplink MIC (LoRaWAN 1.0.3 §4.4): first 4 bytes of cmac(NwkSKey, B0 | MHDR..FRMPayload). */
export function uplinkMic(o: { devAddr: string; fCnt: number; nwkSKey: Buffer; msg: Buffer }): Buffer {
  return aesCmac(o.nwkSKey, Buffer.concat([block(0x49, o.devAddr, o.fCnt, o.msg.length), o.msg])).subarray(0, 4);
}

export interface UplinkFrameInput {
  devAddr: string;
  fCnt: number;
  fPort: number;
  payload: Buffer;
  nwkSKey: Buffer;
  appSKey: Buffer;
}

/** PHYPayload of an unconfirmed data uplink (MHDR 0x40), no FOpts, as an ABP 1.0.x device sends it. */
export function encodeUnconfirmedUp(f: UplinkFrameInput): Buffer {
  if (!Number.isInteger(f.fPort) || f.fPort < 1 || f.fPort > 223) throw new Error(`fPort must be 1..223: ${f.fPort}`);
  if (!Number.isInteger(f.fCnt) || f.fCnt < 0 || f.fCnt > 0xffffffff) throw new Error(`fCnt must be a uint32: ${f.fCnt}`);
  const fhdr = Buffer.alloc(7);
  devAddrLe(f.devAddr).copy(fhdr, 0);
  fhdr[4] = 0x00; // FCtrl: no ADR, no ACK, no FOpts
  fhdr.writeUInt16LE(f.fCnt & 0xffff, 5); // only the low 16 bits go on air; the MIC covers all 32
  const frm = cryptFrmPayload({ devAddr: f.devAddr, fCnt: f.fCnt, key: f.appSKey, payload: f.payload });
  const msg = Buffer.concat([Buffer.from([0x40]), fhdr, Buffer.from([f.fPort]), frm]);
  return Buffer.concat([msg, uplinkMic({ devAddr: f.devAddr, fCnt: f.fCnt, nwkSKey: f.nwkSKey, msg })]);
}

export interface GatewayUplinkInput {
  phyPayload: Buffer;
  gatewayId: string;
  frequency: number;
  sf: number;
  bandwidth: number;
  rssi: number;
  snr: number;
  /** Defaults to one derived from the frame, so that the helper stays pure yet ids differ per frame. */
  uplinkId?: number;
  /** Gateway timing context, echoed back on a Class-A downlink; 4 bytes like a concentrator counter. */
  context?: Buffer;
}

/**
 * gw.UplinkFrame in protobuf-JSON, as the ChirpStack MQTT Forwarder / Gateway Bridge publishes it
 * in JSON mode on `<region>/gateway/<gatewayId>/event/up`. Field names are the lowerCamelCase JSON
 * names of chirpstack/chirpstack api/proto/gw/gw.proto (UplinkFrame, UplinkTxInfo, Modulation,
 * LoraModulationInfo, UplinkRxInfo); bytes are base64, enums their names.
 */
export function chirpstackUplinkJson(u: GatewayUplinkInput): string {
  if (!/^[0-9a-f]{16}$/.test(u.gatewayId)) throw new Error(`gatewayId must be 16 lower-case hex digits: ${u.gatewayId}`);
  const uplinkId = u.uplinkId ?? createHash('sha256').update(u.phyPayload).digest().readUInt32BE(0);
  return JSON.stringify({
    phyPayload: u.phyPayload.toString('base64'),
    txInfo: {
      frequency: u.frequency,
      modulation: { lora: { bandwidth: u.bandwidth, spreadingFactor: u.sf, codeRate: 'CR_4_5' } },
    },
    rxInfo: {
      gatewayId: u.gatewayId,
      uplinkId,
      rssi: u.rssi,
      snr: u.snr,
      context: (u.context ?? Buffer.alloc(4)).toString('base64'),
      // A frame the concentrator reports without CRC_OK is not one a real gateway would trust.
      crcStatus: 'CRC_OK',
    },
  });
}
