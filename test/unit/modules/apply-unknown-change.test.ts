// Modules that declare their change union refuse, in apply(), a change they have no step for: a typo
// in an action used to do nothing at all and report the task as changed.
import { describe, expect, it } from 'vitest';
import btrfsSubvolume from '../../../modules/btrfs_subvolume.js';
import lxcContainer from '../../../modules/lxc_container.js';
import type { AnyModule, HostContext } from '../../../runner/module.js';
import type { Change } from '../../../runner/types.js';

/** A host on which every command succeeds, recording what ran. */
function recordingHost(ran: string[][]): HostContext {
  const run = async (argv: string[]) => {
    ran.push(argv);
    return '';
  };
  return { name: 'h', run, exec: async (cmd: { argv: string[] }) => ({ exitCode: 1, stdout: '', stderr: "doesn't exist", durationMs: 0, argv: cmd.argv }) } as unknown as HostContext;
}

describe('apply with a change it has no step for', () => {
  it.each<[string, AnyModule, Record<string, unknown>]>([
    ['btrfs_subvolume', btrfsSubvolume as AnyModule, { path: '/srv/x', state: 'present' }],
    ['lxc_container', lxcContainer as AnyModule, { name: 'acme-svr', state: 'started', timeout: 30, log_level: 'INFO', wait_for_ip: false }],
  ])('%s throws and runs nothing', async (_name, mod, args) => {
    const ran: string[][] = [];
    const typo: Change = { action: 'strat', target: 'x', summary: 'typo' };
    await expect(mod.apply(recordingHost(ran), args, [typo], {})).rejects.toThrow("no apply step for change 'strat' of x");
    expect(ran).toEqual([]);
  });
});
