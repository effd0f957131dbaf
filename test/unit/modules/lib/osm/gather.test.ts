// gatherOsmHost: a missing directory is "nothing there"; a listing or snapper output it cannot read is an error.
import { describe, expect, it } from 'vitest';
import { gatherOsmHost } from '../../../../../modules/lib/osm/gather.js';
import type { ExecResult } from '../../../../../runner/connection/types.js';
import type { HostContext } from '../../../../../runner/module.js';

const paths = { lxc_root: '/srv/osm-lxc', nginx_dir: '/etc/nginx', dnsmasq_conf: '/etc/lxc/dnsmasq.conf', hosts_file: '/etc/hosts' };
const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', exitCode: 0 }) as ExecResult;

/** A host whose `find` of `failing` exits 1; `existing` are the paths stat finds. */
function fakeHost(opts: { failing?: string; existing?: string[]; snapper?: ExecResult }): HostContext {
  const host: Partial<HostContext> = {
    stat: async (p: string) => (opts.existing?.includes(p) ? ({ isDir: true } as Awaited<ReturnType<HostContext['stat']>>) : null),
    readFile: async () => null,
    exec: async (cmd) => {
      const argv = 'argv' in cmd ? cmd.argv : [];
      if (argv[0] === 'find' && argv[1] === opts.failing) return { stdout: '', stderr: `find: '${argv[1]}': Permission denied`, exitCode: 1 } as ExecResult;
      if (argv[0] === 'find' && argv[1] === '/srv/osm-lxc/containers') return ok('acme-svr\n');
      if (argv[0] === 'snapper') return opts.snapper ?? ok('{"configs":[{"config":"acme-svr","subvolume":"/srv/osm-lxc/containers/acme-svr"}]}');
      return ok();
    },
  };
  return host as HostContext;
}

describe('gatherOsmHost', () => {
  it('reads a missing directory as empty', async () => {
    const raw = await gatherOsmHost(fakeHost({ failing: '/srv/osm-lxc/deleted' }), paths);
    expect(raw.deleted).toEqual([]);
    expect(raw.containerDirs).toEqual(['acme-svr']);
    expect(raw.snapperConfigs).toEqual(['acme-svr']);
  });

  it('fails when a directory that exists cannot be listed', async () => {
    const host = fakeHost({ failing: '/srv/osm-lxc/deleted', existing: ['/srv/osm-lxc/deleted'] });
    await expect(gatherOsmHost(host, paths)).rejects.toThrow("listing /srv/osm-lxc/deleted failed (rc 1): find: '/srv/osm-lxc/deleted': Permission denied");
  });

  it('fails when snapper answers with output it cannot read', async () => {
    await expect(gatherOsmHost(fakeHost({ snapper: ok('Config | Subvolume\n') }), paths)).rejects.toThrow('snapper list-configs: output is not JSON');
  });
});
