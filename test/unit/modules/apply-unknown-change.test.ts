// Modules that declare their change union refuse, in apply(), a change they have no step for: a typo
// in an action used to do nothing at all and report the task as changed.
import { describe, expect, it } from 'vitest';
import apt from '../../../modules/apt.js';
import aptKey from '../../../modules/apt_key.js';
import aptRepository from '../../../modules/apt_repository.js';
import btrfsSubvolume from '../../../modules/btrfs_subvolume.js';
import deb822Repository from '../../../modules/deb822_repository.js';
import file from '../../../modules/file.js';
import generatedSecret from '../../../modules/generated_secret.js';
import getUrl from '../../../modules/get_url.js';
import git from '../../../modules/git.js';
import group from '../../../modules/group.js';
import hostsEntry from '../../../modules/hosts_entry.js';
import lxcContainer from '../../../modules/lxc_container.js';
import osBase from '../../../modules/os_base.js';
import service from '../../../modules/service.js';
import snapperSnapshot from '../../../modules/snapper_snapshot.js';
import sysctl from '../../../modules/sysctl.js';
import tlsCertificate from '../../../modules/tls_certificate.js';
import ufwRule from '../../../modules/ufw_rule.js';
import type { AnyModule, HostContext } from '../../../runner/module.js';
import type { Change } from '../../../runner/types.js';
import { argsOf } from '../../helpers/module-args.js';

/** A host on which every command succeeds, recording what ran. */
function recordingHost(ran: string[][]): HostContext {
  const run = async (argv: string[]) => {
    ran.push(argv);
    return '';
  };
  return { name: 'h', run, exec: async (cmd: { argv: string[] }) => ({ exitCode: 1, stdout: '', stderr: "doesn't exist", durationMs: 0, argv: cmd.argv }) } as unknown as HostContext;
}

describe('apply with a change it has no step for', () => {
  it.each<[string, AnyModule, Record<string, unknown>, unknown?]>([
    ['btrfs_subvolume', btrfsSubvolume as AnyModule, { path: '/srv/x' }],
    ['lxc_container', lxcContainer as AnyModule, { name: 'acme-svr' }],
    ['apt', apt as AnyModule, { name: 'ufw', dpkg_options: '' }],
    ['apt_key', aptKey as AnyModule, { id: '0123456789ABCDEF' }],
    ['apt_repository', aptRepository as AnyModule, { repo: 'deb http://x/ y main' }],
    ['deb822_repository', deb822Repository as AnyModule, { name: 'x' }],
    ['file', file as AnyModule, { path: '/x' }],
    ['generated_secret', generatedSecret as AnyModule, { path: '/x' }],
    ['get_url', getUrl as AnyModule, { url: 'https://x/y', dest: '/x' }],
    ['git', git as AnyModule, { repo: 'https://x/y', dest: '/x' }, { dest: '/x', target: { sha: 'a' } }],
    ['group', group as AnyModule, { name: 'x' }],
    ['hosts_entry', hostsEntry as AnyModule, { names: ['x'] }],
    ['os_base', osBase as AnyModule, { bases_dir: '/x' }],
    ['service', service as AnyModule, { name: 'x' }],
    ['snapper_snapshot', snapperSnapshot as AnyModule, { config: 'x' }],
    ['sysctl', sysctl as AnyModule, { name: 'x' }],
    ['tls_certificate', tlsCertificate as AnyModule, { domains: ['x'], provider: 'selfsigned' }],
    ['ufw_rule', ufwRule as AnyModule, { port: 1 }],
  ])('%s throws and runs nothing', async (_name, mod, args, state = {}) => {
    const ran: string[][] = [];
    const typo: Change = { action: 'strat', target: 'x', summary: 'typo' };
    await expect(mod.apply(recordingHost(ran), argsOf(mod, args), [typo], state)).rejects.toThrow("no apply step for change 'strat' of x");
    expect(ran).toEqual([]);
  });
});
