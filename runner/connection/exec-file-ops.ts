// File operations done through commands (cat/base64, mktemp+mv, stat) so they work under become and
// over any transport that can exec. Local uses it when become is set; ssh can use it the same way.
import { parseStatLine } from './stat.js';
import type { BecomeOptions, Command, ExecOptions, ExecResult, StatResult, WriteOptions } from './types.js';

export type ExecFn = (cmd: Command, opts?: ExecOptions) => Promise<ExecResult>;

// Fixed scripts; paths and modes arrive as positional arguments ($1...), never spliced into the text.
const READ_SCRIPT = 'if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit 66; fi; base64 < "$1"';
const STAT_SCRIPT = 'if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit 66; fi; stat -c "%f %u %g %s %Y" -- "$1"';
// $1 target, $2 mode ('' keeps the old file's or the default), $3 owner, $4 group.
const WRITE_SCRIPT = [
  'set -e',
  'dir=$(dirname -- "$1")',
  'tmp=$(mktemp "$dir/.osm-play.XXXXXX")',
  'trap \'rm -f -- "$tmp"\' EXIT',
  'cat > "$tmp"',
  'if [ -n "$2" ]; then chmod "$2" "$tmp"; elif [ -e "$1" ]; then chmod --reference="$1" "$tmp"; else chmod 0644 "$tmp"; fi',
  'if [ -e "$1" ] && [ "$(id -u)" = 0 ]; then chown --reference="$1" "$tmp"; fi',
  'if [ -n "$3" ]; then chown -- "$3" "$tmp"; fi',
  'if [ -n "$4" ]; then chgrp -- "$4" "$tmp"; fi',
  'sync "$tmp" 2>/dev/null || true',
  'mv -f -- "$tmp" "$1"',
  'trap - EXIT',
].join('\n');

const MISSING = 66;

function failure(what: string, path: string, r: ExecResult): Error {
  return new Error(`${what} ${path} failed (rc ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
}

export class ExecFileOps {
  constructor(private readonly exec: ExecFn) {}

  async readFile(path: string, become?: BecomeOptions): Promise<Buffer | null> {
    const r = await this.exec({ argv: ['/bin/sh', '-c', READ_SCRIPT, 'sh', path] }, { become });
    if (r.exitCode === MISSING) return null;
    if (r.exitCode !== 0) throw failure('reading', path, r);
    return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
  }

  async writeFile(path: string, data: string | Buffer, opts: WriteOptions = {}): Promise<void> {
    const mode = opts.mode === undefined ? '' : formatMode(opts.mode);
    const argv = ['/bin/sh', '-c', WRITE_SCRIPT, 'sh', path, mode, opts.owner ?? '', opts.group ?? ''];
    const r = await this.exec({ argv }, { become: opts.become, stdin: data });
    if (r.exitCode !== 0) throw failure('writing', path, r);
  }

  async stat(path: string, become?: BecomeOptions): Promise<StatResult | null> {
    const r = await this.exec({ argv: ['/bin/sh', '-c', STAT_SCRIPT, 'sh', path] }, { become });
    if (r.exitCode === MISSING) return null;
    if (r.exitCode !== 0) throw failure('stat of', path, r);
    return parseStatLine(r.stdout);
  }
}

function formatMode(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`invalid file mode: ${mode}`);
  return mode.toString(8).padStart(4, '0');
}
