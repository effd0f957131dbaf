// The lab plays a LoRaWAN device and its gateway against the real ChirpStack v4.9 in a customer's
// container: through ChirpStack's API (gRPC-web, called with curl inside the container as the
// product's modules do) it sets up an ABP device-profile, a gateway, a device and its session, then
// publishes one uplink on the customer's broker as a gateway would. Every step finds before it
// creates (or takes ALREADY_EXISTS as done), so a second run against the same container works.
// Messages: ./chirpstack-devices.ts; frame: test/helpers/lorawan.ts.
import type { Command, ExecOptions, ExecResult } from '../../../runner/connection/types.js';
import type { HostContext } from '../../../runner/module.js';
import { findApplication, findTenant, login, type ChirpStackSession } from '../../../modules/lib/chirpstack/api.js';
import { callGrpcWeb, GrpcError } from '../../../modules/lib/chirpstack/grpc-web.js';
import { runArgv } from '../../helpers/lab.js';
import { chirpstackUplinkJson, encodeUnconfirmedUp } from '../../helpers/lorawan.js';
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
  type DeviceActivationInput,
  type DeviceInput,
  type DeviceProfileInput,
  type GatewayInput,
} from './chirpstack-devices.js';

/** What the lab sets up in ChirpStack; the application is the playbook's (chirpstack_influxdb_integration). */
export const VENDOR_UPLINK = {
  apiUrl: 'http://127.0.0.1:8080',
  adminEmail: 'admin',
  tenant: 'ChirpStack',
  application: 'osm',
  deviceProfile: 'osm-test-abp',
  gatewayId: '0102030405060708',
  devEui: '70b3d57ed0000001',
  devAddr: '01020304',
  /** The LoRaWAN 1.0.x NwkSKey and AppSKey alike (the RFC 4493 example key): a test device, not a secret. */
  sessionKey: '2b7e151628aed2a6abf7158809cf4f3c',
  /** EU868 channel 0 at DR5. */
  frequency: 868_100_000,
  sf: 7,
  bandwidth: 125_000,
} as const;

/** What the Create and Activate calls send, given the ids ChirpStack gave (pure; the unit test encodes these). */
export function vendorRequests(ids: { tenantId: string; applicationId: string; deviceProfileId: string }): {
  deviceProfile: DeviceProfileInput;
  gateway: GatewayInput;
  device: DeviceInput;
  activation: DeviceActivationInput;
} {
  const v = VENDOR_UPLINK;
  return {
    deviceProfile: {
      tenantId: ids.tenantId,
      name: v.deviceProfile,
      description: 'osm-play lab test device, ABP',
      region: REGION.EU868,
      macVersion: MAC_VERSION.LORAWAN_1_0_3,
      // RP001 1.0.3 revA goes with LoRaWAN 1.0.3 (RP002 revisions came with 1.0.4 and 1.1).
      regParamsRevision: REG_PARAMS_REVISION.A,
      adrAlgorithmId: 'default',
      payloadCodecRuntime: CODEC_RUNTIME.NONE,
      uplinkInterval: 3600,
      supportsOtaa: false,
      abpRx1Delay: 1,
      abpRx2Dr: 0,
      abpRx2Freq: 869_525_000,
    },
    gateway: { gatewayId: v.gatewayId, name: 'osm-test-gateway', description: 'osm-play lab test gateway', tenantId: ids.tenantId, statsInterval: 30 },
    device: { devEui: v.devEui, name: 'osm-test-device', description: 'osm-play lab test device', applicationId: ids.applicationId, deviceProfileId: ids.deviceProfileId, skipFcntCheck: true },
    activation: {
      devEui: v.devEui, devAddr: v.devAddr, appSKey: v.sessionKey, nwkSEncKey: v.sessionKey, sNwkSIntKey: v.sessionKey, fNwkSIntKey: v.sessionKey,
      fCntUp: 0, nFCntDown: 0, aFCntDown: 0,
    },
  };
}

/** grpc-status ALREADY_EXISTS (grpc-web.ts GRPC_STATUS_NAMES). */
const GRPC_ALREADY_EXISTS = 6;
const PAGE = 100;

/** The HostContext part callGrpcWeb uses (exec, through callApi): commands run in the container. */
export function containerHost(container: string): HostContext {
  const exec = async (cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> => {
    const argv = 'argv' in cmd ? cmd.argv : ['/bin/sh', '-c', cmd.script];
    const input = opts.stdin === undefined ? undefined : typeof opts.stdin === 'string' ? opts.stdin : opts.stdin.toString('utf8');
    const started = Date.now();
    const r = await runArgv(['lxc-attach', '-n', container, '--clear-env', '--', ...argv], { input, timeoutMs: opts.timeoutMs ?? 60_000 });
    return { ...r, durationMs: Date.now() - started };
  };
  return { name: container, exec } as unknown as HostContext;
}

/** Runs a Create call; ALREADY_EXISTS means an earlier run made it. */
async function createOnce(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (e) {
    if (!(e instanceof GrpcError && e.code === GRPC_ALREADY_EXISTS)) throw e;
  }
}

async function rpc(s: ChirpStackSession, service: string, method: string, request: Uint8Array): Promise<Uint8Array> {
  return callGrpcWeb(s.host, { baseUrl: s.baseUrl, service, method, request, token: s.token });
}

/** The tenant's device-profile of p's name, created as p when missing; one of another region or MAC version is refused. */
async function ensureDeviceProfile(s: ChirpStackSession, p: DeviceProfileInput): Promise<string> {
  const name = p.name;
  const listed = decodeListDeviceProfilesResponse(await rpc(s, 'DeviceProfileService', 'List', encodeListDeviceProfilesRequest({ limit: PAGE, offset: 0, search: name, tenantId: p.tenantId })));
  const hits = listed.result.filter((p) => p.name === name);
  if (hits.length > 1) throw new Error(`ChirpStack has ${hits.length} device-profiles named '${name}' (${hits.map((h) => h.id).join(', ')}); keep one`);
  const found = hits[0];
  if (found !== undefined) {
    if (found.region !== p.region || found.macVersion !== p.macVersion) {
      throw new Error(`ChirpStack device-profile '${name}' (${found.id}) has region ${found.region} and MAC version ${found.macVersion}, not ${p.region} and ${p.macVersion} (common.proto numbers): delete it`);
    }
    return found.id;
  }
  const reply = await rpc(s, 'DeviceProfileService', 'Create', encodeCreateDeviceProfileRequest(p));
  const { id } = decodeCreateDeviceProfileResponse(reply);
  if (id === '') throw new Error('ChirpStack DeviceProfileService.Create answered OK without an id');
  return id;
}

/**
 * Sets up (or finds) an ABP device behind a gateway in the container's ChirpStack, activates it afresh
 * (frame counters 0) and publishes one unconfirmed uplink (FPort 1, payload 01020304) as the gateway on
 * `<region>/gateway/<id>/event/up`. `region` is the MQTT topic prefix (the ChirpStack region id);
 * the device-profile and frame are EU868 whatever it is.
 */
export async function sendVendorUplink(o: {
  container: string;
  adminPassword: string;
  publish: (topic: string, payload: string) => Promise<{ exitCode: number; stderr: string }>;
  region?: string;
}): Promise<{ devEui: string }> {
  const v = VENDOR_UPLINK;
  const host = containerHost(o.container);
  const token = await login(host, v.apiUrl, v.adminEmail, o.adminPassword);
  const s: ChirpStackSession = { host, baseUrl: v.apiUrl, token };

  const tenant = await findTenant(s, v.tenant);
  if (tenant === undefined) throw new Error(`ChirpStack in ${o.container} has no tenant '${v.tenant}' (ChirpStack v4 creates it on its first start)`);
  const application = await findApplication(s, tenant.id, v.application);
  if (application === undefined) throw new Error(`ChirpStack in ${o.container} has no application '${v.application}' in tenant '${v.tenant}': create-container's chirpstack_influxdb_integration task makes it`);

  const ids = { tenantId: tenant.id, applicationId: application.id };
  const deviceProfileId = await ensureDeviceProfile(s, vendorRequests({ ...ids, deviceProfileId: '' }).deviceProfile);
  const req = vendorRequests({ ...ids, deviceProfileId });
  await createOnce(() => rpc(s, 'GatewayService', 'Create', encodeCreateGatewayRequest(req.gateway)));
  await createOnce(() => rpc(s, 'DeviceService', 'Create', encodeCreateDeviceRequest(req.device)));
  // Activate replaces the device session each run, so the frame counter starts over at 0.
  await rpc(s, 'DeviceService', 'Activate', encodeActivateDeviceRequest(req.activation));

  const key = Buffer.from(v.sessionKey, 'hex');
  // Below 2^16, so the on-air 16 bits are the whole counter; differs between runs (skip_fcnt_check covers a repeat).
  const fCnt = Date.now() % 60_000;
  const phyPayload = encodeUnconfirmedUp({ devAddr: v.devAddr, fCnt, fPort: 1, payload: Buffer.from([1, 2, 3, 4]), nwkSKey: key, appSKey: key });
  const topic = `${o.region ?? 'eu868'}/gateway/${v.gatewayId}/event/up`;
  const sent = await o.publish(topic, chirpstackUplinkJson({ phyPayload, gatewayId: v.gatewayId, frequency: v.frequency, sf: v.sf, bandwidth: v.bandwidth, rssi: -60, snr: 7 }));
  if (sent.exitCode !== 0) throw new Error(`publishing the uplink on ${topic} failed (exit ${sent.exitCode}): ${sent.stderr.trim()}`);
  return { devEui: v.devEui };
}
