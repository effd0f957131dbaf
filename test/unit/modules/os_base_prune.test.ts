// os_base_prune gather: a base is never deleted under a container, so what it cannot read stops the prune.
import { describe, expect, it } from 'vitest';
import prune from '../../../modules/os_base_prune.js';
import type { ExecResult } from '../../../runner/connection/types.js';
import type { HostContext } from '../../../runner/module.js';

const a = { bases_dir: '/srv/b', containers_dir: '/srv/c', keep: 1 };

/** Bases old and new; one container, acme-svr, whose config is gone and whose record is `record`. */
function fakeHost(record: string): HostContext {
  const host: Partial<HostContext> = {
    stat: async () => null,
    readFile: async (p: string) => (p === '/srv/c/acme-svr/osm-customer.json' ? record : null),
    exec: async (cmd) => {
      const argv = 'argv' in cmd ? cmd.argv : [];
      const out = argv[1] === '/srv/b' ? '20260101-old\n20260201-new\n' : 'acme-svr\n';
      return { stdout: out, stderr: '', exitCode: 0 } as ExecResult;
    },
  };
  return host as HostContext;
}

describe('os_base_prune gather', () => {
  it('keeps the base a customer record names', async () => {
    const s = await prune.gather(fakeHost('{"customer":"acme","os_base":"20260101-old"}'), a);
    expect(s.plan).toEqual({ delete: [], keep: { '20260101-old': 'in use by acme-svr', '20260201-new': 'one of the newest 1' } });
  });

  it('stops when a customer record is not JSON', async () => {
    await expect(prune.gather(fakeHost('{"customer":"acme","os_base":'), a)).rejects.toThrow('/srv/c/acme-svr/osm-customer.json: not JSON; cannot tell which base it uses, so nothing is pruned');
  });
});
