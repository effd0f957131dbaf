// The ChirpStack messages the vendor-stack lab test sends to set up its device (test/lab/playbooks/
// chirpstack-devices.ts, with the values of vendor-uplink.ts), checked byte for byte against protoc.
//
// The hex strings below were generated once with protoc 3.21.12 (`protoc --encode=api.<Message>`,
// then `xxd -p`) from excerpts of chirpstack/chirpstack api/proto/api/{device_profile,device,gateway}.proto
// and api/proto/common/common.proto (the messages used, every field of them, with the google.api.http
// options and comments left out), from text-format input holding the same values as each case.
// They are pasted here so that this test needs no protoc at run time. An example:
//   printf 'device { dev_eui: "70b3d57ed0000001" ... }' | protoc -I . --encode=api.CreateDeviceRequest api/device.proto | xxd -p
import { describe, expect, it } from 'vitest';
import {
  CODEC_RUNTIME,
  decodeCreateDeviceProfileResponse,
  decodeListDeviceProfilesResponse,
  encodeActivateDeviceRequest,
  encodeCreateDeviceProfileRequest,
  encodeCreateDeviceRequest,
  encodeCreateGatewayRequest,
  encodeListDeviceProfilesRequest,
  MAC_VERSION,
  REG_PARAMS_REVISION,
  REGION,
} from '../../lab/playbooks/chirpstack-devices.js';
import { VENDOR_UPLINK, vendorRequests } from '../../lab/playbooks/vendor-uplink.js';

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

const TENANT = '52f14cd4-c6f1-4fbd-8f87-4025e1d49242';
const APPLICATION = '3c8a6a2e-9a5f-4b8e-8d2e-1f0b8a7c6d5e';
const PROFILE = '9f1e2d3c-4b5a-4697-8877-665544332211';
const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const req = vendorRequests({ tenantId: TENANT, applicationId: APPLICATION, deviceProfileId: PROFILE });

describe('enum values (common.proto, device_profile.proto)', () => {
  it('are the proto numbers', () => {
    expect(REGION.EU868).toBe(0);
    expect(MAC_VERSION.LORAWAN_1_0_3).toBe(3);
    expect(REG_PARAMS_REVISION).toEqual({ A: 0, B: 1, RP002_1_0_0: 2, RP002_1_0_1: 3, RP002_1_0_2: 4, RP002_1_0_3: 5, RP002_1_0_4: 6 });
    expect(CODEC_RUNTIME).toEqual({ NONE: 0, CAYENNE_LPP: 1, JS: 2 });
  });
});

describe('DeviceProfileService', () => {
  it('List: ListDeviceProfilesRequest as protoc encodes it', () => {
    // limit: 100 search: "osm-test-abp" tenant_id: "<TENANT>"
    expect(hexOf(encodeListDeviceProfilesRequest({ limit: 100, offset: 0, search: 'osm-test-abp', tenantId: TENANT }))).toBe(
      '08641a0c6f736d2d746573742d616270222435326631346364342d633666312d346662642d386638372d343032356531643439323432',
    );
  });

  it('Create: the lab\'s CreateDeviceProfileRequest as protoc encodes it', () => {
    expect(req.deviceProfile).toMatchObject({ region: REGION.EU868, macVersion: MAC_VERSION.LORAWAN_1_0_3, regParamsRevision: REG_PARAMS_REVISION.A, supportsOtaa: false, uplinkInterval: 3600, payloadCodecRuntime: CODEC_RUNTIME.NONE });
    // device_profile { tenant_id: "<TENANT>" name: "osm-test-abp" description: "osm-play lab test device, ABP" region: EU868
    //   mac_version: LORAWAN_1_0_3 reg_params_revision: A adr_algorithm_id: "default" payload_codec_runtime: NONE
    //   uplink_interval: 3600 supports_otaa: false abp_rx1_delay: 1 abp_rx2_dr: 0 abp_rx2_freq: 869525000 }
    expect(hexOf(encodeCreateDeviceProfileRequest(req.deviceProfile))).toBe(
      '0a6c122435326631346364342d633666312d346662642d386638372d3430323565316434393234321a0c6f736d2d746573742d61627028033a0764656661756c7458901ca80101c00188cccf9e03d2011d6f736d2d706c6179206c61622074657374206465766963652c20414250',
    );
  });

  it('Create: the enum and bool fields left at 0 above, set', () => {
    // device_profile { tenant_id: "<TENANT>" name: "p" region: EU868 mac_version: LORAWAN_1_1_0 reg_params_revision: RP002_1_0_3
    //   adr_algorithm_id: "default" payload_codec_runtime: CAYENNE_LPP uplink_interval: 60 supports_otaa: true
    //   abp_rx1_delay: 5 abp_rx2_dr: 3 abp_rx2_freq: 869525000 }
    const encoded = encodeCreateDeviceProfileRequest({
      tenantId: TENANT, name: 'p', description: '', region: REGION.EU868, macVersion: MAC_VERSION.LORAWAN_1_1_0, regParamsRevision: REG_PARAMS_REVISION.RP002_1_0_3,
      adrAlgorithmId: 'default', payloadCodecRuntime: CODEC_RUNTIME.CAYENNE_LPP, uplinkInterval: 60, supportsOtaa: true, abpRx1Delay: 5, abpRx2Dr: 3, abpRx2Freq: 869_525_000,
    });
    expect(hexOf(encoded)).toBe(
      '0a49122435326631346364342d633666312d346662642d386638372d3430323565316434393234321a0170280530053a0764656661756c744001583c6801a80105b80103c00188cccf9e03',
    );
  });

  it('decodes CreateDeviceProfileResponse', () => {
    // id: "11111111-2222-3333-4444-555555555555"
    expect(decodeCreateDeviceProfileResponse(bytes('0a2431313131313131312d323232322d333333332d343434342d353535353535353535353535'))).toEqual({ id: '11111111-2222-3333-4444-555555555555' });
  });

  it('decodes ListDeviceProfilesResponse, skipping the fields it does not read', () => {
    // total_count: 2 result { id: "1111…" name: "osm-test-abp" region: EU868 mac_version: LORAWAN_1_0_3 created_at { seconds: 1700000000 } }
    //   result { id: "6666…" name: "osm-test-abp-2" region: EU868 mac_version: LORAWAN_1_0_4 supports_otaa: true }
    const reply = bytes(
      '0802123e0a2431313131313131312d323232322d333333332d343434342d35353535353535353535353512060880e2cfaa06220c6f736d2d746573742d6162703003123a0a2436363636363636362d373737372d383838382d393939392d303030303030303030303030220e6f736d2d746573742d6162702d3230044001',
    );
    expect(decodeListDeviceProfilesResponse(reply)).toEqual({
      totalCount: 2,
      result: [
        { id: '11111111-2222-3333-4444-555555555555', name: 'osm-test-abp', region: 0, macVersion: 3 },
        { id: '66666666-7777-8888-9999-000000000000', name: 'osm-test-abp-2', region: 0, macVersion: 4 },
      ],
    });
  });
});

describe('GatewayService', () => {
  it('Create: the lab\'s CreateGatewayRequest as protoc encodes it', () => {
    expect(req.gateway.gatewayId).toBe('0102030405060708');
    // gateway { gateway_id: "0102030405060708" name: "osm-test-gateway" description: "osm-play lab test gateway" tenant_id: "<TENANT>" stats_interval: 30 }
    expect(hexOf(encodeCreateGatewayRequest(req.gateway))).toBe(
      '0a670a103031303230333034303530363037303812106f736d2d746573742d676174657761791a196f736d2d706c6179206c6162207465737420676174657761792a2435326631346364342d633666312d346662642d386638372d343032356531643439323432401e',
    );
  });
});

describe('DeviceService', () => {
  it('Create: the lab\'s CreateDeviceRequest as protoc encodes it', () => {
    expect(req.device).toMatchObject({ devEui: '70b3d57ed0000001', skipFcntCheck: true });
    // device { dev_eui: "70b3d57ed0000001" name: "osm-test-device" description: "osm-play lab test device"
    //   application_id: "<APPLICATION>" device_profile_id: "<PROFILE>" skip_fcnt_check: true }
    expect(hexOf(encodeCreateDeviceRequest(req.device))).toBe(
      '0a8b010a1037306233643537656430303030303031120f6f736d2d746573742d6465766963651a186f736d2d706c6179206c6162207465737420646576696365222433633861366132652d396135662d346238652d386432652d3166306238613763366435652a2439663165326433632d346235612d343639372d383837372d3636353534343333323231313001',
    );
  });

  it('Activate: the lab\'s ActivateDeviceRequest (ABP, LoRaWAN 1.0.x: one NwkSKey in three fields) as protoc encodes it', () => {
    expect(req.activation).toEqual({
      devEui: '70b3d57ed0000001', devAddr: '01020304', appSKey: KEY, nwkSEncKey: KEY, sNwkSIntKey: KEY, fNwkSIntKey: KEY, fCntUp: 0, nFCntDown: 0, aFCntDown: 0,
    });
    expect(VENDOR_UPLINK.sessionKey).toBe(KEY);
    // device_activation { dev_eui: "70b3d57ed0000001" dev_addr: "01020304" app_s_key: "<KEY>" nwk_s_enc_key: "<KEY>"
    //   s_nwk_s_int_key: "<KEY>" f_nwk_s_int_key: "<KEY>" f_cnt_up: 0 }
    expect(hexOf(encodeActivateDeviceRequest(req.activation))).toBe(
      '0aa4010a1037306233643537656430303030303031120830313032303330341a20326237653135313632386165643261366162663731353838303963663466336322203262376531353136323861656432613661626637313538383039636634663363422032623765313531363238616564326136616266373135383830396366346633634a203262376531353136323861656432613661626637313538383039636634663363',
    );
  });

  it('Activate: the counters (fields 5, 6, 10) go by field number, between and after the keys (8, 9)', () => {
    // device_activation { dev_eui: "70b3d57ed0000001" dev_addr: "01020304" app_s_key: "00112233445566778899aabbccddeeff"
    //   nwk_s_enc_key: "<KEY>" s_nwk_s_int_key: "<KEY>" f_nwk_s_int_key: "<KEY>" f_cnt_up: 300 n_f_cnt_down: 2 a_f_cnt_down: 7 }
    const encoded = encodeActivateDeviceRequest({
      devEui: '70b3d57ed0000001', devAddr: '01020304', appSKey: '00112233445566778899aabbccddeeff', nwkSEncKey: KEY, sNwkSIntKey: KEY, fNwkSIntKey: KEY, fCntUp: 300, nFCntDown: 2, aFCntDown: 7,
    });
    expect(hexOf(encoded)).toBe(
      '0aab010a1037306233643537656430303030303031120830313032303330341a2030303131323233333434353536363737383839396161626263636464656566662220326237653135313632386165643261366162663731353838303963663466336328ac023002422032623765313531363238616564326136616266373135383830396366346633634a2032623765313531363238616564326136616266373135383830396366346633635007',
    );
  });
});
