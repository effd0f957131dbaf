// Picks a connection for a host by `ansible_connection`. local is built in; ssh and lxc register
// themselves (runner/connection/ssh.ts, the OSM lxc connection) through registerConnectionType.
import { LocalConnection } from './local.js';
import type { Connection } from './types.js';
import type { Vars } from '../types.js';

export interface ConnectionOptions {
  /** Connection type from the play (`connection:`) or CLI; inventory ansible_connection wins over it. */
  defaultType?: string;
  /** Free-form options for connection factories (known_hosts policy, timeouts...). */
  [key: string]: unknown;
}

export type ConnectionFactory = (hostName: string, vars: Vars, opts: ConnectionOptions) => Promise<Connection> | Connection;

const factories = new Map<string, ConnectionFactory>();
// Types whose module registers itself on import: loaded on first use so nobody pays for ssh2 locally.
// The specifier is a variable so this file compiles before ssh.ts exists (it is another engineer's).
const SSH_MODULE = './ssh.js';
const lazy = new Map<string, () => Promise<unknown>>([['ssh', () => import(SSH_MODULE)]]);

export function registerConnectionType(name: string, factory: ConnectionFactory): void {
  factories.set(name, factory);
}

export function connectionTypes(): string[] {
  return [...new Set([...factories.keys(), ...lazy.keys()])].sort();
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
  let factory = factories.get(type);
  if (!factory && lazy.has(type)) {
    await loadLazy(type);
    factory = factories.get(type);
  }
  if (!factory) {
    throw new Error(`host ${hostName}: unknown connection type '${type}' (known: ${connectionTypes().join(', ')})`);
  }
  return factory(hostName, vars, opts);
}

async function loadLazy(type: string): Promise<void> {
  const load = lazy.get(type);
  if (!load) return;
  try {
    await load();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`connection type '${type}' could not be loaded: ${why}`);
  }
}

registerConnectionType('local', (hostName) => new LocalConnection(hostName));
