// stat: facts about a path, for `when:` conditions. Never changes anything.
import { Type } from '@sinclair/typebox';
import { defineModule } from '../runner/module.js';
import { parseStatLine } from '../runner/connection/stat.js';
import type { StatResult } from '../runner/connection/types.js';
import { formatMode } from '../runner/kit/mode.js';
import type { Vars } from '../runner/types.js';

const args = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The path to look at on the host.' }),
    follow: Type.Boolean({ default: false, description: 'Follow a symlink and describe its target.' }),
    get_checksum: Type.Boolean({ default: true, description: 'Compute the sha1 checksum of a regular file.' }),
  },
  { additionalProperties: false },
);

export interface StatState {
  stat: StatResult | null;
  /** Names of the owner and group, the symlink target, the checksum, as far as they apply. */
  pwName?: string;
  grName?: string;
  linkTarget?: string;
  checksum?: string;
}

/** The registered `stat` dict, shaped like Ansible's. */
export function statResult(s: StatState): Vars {
  const st = s.stat;
  if (!st) return { stat: { exists: false } };
  const out: Vars = {
    exists: true,
    isdir: st.isDir,
    isreg: st.isFile,
    islnk: st.isSymlink,
    mode: formatMode(st.mode),
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    mtime: st.mtimeMs / 1000,
  };
  if (s.pwName !== undefined) out.pw_name = s.pwName;
  if (s.grName !== undefined) out.gr_name = s.grName;
  if (s.linkTarget !== undefined) out.lnk_target = s.linkTarget;
  if (s.checksum !== undefined) out.checksum = s.checksum;
  return { stat: out };
}

// One round trip for everything but the checksum. $1 path, $2 'L' to follow symlinks.
const DESCRIBE = [
  'if [ "$2" = L ]; then set -- "$1" -L; else set -- "$1" ""; fi',
  'if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit 66; fi',
  'stat $2 -c "%f %u %g %s %Y %U %G" -- "$1"',
  'if [ -L "$1" ]; then readlink -- "$1"; else echo; fi',
].join('\n');

export default defineModule({
  name: 'stat',
  doc:
    'Describes a path (exists, isdir, isreg, islnk, mode, uid, gid, pw_name, gr_name, size, mtime, ' +
    'lnk_target, sha1 checksum) under `stat` in the registered result. Never changes anything.',
  example: ['- name: Is the base there?', '  stat:', '    path: /srv/osm-lxc/lxc/os-bases/bookworm', '  register: base', '- debug:', '    msg: missing', '  when: not base.stat.exists'].join('\n'),
  args,
  async gather(host, a): Promise<StatState> {
    const r = await host.exec({ argv: ['/bin/sh', '-c', DESCRIBE, 'sh', a.path, a.follow ? 'L' : ''] });
    if (r.exitCode === 66) return { stat: null };
    if (r.exitCode !== 0) throw new Error(`stat ${a.path} failed: ${r.stderr.trim()}`);
    const [line, link] = r.stdout.split('\n');
    const fields = line.trim().split(/\s+/);
    const [pwName, grName] = fields.slice(5);
    const stat = parseStatLine(fields.slice(0, 5).join(' '));
    const state: StatState = { stat, pwName, grName };
    if (link) state.linkTarget = link;
    if (stat.isFile && a.get_checksum) {
      const sum = await host.run(['sha1sum', '--', a.path]);
      state.checksum = sum.split(' ')[0];
    }
    return state;
  },
  plan: () => [],
  async apply() {
    // plan() is always empty: stat only looks.
  },
  result: (_a, s) => statResult(s),
});
