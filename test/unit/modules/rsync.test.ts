import { describe, expect, it } from 'vitest';
import { parseItemize } from '../../../modules/lib/rsync/itemize.js';
import { planRsync, rsyncArgv, sshCommand } from '../../../modules/rsync.js';

const a = { src: '/srv/a/', dest: '/srv/b/', archive: true, delete: false, checksum: false, excludes: [] as string[], timeout: 3600 };
const state = (itemized: string) => ({ items: parseItemize(itemized), itemized });

describe('rsyncArgv', () => {
  it.each([
    ['defaults', a, true, ['rsync', '--itemize-changes', '--dry-run', '--archive', '--', '/srv/a/', '/srv/b/']],
    ['all options', { ...a, archive: false, delete: true, checksum: true, excludes: ['*.tmp', 'cache/'] }, false,
      ['rsync', '--itemize-changes', '--delete', '--checksum', '--exclude=*.tmp', '--exclude=cache/', '--', '/srv/a/', '/srv/b/']],
    ['odd names stay single argv items', { ...a, src: '-x y/', dest: "it's:/p q" }, false,
      ['rsync', '--itemize-changes', '--archive', '--', '-x y/', "it's:/p q"]],
  ])('%s', (_n, args, dry, want) => {
    expect(rsyncArgv(args, dry)).toEqual(want);
  });

  it('adds a strict, non-interactive ssh command for remote options', () => {
    const argv = rsyncArgv({ ...a, dest: 'root@127.0.0.1:/srv/backups/x/', ssh_port: 2223, ssh_key: '/k/id', known_hosts: '/k/known hosts' }, false);
    expect(argv.slice(3, 5)).toEqual([
      '--rsh',
      "ssh -o 'BatchMode=yes' -p 2223 -i /k/id -o 'IdentitiesOnly=yes' -o 'UserKnownHostsFile=/k/known hosts' -o 'StrictHostKeyChecking=yes'",
    ]);
    expect(sshCommand(a)).toBeNull();
  });
});

describe('planRsync', () => {
  it.each([
    ['nothing itemized', '', []],
    ['only a "created directory" message', 'created directory /srv/b\n', []],
    ['new files', 'cd+++++++++ ./\n>f+++++++++ a\n', ['sync']],
    ['deletions only', '*deleting   old\n', ['sync']],
  ])('%s', (_n, out, want) => {
    expect(planRsync(a, state(out)).map((c) => c.action)).toEqual(want);
  });

  it('shows the itemized lines as the diff and counts them', () => {
    const [c] = planRsync({ ...a, delete: true }, state('created directory /srv/b\n>f.st...... a\n*deleting   old\n'));
    expect(c?.after).toBe('>f.st...... a\n*deleting   old\n');
    expect(c?.summary).toBe('would run: rsync --itemize-changes --archive --delete -- /srv/a/ /srv/b/ (1 item(s) to copy or update, 1 to delete)');
  });
});
