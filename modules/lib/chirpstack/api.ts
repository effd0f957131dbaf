// The ChirpStack v4 API calls osm-play makes, over gRPC-web from the managed host. One function per
// RPC; messages in messages.ts, transport in grpc-web.ts.
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { callGrpcWeb } from './grpc-web.js';
import {
  decodeCreateApplicationResponse,
  decodeGetInfluxDbIntegrationResponse,
  decodeListApplicationsResponse,
  decodeListTenantsResponse,
  decodeLoginResponse,
  decodeProfileResponse,
  EMPTY,
  encodeCreateApplicationRequest,
  encodeGetInfluxDbIntegrationRequest,
  encodeInfluxDbIntegrationRequest,
  encodeListApplicationsRequest,
  encodeListTenantsRequest,
  encodeLoginRequest,
  encodeUpdateUserPasswordRequest,
  type ChirpStackUser,
  type InfluxDbIntegration,
  type NamedItem,
} from './messages.js';

/** Where the API is and who calls it (a JWT from login). */
export interface ChirpStackSession {
  host: HostContext;
  baseUrl: string;
  token?: string;
}

/** A page size well above what one customer's ChirpStack holds; lists are searched by name as well. */
const PAGE = 100;

/** InternalService.Login: the JWT for email and password (UNAUTHENTICATED when they are wrong). */
export async function login(host: HostContext, baseUrl: string, email: string, password: string): Promise<string> {
  const reply = await callGrpcWeb(host, { baseUrl, service: 'InternalService', method: 'Login', request: encodeLoginRequest(email, password) });
  const { jwt } = decodeLoginResponse(reply);
  if (jwt === '') throw new ModuleError('ChirpStack InternalService.Login answered OK without a token');
  return jwt;
}

/** InternalService.Profile: the logged-in user. */
export async function profile(s: ChirpStackSession): Promise<ChirpStackUser> {
  const { user } = decodeProfileResponse(await callGrpcWeb(s.host, { ...call(s, 'InternalService', 'Profile'), request: EMPTY }));
  if (user === undefined || user.id === '') throw new ModuleError('ChirpStack InternalService.Profile answered without a user');
  return user;
}

/** UserService.UpdatePassword. */
export async function updatePassword(s: ChirpStackSession, userId: string, password: string): Promise<void> {
  await callGrpcWeb(s.host, { ...call(s, 'UserService', 'UpdatePassword'), request: encodeUpdateUserPasswordRequest(userId, password) });
}

/** The tenant of exactly this name, if any (TenantService.List searches by substring). */
export async function findTenant(s: ChirpStackSession, name: string): Promise<NamedItem | undefined> {
  const reply = await callGrpcWeb(s.host, { ...call(s, 'TenantService', 'List'), request: encodeListTenantsRequest({ limit: PAGE, offset: 0, search: name }) });
  return exactlyNamed(decodeListTenantsResponse(reply).result, name, 'tenant');
}

/** The tenant's application of exactly this name, if any. */
export async function findApplication(s: ChirpStackSession, tenantId: string, name: string): Promise<NamedItem | undefined> {
  const reply = await callGrpcWeb(s.host, { ...call(s, 'ApplicationService', 'List'), request: encodeListApplicationsRequest({ limit: PAGE, offset: 0, search: name, tenantId }) });
  return exactlyNamed(decodeListApplicationsResponse(reply).result, name, 'application');
}

/** ApplicationService.Create: the new application's id. */
export async function createApplication(s: ChirpStackSession, tenantId: string, name: string, description: string): Promise<string> {
  const reply = await callGrpcWeb(s.host, { ...call(s, 'ApplicationService', 'Create'), request: encodeCreateApplicationRequest({ name, description, tenantId }) });
  const { id } = decodeCreateApplicationResponse(reply);
  if (id === '') throw new ModuleError('ChirpStack ApplicationService.Create answered OK without an id');
  return id;
}

/** ApplicationService.GetInfluxDbIntegration (NOT_FOUND when the application has none). */
export async function getInfluxDbIntegration(s: ChirpStackSession, applicationId: string): Promise<InfluxDbIntegration | undefined> {
  return decodeGetInfluxDbIntegrationResponse(await callGrpcWeb(s.host, { ...call(s, 'ApplicationService', 'GetInfluxDbIntegration'), request: encodeGetInfluxDbIntegrationRequest(applicationId) }));
}

/** ApplicationService.CreateInfluxDbIntegration or UpdateInfluxDbIntegration. */
export async function putInfluxDbIntegration(s: ChirpStackSession, how: 'Create' | 'Update', i: InfluxDbIntegration): Promise<void> {
  await callGrpcWeb(s.host, { ...call(s, 'ApplicationService', `${how}InfluxDbIntegration`), request: encodeInfluxDbIntegrationRequest(i) });
}

function call(s: ChirpStackSession, service: string, method: string) {
  return { baseUrl: s.baseUrl, service, method, token: s.token };
}

/** Names are not unique in ChirpStack: two of the same name is a state osm-play will not guess through. */
function exactlyNamed(items: NamedItem[], name: string, what: string): NamedItem | undefined {
  const hits = items.filter((i) => i.name === name);
  if (hits.length > 1) throw new ModuleError(`ChirpStack has ${hits.length} ${what}s named '${name}' (${hits.map((h) => h.id).join(', ')}); keep one`);
  return hits[0];
}
