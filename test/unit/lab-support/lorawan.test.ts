// The LoRaWAN frame encoder the ChirpStack lab test plays a gateway with (test/helpers/lorawan.ts):
// checked against published vectors, since ChirpStack silently drops a frame whose MIC is wrong.
import { describe, expect, it } from 'vitest';
import { aesCmac, chirpstackUplinkJson, cryptFrmPayload, encodeUnconfirmedUp, uplinkMic } from '../../helpers/lorawan.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('aesCmac', () => {
  // RFC 4493 §4 test vectors (also NIST SP 800-38B, AES-128 examples).
  const key = hex('2b7e1516 28aed2a6 abf71588 09cf4f3c');
  const m = hex(`6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51
                 30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710`);
  it.each([
    [0, 'bb1d6929 e9593728 7fa37d12 9b756746'],
    [16, '070a16b4 6b4d4144 f79bdd9d d04a287c'],
    [40, 'dfa66747 de9ae630 30ca3261 1497c827'],
    [64, '51f0bebf 7e3b9d92 fc497417 79363cfe'],
  ])('matches RFC 4493 example of length %i', (len, mac) => {
    expect(aesCmac(key, m.subarray(0, len)).toString('hex')).toBe(hex(mac).toString('hex'));
  });
});

// Vectors from anthonykirby/lora-packet (README; test/test_mic.js, test/test_decrypt.js):
// DevAddr 49be7df1, FPort 1, NwkSKey/AppSKey below.
const nwkSKey = hex('44024241ed4ce9a68c6a8bc055233fd3');
const appSKey = hex('ec925802ae430ca77fd3dd73cb2cc588');
const devAddr = '49be7df1';

describe('LoRaWAN 1.0 uplink', () => {
  it('reproduces the lora-packet frame 40F17DBE4900020001954378762B11FF0D ("test", FCnt 2)', () => {
    const frame = hex('40F17DBE4900020001954378762B11FF0D');
    // The vector holds on its own: its FRMPayload decrypts to 'test' and its MIC checks out.
    expect(cryptFrmPayload({ devAddr, fCnt: 2, key: appSKey, payload: frame.subarray(9, 13) }).toString()).toBe('test');
    expect(uplinkMic({ devAddr, fCnt: 2, nwkSKey, msg: frame.subarray(0, 13) })).toEqual(frame.subarray(13));
    expect(encodeUnconfirmedUp({ devAddr, fCnt: 2, fPort: 1, payload: Buffer.from('test'), nwkSKey, appSKey })).toEqual(frame);
  });

  it('matches lora-packet\'s MIC vector 40F17DBE49000300012A3518AF (empty payload, FCnt 3)', () => {
    const frame = hex('40F17DBE49000300012A3518AF');
    expect(uplinkMic({ devAddr, fCnt: 3, nwkSKey, msg: frame.subarray(0, 9) })).toEqual(frame.subarray(9));
    expect(encodeUnconfirmedUp({ devAddr, fCnt: 3, fPort: 1, payload: Buffer.alloc(0), nwkSKey, appSKey })).toEqual(frame);
  });

  it('reproduces lora-packet\'s multi-block frame (44 bytes, FCnt 4)', () => {
    const frame = hex(`40f17dbe490004000155332de41a11adc072553544429ce7787707d1c316e027e7e5e334263376affb8aa17ad30075293f28dea8a20af3c5e7`);
    const text = 'The quick brown fox jumps over the lazy dog.';
    const enc = encodeUnconfirmedUp({ devAddr, fCnt: 4, fPort: 1, payload: Buffer.from(text), nwkSKey, appSKey });
    // lora-packet checks only the decryption of this one; its MIC holds with the NwkSKey too.
    expect(enc).toEqual(frame);
  });

  it('round-trips: decrypting the FRMPayload gives the payload back', () => {
    const payload = Buffer.from('0102a0b1c2d3e4f5ff0011223344556677', 'hex');
    const f = { devAddr: '01020304', fCnt: 70000, fPort: 10, payload, nwkSKey, appSKey };
    const frame = encodeUnconfirmedUp(f);
    expect(frame.subarray(1, 5)).toEqual(hex('04030201')); // DevAddr little-endian on air
    expect(frame.readUInt16LE(6)).toBe(70000 & 0xffff);
    expect(frame[8]).toBe(10);
    const frm = frame.subarray(9, -4);
    expect(frm).not.toEqual(payload);
    expect(cryptFrmPayload({ devAddr: f.devAddr, fCnt: f.fCnt, key: appSKey, payload: frm })).toEqual(payload);
  });

  it('a changed byte or key changes the MIC', () => {
    const f = { devAddr, fCnt: 2, fPort: 1, payload: Buffer.from('test'), nwkSKey, appSKey };
    const mic = encodeUnconfirmedUp(f).subarray(-4);
    expect(encodeUnconfirmedUp({ ...f, payload: Buffer.from('tesu') }).subarray(-4)).not.toEqual(mic);
    expect(encodeUnconfirmedUp({ ...f, fPort: 2 }).subarray(-4)).not.toEqual(mic);
    // The high 16 bits of FCnt are not sent, yet the MIC covers them.
    expect(encodeUnconfirmedUp({ ...f, fCnt: 0x10002 }).subarray(-4)).not.toEqual(mic);
    expect(encodeUnconfirmedUp({ ...f, nwkSKey: appSKey }).subarray(-4)).not.toEqual(mic);
  });

  it('rejects what it cannot encode', () => {
    const f = { devAddr, fCnt: 2, fPort: 1, payload: Buffer.from('test'), nwkSKey, appSKey };
    expect(() => encodeUnconfirmedUp({ ...f, fPort: 0 })).toThrow(/fPort/);
    expect(() => encodeUnconfirmedUp({ ...f, devAddr: '0102' })).toThrow(/devAddr/);
    expect(() => encodeUnconfirmedUp({ ...f, fCnt: -1 })).toThrow(/fCnt/);
  });
});

describe('chirpstackUplinkJson', () => {
  const phyPayload = hex('40F17DBE4900020001954378762B11FF0D');
  const base = { phyPayload, gatewayId: '0016c001ff10a235', frequency: 868100000, sf: 7, bandwidth: 125000, rssi: -57, snr: 9.5 };

  it('uses the protobuf-JSON names of gw.UplinkFrame and round-trips phyPayload', () => {
    const j = JSON.parse(chirpstackUplinkJson({ ...base, uplinkId: 1234, context: hex('00112233') }));
    expect(j).toEqual({
      phyPayload: 'QPF9vkkAAgABlUN4disR/w0=', // lora-packet README gives this base64 for the same frame
      txInfo: { frequency: 868100000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: 'CR_4_5' } } },
      rxInfo: { gatewayId: '0016c001ff10a235', uplinkId: 1234, rssi: -57, snr: 9.5, context: 'ABEiMw==', crcStatus: 'CRC_OK' },
    });
    expect(Buffer.from(j.phyPayload, 'base64')).toEqual(phyPayload);
  });

  it('defaults uplinkId per frame and context to 4 bytes', () => {
    const a = JSON.parse(chirpstackUplinkJson(base));
    const b = JSON.parse(chirpstackUplinkJson({ ...base, phyPayload: hex('40F17DBE49000300012A3518AF') }));
    expect(Number.isInteger(a.rxInfo.uplinkId)).toBe(true);
    expect(a.rxInfo.uplinkId).not.toBe(b.rxInfo.uplinkId);
    expect(JSON.parse(chirpstackUplinkJson(base)).rxInfo.uplinkId).toBe(a.rxInfo.uplinkId);
    expect(Buffer.from(a.rxInfo.context, 'base64')).toHaveLength(4);
  });

  it('rejects a gateway id the topic would not match', () => {
    expect(() => chirpstackUplinkJson({ ...base, gatewayId: '0016C001FF10A235' })).toThrow(/gatewayId/);
  });
});
