// The ChirpStack v4 API messages osm-play uses, encoded and decoded by field number as the 4.9 proto
// defines them (api/proto/api/{internal,user,tenant,application}.proto in chirpstack/chirpstack;
// the numbers are the same in every 4.x release that has these messages). Pure.
import { decodeMessage, encodeMessage, getBool, getMessage, getRepeatedMessages, getString, getUint, type ProtoField } from './protobuf.js';

/** InfluxDbVersion (application.proto): INFLUXDB_1 = 0, INFLUXDB_2 = 1. */
export const INFLUXDB_VERSIONS = { INFLUXDB_1: 0, INFLUXDB_2: 1 } as const;
export type InfluxDbVersionName = keyof typeof INFLUXDB_VERSIONS;

export function influxDbVersionName(n: number): string {
  const hit = Object.entries(INFLUXDB_VERSIONS).find(([, v]) => v === n);
  return hit ? hit[0] : `unknown (${n})`;
}

const str = (no: number, value: string): ProtoField => ({ no, kind: 'string', value });
const uint = (no: number, value: number): ProtoField => ({ no, kind: 'uint', value });

// --- internal.proto: InternalService ---

/** LoginRequest { string email = 1; string password = 2; } */
export function encodeLoginRequest(email: string, password: string): Uint8Array {
  return encodeMessage([str(1, email), str(2, password)]);
}

/** LoginResponse { string jwt = 1; } */
export function decodeLoginResponse(b: Uint8Array): { jwt: string } {
  return { jwt: getString(decodeMessage(b), 1) };
}

/** User (user.proto) { string id = 1; bool is_admin = 4; bool is_active = 5; string email = 6; string note = 7; } */
export interface ChirpStackUser {
  id: string;
  isAdmin: boolean;
  isActive: boolean;
  email: string;
}

function decodeUser(b: Uint8Array): ChirpStackUser {
  const f = decodeMessage(b);
  return { id: getString(f, 1), isAdmin: getBool(f, 4), isActive: getBool(f, 5), email: getString(f, 6) };
}

/** ProfileResponse { User user = 1; repeated UserTenantLink tenants = 3; } (the request is google.protobuf.Empty) */
export function decodeProfileResponse(b: Uint8Array): { user: ChirpStackUser | undefined } {
  const user = getMessage(decodeMessage(b), 1);
  return { user: user === undefined ? undefined : decodeUser(user) };
}

// --- user.proto: UserService ---

/** UpdateUserPasswordRequest { string user_id = 1; string password = 2; } */
export function encodeUpdateUserPasswordRequest(userId: string, password: string): Uint8Array {
  return encodeMessage([str(1, userId), str(2, password)]);
}

// --- tenant.proto: TenantService ---

export interface ListRequest {
  /** 0 returns only total_count, so always set it. */
  limit: number;
  offset: number;
  search: string;
}

/** ListTenantsRequest { uint32 limit = 1; uint32 offset = 2; string search = 3; string user_id = 4; } */
export function encodeListTenantsRequest(r: ListRequest): Uint8Array {
  return encodeMessage([uint(1, r.limit), uint(2, r.offset), str(3, r.search)]);
}

export interface NamedItem {
  id: string;
  name: string;
}

export interface ListResponse {
  totalCount: number;
  result: NamedItem[];
}

/** ListTenantsResponse { uint32 total_count = 1; repeated TenantListItem result = 2; }, TenantListItem { string id = 1; ... string name = 4; } */
export function decodeListTenantsResponse(b: Uint8Array): ListResponse {
  return decodeList(b);
}

/** Tenants and applications list the same way: total_count = 1, result = 2 with id = 1 and name = 4. */
function decodeList(b: Uint8Array): ListResponse {
  const f = decodeMessage(b);
  const result = getRepeatedMessages(f, 2).map((item) => {
    const i = decodeMessage(item);
    return { id: getString(i, 1), name: getString(i, 4) };
  });
  return { totalCount: getUint(f, 1), result };
}

// --- application.proto: ApplicationService ---

/** ListApplicationsRequest { uint32 limit = 1; uint32 offset = 2; string search = 3; string tenant_id = 4; } */
export function encodeListApplicationsRequest(r: ListRequest & { tenantId: string }): Uint8Array {
  return encodeMessage([uint(1, r.limit), uint(2, r.offset), str(3, r.search), str(4, r.tenantId)]);
}

/** ListApplicationsResponse { uint32 total_count = 1; repeated ApplicationListItem result = 2; }, ApplicationListItem { string id = 1; ... string name = 4; string description = 5; } */
export function decodeListApplicationsResponse(b: Uint8Array): ListResponse {
  return decodeList(b);
}

/** CreateApplicationRequest { Application application = 1; }, Application { string id = 1; string name = 2; string description = 3; string tenant_id = 4; } */
export function encodeCreateApplicationRequest(a: { name: string; description: string; tenantId: string }): Uint8Array {
  return encodeMessage([{ no: 1, kind: 'message', value: encodeMessage([str(2, a.name), str(3, a.description), str(4, a.tenantId)]) }]);
}

/** CreateApplicationResponse { string id = 1; } */
export function decodeCreateApplicationResponse(b: Uint8Array): { id: string } {
  return { id: getString(decodeMessage(b), 1) };
}

/** The InfluxDbIntegration fields osm-play manages (InfluxDB 2: endpoint, token, organization, bucket). */
export interface InfluxDbIntegration {
  applicationId: string;
  endpoint: string;
  version: number;
  token: string;
  organization: string;
  bucket: string;
}

/**
 * InfluxDbIntegration { string application_id = 1; string endpoint = 2; string db = 3; string username = 4;
 * string password = 5; string retention_policy_name = 6; InfluxDbPrecision precision = 7;
 * InfluxDbVersion version = 8; string token = 9; string organization = 10; string bucket = 11; }
 * The InfluxDB 1 fields (3-7) stay empty.
 */
export function encodeInfluxDbIntegration(i: InfluxDbIntegration): Uint8Array {
  return encodeMessage([str(1, i.applicationId), str(2, i.endpoint), uint(8, i.version), str(9, i.token), str(10, i.organization), str(11, i.bucket)]);
}

export function decodeInfluxDbIntegration(b: Uint8Array): InfluxDbIntegration {
  const f = decodeMessage(b);
  return { applicationId: getString(f, 1), endpoint: getString(f, 2), version: getUint(f, 8), token: getString(f, 9), organization: getString(f, 10), bucket: getString(f, 11) };
}

/** GetInfluxDbIntegrationRequest { string application_id = 1; } */
export function encodeGetInfluxDbIntegrationRequest(applicationId: string): Uint8Array {
  return encodeMessage([str(1, applicationId)]);
}

/** GetInfluxDbIntegrationResponse { InfluxDbIntegration integration = 1; } */
export function decodeGetInfluxDbIntegrationResponse(b: Uint8Array): InfluxDbIntegration | undefined {
  const i = getMessage(decodeMessage(b), 1);
  return i === undefined ? undefined : decodeInfluxDbIntegration(i);
}

/** CreateInfluxDbIntegrationRequest and UpdateInfluxDbIntegrationRequest { InfluxDbIntegration integration = 1; } */
export function encodeInfluxDbIntegrationRequest(i: InfluxDbIntegration): Uint8Array {
  return encodeMessage([{ no: 1, kind: 'message', value: encodeInfluxDbIntegration(i) }]);
}

/** google.protobuf.Empty: no fields. */
export const EMPTY = new Uint8Array(0);
