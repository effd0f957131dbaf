// Picks a connection for a host by `ansible_connection`. local and ssh are the engine's own; others
// (the OSM lxc connection) are registered by modules/builtins.ts through registerConnectionType.
import type { Connection } from './types.js';
import type { Vars } from '../types.js';

export interface ConnectionOptions {
  /** Connection type from the play (`connection:`) or CLI; inventory ansible_connection wins over it. */
  defaultType?: string;
  /** Free-form options for connection factories (known_hosts policy, timeouts...). */
  [key: string]: unknown;
}

export type ConnectionFactory = (hostName: string, vars: Vars, opts: ConnectionOptions) => Promise<Connection> | Connection;

// The engine's own connections, each imported on first use (a literal path, so a bundler keeps it):
// a local run never loads ssh2, and a syntax check loads neither (nor child_process). An import that
// fails is an error, never a fallback.
const factories = new Map<string, ConnectionFactory>([
  ['local', async (hostName) => new (await import('./local.js')).LocalConnection(hostName)],
  ['ssh', async (hostName, vars, opts) => (await import('./ssh.js')).createSshConnection(hostName, vars, opts)],
]);

export function registerConnectionType(name: string, factory: ConnectionFactory): void {
  factories.set(name, factory);
}

export function connectionTypes(): string[] {
  return [...factories.keys()].sort();
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** The connection type a host uses: ansible_connection, else the default, else local for localhost. */
export function connectionTypeFor(hostName: string, vars: Vars, opts: ConnectionOptions = {}): string {
  const fromVars = vars['ansible_connection'];
  if (typeof fromVars === 'string' && fromVars !== '') return fromVars;
  if (opts.defaultType) return opts.defaultType;
  return LOCAL_NAMES.has(hostName) ? 'local' : 'ssh';
}

export async function createConnection(hostName: string, vars: Vars, opts: ConnectionOptions = {}): Promise<Connection> {
  const type = connectionTypeFor(hostName, vars, opts);
  const factory = factories.get(type);
  if (!factory) {
    throw new Error(`host ${hostName}: unknown connection type '${type}' (known: ${connectionTypes().join(', ')})`);
  }
  return factory(hostName, vars, opts);
}
