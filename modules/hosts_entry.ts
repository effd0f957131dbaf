// hosts_entry: `IP NAME` lines of /etc/hosts, one line per name, no duplicates.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import { fileChange, writeValidated, type FileContentChange } from '../runner/kit/index.js';
import { editEtcHosts } from './lib/hosts/etc-hosts.js';
import { parseIpv4 } from './lib/net/ipv4.js';

const HOST_NAME = '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$';

const args = Type.Object(
  {
    names: Type.Array(Type.String({ pattern: HOST_NAME }), { minItems: 1, description: 'Host names; each gets a line of its own.' }),
    ip: Type.Optional(Type.String({ minLength: 2, description: 'The address (IPv4 or IPv6); required for present. With absent, only lines with this address are removed.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: exactly one line `IP NAME` per name (other lines for the name are removed or the name taken off them); absent: no line for the name.',
    }),
    file: Type.String({ pattern: '^/', default: '/etc/hosts', description: 'The hosts file.' }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export interface HostsFileState {
  text: string | null;
}

export type HostsEntryChange = FileContentChange;

export function planHostsEntry(a: Args, s: HostsFileState): HostsEntryChange[] {
  if (a.state === 'present' && !a.ip) throw new ModuleError('hosts_entry: ip is required for state present');
  if (a.ip && parseIpv4(a.ip) === null && !/^[0-9a-fA-F:]+$/.test(a.ip)) throw new ModuleError(`hosts_entry: '${a.ip}' is not an IP address`);
  const before = s.text ?? '';
  const after = editEtcHosts(before, a.names, a.ip, a.state);
  if (after === before) return [];
  return fileChange(a.file, s.text, after).map((c) => ({
    ...c,
    summary: a.state === 'present' ? `map ${a.names.join(' ')} to ${a.ip ?? ''} in ${c.target}` : `remove ${a.names.join(' ')} from ${c.target}`,
  }));
}

export default defineModule({
  name: 'hosts_entry',
  doc:
    'Keeps one `IP NAME` line per name in /etc/hosts (or another hosts file). present replaces a line giving ' +
    'the name another address, takes the name off shared lines, and drops duplicates; absent removes the ' +
    'name (only where it maps to ip, when ip is given). Other lines stay as they are. Written atomically ' +
    '(temp file + rename, mode and owner kept). Changed when the file text changes.',
  example: ['- name: Container name resolves on the host', '  hosts_entry:', '    ip: "{{ addr.ip }}"', '    names: ["{{ customer_name }}-svr"]'].join('\n'),
  args,
  async gather(host, a): Promise<HostsFileState> {
    return { text: await host.readFile(a.file) };
  },
  plan: (a, s) => planHostsEntry(a, s),
  async apply(host, a, changes) {
    // The plan is one change, carrying the whole new text.
    for (const c of changes) {
      switch (c.action) {
        case 'create':
        case 'write':
          if (c.after !== undefined) await writeValidated(host, a.file, c.after, { mode: c.action === 'create' ? 0o644 : undefined });
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a) => ({ names: a.names, ip: a.ip ?? null }),
});
