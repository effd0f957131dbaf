// chirpstack_admin_password: replaces the password ChirpStack v4 gives its first user ("admin" /
// "admin", made by the first database migration) through its own API, over gRPC-web from the
// container. The current password is never read: gather logs in with the wanted password, then with
// the default one, and the plan only says which of them works.
// API: InternalService.Login / Profile and UserService.UpdatePassword, api/proto/api/internal.proto
// and user.proto of chirpstack/chirpstack v4.9.0; https://www.chirpstack.io/docs/chirpstack/
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, type HostContext } from '../runner/module.js';
import type { OnlyChange } from '../runner/types.js';
import { login, profile, updatePassword } from './lib/chirpstack/api.js';
import { GRPC_UNAUTHENTICATED, GrpcError } from './lib/chirpstack/grpc-web.js';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8080', description: "ChirpStack's API (gRPC-web) base URL, as seen from the target host." }),
    email: Type.String({ minLength: 1, default: 'admin', description: 'The user to log in as (ChirpStack v4 calls the login name email; its first user is admin).' }),
    password: Type.String({ minLength: 1, description: 'The password the user must have (secret: never shown, sent only on stdin to curl).' }),
    default_password: Type.String({ minLength: 1, default: 'admin', description: 'The password the user has until this module changes it (ChirpStack v4 starts with admin; secret).' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

/** Which password logs in now: the wanted one (nothing to do) or the default one (change it). */
export interface AdminPasswordState {
  works: 'password' | 'default_password';
}

export type AdminPasswordChange = OnlyChange<'password'>;

/** Logs in with `password`; false when ChirpStack says the credentials are wrong (UNAUTHENTICATED). */
async function logsIn(host: HostContext, a: Args, password: string): Promise<boolean> {
  try {
    await login(host, a.url, a.email, password);
    return true;
  } catch (e) {
    if (e instanceof GrpcError && e.code === GRPC_UNAUTHENTICATED) return false;
    throw e;
  }
}

/** Pure: a change only while the default password is the one that works. */
export function planAdminPassword(a: Pick<Args, 'email'>, s: AdminPasswordState): AdminPasswordChange[] {
  if (s.works === 'password') return [];
  return [
    {
      action: 'password',
      target: `ChirpStack user ${a.email}`,
      summary: `replace the default password of ChirpStack user ${a.email}`,
      before: 'password: <the default password>\n',
      after: 'password: <password set>\n',
    },
  ];
}

export default defineModule({
  name: 'chirpstack_admin_password',
  doc:
    "Sets the password of a ChirpStack v4 user that still has its default password (ChirpStack's first user is admin with " +
    'password admin). Talks to the API with gRPC-web (application/grpc-web-text) through curl on the target, the ' +
    'credentials in its config on stdin. Gather logs in (InternalService.Login) with `password`: when that works there ' +
    'is nothing to do. Otherwise it logs in with `default_password`: when that works the plan is to change it ' +
    '(InternalService.Profile for the user id, then UserService.UpdatePassword, then a login with the new password to ' +
    'prove it). When neither logs in the task fails: someone set another password, which this module will not guess. ' +
    'Plans and diffs only say which password works.',
  example: `- name: ChirpStack's admin has its own password
  chirpstack_admin_password:
    password: "{{ mqtt_secret.values.chirpstack_admin_password }}"`,
  args,
  secretArgs: ['password', 'default_password'],
  async gather(host, a): Promise<AdminPasswordState> {
    if (await logsIn(host, a, a.password)) return { works: 'password' };
    if (await logsIn(host, a, a.default_password)) return { works: 'default_password' };
    throw new ModuleError(
      `chirpstack_admin_password: neither password nor default_password logs in as ${a.email} at ${a.url}; ` +
        'the password was changed elsewhere: set it back in the ChirpStack web interface, or pass the current one as default_password',
    );
  },
  plan: planAdminPassword,
  async apply(host, a) {
    const token = await login(host, a.url, a.email, a.default_password);
    const user = await profile({ host, baseUrl: a.url, token });
    await updatePassword({ host, baseUrl: a.url, token }, user.id, a.password);
    if (!(await logsIn(host, a, a.password))) {
      throw new ModuleError(`chirpstack_admin_password: ChirpStack accepted the new password of ${a.email} but does not log in with it`);
    }
    return { data: { email: a.email } };
  },
  result(a) {
    return { email: a.email };
  },
});
