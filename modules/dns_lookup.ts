// dns_lookup: what a DNS server answers for some names, asked from the controller as a client would
// ask (node's resolver, no tool on any host). Read only.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import type { Vars } from '../runner/types.js';

const args = Type.Object(
  {
    names: Type.Array(Type.String({ minLength: 1 }), { description: 'Names to look up (A, and CNAME where the name is an alias).' }),
    server: Type.String({ minLength: 1, description: 'The DNS server to ask: an IPv4 or IPv6 address.' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 53, description: 'Its DNS port.' }),
    timeout: Type.Number({ minimum: 0.1, maximum: 60, default: 5, description: 'Seconds per query before it is tried again (twice in all).' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface DnsAnswer {
  /** The alias target (without the trailing dot), or null when the name is not an alias. */
  cname: string | null;
  /** IPv4 addresses the name ends at (following a CNAME); [] when none. */
  a: string[];
  /** A failure other than "no such name/record" (a timeout, a refusal). */
  error: string | null;
}

/** Answers that say "no such record" are empty answers, not failures. */
const EMPTY = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

async function ask<T>(q: () => Promise<T>, empty: T): Promise<{ value: T; error: string | null }> {
  try {
    return { value: await q(), error: null };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    return EMPTY.has(code) ? { value: empty, error: null } : { value: empty, error: `${code || 'error'}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export async function lookUp(a: Pick<Args, 'names' | 'server' | 'port' | 'timeout'>): Promise<Record<string, DnsAnswer>> {
  if (isIP(a.server) === 0) throw new ModuleError(`server: '${a.server}' is not an IP address`);
  const resolver = new Resolver({ timeout: Math.round(a.timeout * 1000), tries: 2 });
  resolver.setServers([isIP(a.server) === 6 ? `[${a.server}]:${a.port}` : `${a.server}:${a.port}`]);
  const entries = await Promise.all(
    a.names.map(async (name): Promise<[string, DnsAnswer]> => {
      const [cname, a4] = await Promise.all([ask(() => resolver.resolveCname(name), [] as string[]), ask(() => resolver.resolve4(name), [] as string[])]);
      return [name, { cname: cname.value[0]?.replace(/\.$/, '') ?? null, a: [...a4.value].sort(), error: cname.error ?? a4.error }];
    }),
  );
  return Object.fromEntries(entries);
}

export default defineModule({
  name: 'dns_lookup',
  doc:
    'Asks a DNS server (server, port) for each of names, from the controller as a client would: the CNAME target where the name is an alias ' +
    'and the IPv4 addresses it ends at. Registers answers (name → {cname, a, error}); "no such name" is an empty answer, a timeout or a ' +
    'refusal is an error in that answer. Never changed.',
  example: ['- dns_lookup:', '    names: [acme.example.com]', '    server: 192.0.2.53', '  register: dns'].join('\n'),
  args,
  controllerOnly: true,
  gather: (_host, a) => lookUp(a),
  plan: () => [],
  async apply() {},
  result: (_a, answers): Vars => ({ answers }),
});
