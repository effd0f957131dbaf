// Test support, not the product: the ChirpStack v4 API messages a lab test needs to play a device
// behind a gateway (device profile, gateway, device, ABP activation), encoded with the product's
// protobuf codec (modules/lib/chirpstack/protobuf.ts). Pure.
//
// Field numbers and enum values are those of chirpstack/chirpstack (v4 numbers only ever get added):
//   api/proto/api/device_profile.proto  DeviceProfile, CreateDeviceProfileRequest/Response,
//                                        ListDeviceProfilesRequest/Response, DeviceProfileListItem, CodecRuntime
//   api/proto/api/gateway.proto         Gateway, CreateGatewayRequest
//   api/proto/api/device.proto          Device, CreateDeviceRequest, DeviceActivation, ActivateDeviceRequest
//   api/proto/common/common.proto       Region, MacVersion, RegParamsRevision
// The encoders give fields in field-number order, as protoc serializes them, so a message encodes to
// the same bytes as `protoc --encode` (test/unit/lab-support/chirpstack-devices.test.ts checks that).
import { decodeMessage, encodeMessage, getRepeatedMessages, getString, getUint, type ProtoField } from '../../../modules/lib/chirpstack/protobuf.js';

/** common.Region (common.proto); only the band the lab uses. */
export const REGION = { EU868: 0 } as const;
/** common.MacVersion (common.proto). */
export const MAC_VERSION = { LORAWAN_1_0_0: 0, LORAWAN_1_0_1: 1, LORAWAN_1_0_2: 2, LORAWAN_1_0_3: 3, LORAWAN_1_0_4: 4, LORAWAN_1_1_0: 5 } as const;
/** common.RegParamsRevision (common.proto). A is RP001 "1.0.3 revA", the one LoRaWAN 1.0.3 came with. */
export const REG_PARAMS_REVISION = { A: 0, B: 1, RP002_1_0_0: 2, RP002_1_0_1: 3, RP002_1_0_2: 4, RP002_1_0_3: 5, RP002_1_0_4: 6 } as const;
/** api.CodecRuntime (device_profile.proto). */
export const CODEC_RUNTIME = { NONE: 0, CAYENNE_LPP: 1, JS: 2 } as const;

const str = (no: number, value: string): ProtoField => ({ no, kind: 'string', value });
const uint = (no: number, value: number): ProtoField => ({ no, kind: 'uint', value });
const bool = (no: number, value: boolean): ProtoField => ({ no, kind: 'bool', value });
const msg = (no: number, value: Uint8Array): ProtoField => ({ no, kind: 'message', value });

// --- device_profile.proto: DeviceProfileService ---

export interface DeviceProfileInput {
  tenantId: string;
  name: string;
  description: string;
  region: number;
  macVersion: number;
  regParamsRevision: number;
  adrAlgorithmId: string;
  payloadCodecRuntime: number;
  /** Seconds. */
  uplinkInterval: number;
  supportsOtaa: boolean;
  /** RX1 delay (s), RX2 data rate and frequency (Hz) an ABP device uses. */
  abpRx1Delay: number;
  abpRx2Dr: number;
  abpRx2Freq: number;
}

/**
 * CreateDeviceProfileRequest { DeviceProfile device_profile = 1; }, DeviceProfile { string id = 1;
 * string tenant_id = 2; string name = 3; common.Region region = 4; common.MacVersion mac_version = 5;
 * common.RegParamsRevision reg_params_revision = 6; string adr_algorithm_id = 7; CodecRuntime
 * payload_codec_runtime = 8; uint32 uplink_interval = 11; bool supports_otaa = 13; uint32 abp_rx1_delay = 21;
 * uint32 abp_rx2_dr = 23; uint32 abp_rx2_freq = 24; string description = 26; ... }
 */
export function encodeCreateDeviceProfileRequest(p: DeviceProfileInput): Uint8Array {
  const profile = encodeMessage([
    str(2, p.tenantId),
    str(3, p.name),
    uint(4, p.region),
    uint(5, p.macVersion),
    uint(6, p.regParamsRevision),
    str(7, p.adrAlgorithmId),
    uint(8, p.payloadCodecRuntime),
    uint(11, p.uplinkInterval),
    bool(13, p.supportsOtaa),
    uint(21, p.abpRx1Delay),
    uint(23, p.abpRx2Dr),
    uint(24, p.abpRx2Freq),
    str(26, p.description),
  ]);
  return encodeMessage([msg(1, profile)]);
}

/** CreateDeviceProfileResponse { string id = 1; } */
export function decodeCreateDeviceProfileResponse(b: Uint8Array): { id: string } {
  return { id: getString(decodeMessage(b), 1) };
}

/**
 * ListDeviceProfilesRequest { uint32 limit = 1; uint32 offset = 2; string search = 3; string tenant_id = 4; }
 * (later releases add device_id = 5, global_only = 6, tenant_only = 7, which this leaves unset).
 */
export function encodeListDeviceProfilesRequest(r: { limit: number; offset: number; search: string; tenantId: string }): Uint8Array {
  return encodeMessage([uint(1, r.limit), uint(2, r.offset), str(3, r.search), str(4, r.tenantId)]);
}

export interface DeviceProfileItem {
  id: string;
  name: string;
  region: number;
  macVersion: number;
}

/**
 * ListDeviceProfilesResponse { uint32 total_count = 1; repeated DeviceProfileListItem result = 2; },
 * DeviceProfileListItem { string id = 1; ... string name = 4; common.Region region = 5; common.MacVersion mac_version = 6; ... }
 */
export function decodeListDeviceProfilesResponse(b: Uint8Array): { totalCount: number; result: DeviceProfileItem[] } {
  const f = decodeMessage(b);
  const result = getRepeatedMessages(f, 2).map((item) => {
    const i = decodeMessage(item);
    return { id: getString(i, 1), name: getString(i, 4), region: getUint(i, 5), macVersion: getUint(i, 6) };
  });
  return { totalCount: getUint(f, 1), result };
}

// --- gateway.proto: GatewayService ---

export interface GatewayInput {
  /** EUI64, HEX. */
  gatewayId: string;
  name: string;
  description: string;
  tenantId: string;
  /** Seconds between the gateway's stats. */
  statsInterval: number;
}

/**
 * CreateGatewayRequest { Gateway gateway = 1; }, Gateway { string gateway_id = 1; string name = 2;
 * string description = 3; common.Location location = 4; string tenant_id = 5; ... uint32 stats_interval = 8; }
 * The reply is google.protobuf.Empty.
 */
export function encodeCreateGatewayRequest(g: GatewayInput): Uint8Array {
  const gateway = encodeMessage([str(1, g.gatewayId), str(2, g.name), str(3, g.description), str(5, g.tenantId), uint(8, g.statsInterval)]);
  return encodeMessage([msg(1, gateway)]);
}

// --- device.proto: DeviceService ---

export interface DeviceInput {
  /** EUI64, HEX. */
  devEui: string;
  name: string;
  description: string;
  applicationId: string;
  deviceProfileId: string;
  /** Accept any frame counter (lab runs repeat counters). */
  skipFcntCheck: boolean;
}

/**
 * CreateDeviceRequest { Device device = 1; }, Device { string dev_eui = 1; string name = 2;
 * string description = 3; string application_id = 4; string device_profile_id = 5; bool skip_fcnt_check = 6; ... }
 * The reply is google.protobuf.Empty.
 */
export function encodeCreateDeviceRequest(d: DeviceInput): Uint8Array {
  const device = encodeMessage([str(1, d.devEui), str(2, d.name), str(3, d.description), str(4, d.applicationId), str(5, d.deviceProfileId), bool(6, d.skipFcntCheck)]);
  return encodeMessage([msg(1, device)]);
}

export interface DeviceActivationInput {
  devEui: string;
  /** HEX, most significant byte first. */
  devAddr: string;
  appSKey: string;
  nwkSEncKey: string;
  sNwkSIntKey: string;
  fNwkSIntKey: string;
  fCntUp: number;
  nFCntDown: number;
  aFCntDown: number;
}

/**
 * ActivateDeviceRequest { DeviceActivation device_activation = 1; }, DeviceActivation { string dev_eui = 1;
 * string dev_addr = 2; string app_s_key = 3; string nwk_s_enc_key = 4; uint32 f_cnt_up = 5;
 * uint32 n_f_cnt_down = 6; string s_nwk_s_int_key = 8; string f_nwk_s_int_key = 9; uint32 a_f_cnt_down = 10; }
 * (the proto declares 8 and 9 before 5; the wire, like protoc, goes by number). The reply is google.protobuf.Empty.
 * For LoRaWAN 1.0.x the NwkSKey goes into nwk_s_enc_key, s_nwk_s_int_key and f_nwk_s_int_key alike.
 */
export function encodeActivateDeviceRequest(a: DeviceActivationInput): Uint8Array {
  const activation = encodeMessage([
    str(1, a.devEui),
    str(2, a.devAddr),
    str(3, a.appSKey),
    str(4, a.nwkSEncKey),
    uint(5, a.fCntUp),
    uint(6, a.nFCntDown),
    str(8, a.sNwkSIntKey),
    str(9, a.fNwkSIntKey),
    uint(10, a.aFCntDown),
  ]);
  return encodeMessage([msg(1, activation)]);
}
