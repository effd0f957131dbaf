// The one way ufw_rule and ufw_state carry and run their ufw commands.
import { describe, expect, it } from 'vitest';
import { runUfwChanges, ufwChange } from '../../../../../modules/lib/ufw/command.js';
import type { HostContext } from '../../../../../runner/module.js';

describe('ufw changes', () => {
  it('carry their argv and run them in order', async () => {
    const ran: string[][] = [];
    const host = { run: async (argv: string[]) => (ran.push(argv), `${argv[1]}\n`) } as unknown as HostContext;
    const changes = [ufwChange('logging', 'logging', ['ufw', 'logging', 'low'], 'off\n', 'low\n'), ufwChange('enable', 'status', ['ufw', '--force', 'enable'], '', '')];
    expect(changes[0]).toEqual({ action: 'logging', target: 'logging', summary: 'would run: ufw logging low', before: 'off\n', after: 'low\n', data: { argv: ['ufw', 'logging', 'low'] } });
    expect(await runUfwChanges(host, changes)).toEqual(['logging\n', '--force\n']);
    expect(ran).toEqual([['ufw', 'logging', 'low'], ['ufw', '--force', 'enable']]);
  });

  it('refuses a change without a command', async () => {
    const host = { run: async () => '' } as unknown as HostContext;
    await expect(runUfwChanges(host, [{ action: 'x', target: 't', summary: 's' }])).rejects.toThrow('internal: change s carries no argv');
  });
});
