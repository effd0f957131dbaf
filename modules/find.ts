// find: files on the host chosen by name, type, age, size and content, as Ansible's find returns them.
// One `find -printf` per path gathers everything; the filters are pure (lib/find/select.ts). Never changed.
import { Type, type Static } from '@sinclair/typebox';
import { defineReadOnlyModule, ModuleError, type HostContext } from '../runner/module.js';
import { FIND_FORMAT, foundResult, parseAge, parseFindOutput, parseSize, selectFound, type FindFilter, type FoundEntry } from './lib/find/select.js';

const StringList = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));

const args = Type.Object(
  {
    paths: StringList('Directories to search (a list, or a comma-separated string). Aliases: path, name.'),
    path: StringList('Alias of paths.'),
    name: StringList('Alias of paths.'),
    patterns: StringList('Base names to match: shell globs, or regexes with use_regex (a list, or comma-separated). Alias: pattern.'),
    pattern: StringList('Alias of patterns.'),
    excludes: StringList('Base names to leave out, in the same syntax as patterns. Alias: exclude.'),
    exclude: StringList('Alias of excludes.'),
    contains: Type.Optional(Type.String({ description: 'A regex a file must contain (matched at the start of a line, or anywhere with read_whole_file).' })),
    read_whole_file: Type.Boolean({ default: false, description: 'Match contains against the whole file instead of line by line.' }),
    file_type: Type.Union([Type.Literal('file'), Type.Literal('directory'), Type.Literal('link'), Type.Literal('any')], { default: 'file', description: 'Which kind of entry to return.' }),
    recurse: Type.Boolean({ default: false, description: 'Descend into subdirectories.' }),
    depth: Type.Optional(Type.Integer({ minimum: 1, description: 'With recurse: how many levels deep to go.' })),
    hidden: Type.Boolean({ default: false, description: 'Include names starting with a dot.' }),
    follow: Type.Boolean({ default: false, description: 'Follow symbolic links.' }),
    age: Type.Optional(Type.String({ description: 'Older than this (2d, 1w, 30m; seconds without a unit); negative means younger than.' })),
    age_stamp: Type.Union([Type.Literal('mtime'), Type.Literal('atime'), Type.Literal('ctime')], { default: 'mtime', description: 'Which time age compares.' }),
    size: Type.Optional(Type.String({ description: 'At least this size (10k, 1m, 2g; bytes without a unit); negative means at most.' })),
    use_regex: Type.Boolean({ default: false, description: 'patterns and excludes are Python-style regexes instead of globs.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface FindState {
  entries: FoundEntry[];
  /** Paths that could not be searched, with find's reason. */
  skipped: Record<string, string>;
  /** Files whose content matched `contains` (only gathered when it is given). */
  containing: Set<string> | null;
  now: number;
}

/** A list argument as Ansible takes it: a YAML list, or a comma-separated string. */
export function listArg(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function searchPaths(a: Args): string[] {
  const paths = listArg(a.paths ?? a.path ?? a.name);
  if (paths.length === 0) throw new ModuleError('find: paths is required (a directory or a list of them)');
  for (const p of paths) if (p.startsWith('-')) throw new ModuleError(`find: path '${p}' starts with '-'; write it as ./${p}`);
  return paths;
}

export function filterOf(a: Args): FindFilter {
  try {
    return {
      patterns: listArg(a.patterns ?? a.pattern),
      excludes: listArg(a.excludes ?? a.exclude),
      useRegex: a.use_regex,
      fileType: a.file_type,
      hidden: a.hidden,
      age: a.age === undefined ? undefined : parseAge(a.age),
      ageStamp: a.age_stamp,
      size: a.size === undefined ? undefined : parseSize(a.size),
    };
  } catch (e) {
    throw new ModuleError(`find: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The find argv for one path: just below it, or `depth` levels with recurse. */
export function findArgv(a: Args, path: string): string[] {
  const levels = a.recurse ? (a.depth !== undefined ? ['-maxdepth', String(a.depth)] : []) : ['-maxdepth', '1'];
  return ['find', a.follow ? '-L' : '-P', path, '-mindepth', '1', ...levels, '-printf', FIND_FORMAT];
}

export function contentMatches(text: string, regex: string, wholeFile: boolean): boolean {
  if (wholeFile) return new RegExp(regex, 'm').test(text);
  const re = new RegExp(`^(?:${regex})`);
  return text.split('\n').some((line) => re.test(line));
}

async function gatherFind(host: HostContext, a: Args): Promise<FindState> {
  const entries: FoundEntry[] = [];
  const skipped: Record<string, string> = {};
  for (const path of searchPaths(a)) {
    const r = await host.exec({ argv: findArgv(a, path) });
    if (r.exitCode !== 0 && r.stdout === '') skipped[path] = r.stderr.trim() || `find exited ${r.exitCode}`;
    else entries.push(...parseFindOutput(r.stdout));
  }
  const now = Math.floor(Date.now() / 1000);
  let containing: Set<string> | null = null;
  if (a.contains !== undefined) {
    containing = new Set();
    for (const e of selectFound(entries, filterOf(a), now)) {
      if (e.type !== 'file') continue;
      const data = await host.conn.readFile(e.path, { become: host.become });
      if (data !== null && contentMatches(data.toString('utf8'), a.contains, a.read_whole_file)) containing.add(e.path);
    }
  }
  return { entries, skipped, containing, now };
}

export function findResult(a: Args, s: FindState): Record<string, unknown> {
  const selected = selectFound(s.entries, filterOf(a), s.now).filter((e) => s.containing === null || s.containing.has(e.path));
  return { files: selected.map(foundResult), matched: selected.length, examined: s.entries.length, skipped_paths: s.skipped };
}

export default defineReadOnlyModule({
  name: 'find',
  doc:
    'Returns the files below the given paths that match patterns (globs, or regexes with use_regex), excludes, file_type, hidden, age, size and ' +
    'contains, as `files` (each with path, mode, size, uid/gid, owner/group names, times and type flags), `matched` and `examined`. ' +
    'One `find -printf` per path gathers the entries; a path that cannot be searched is listed in skipped_paths. Never changed.',
  example: ['- find:', '    paths: /var/log', '    patterns: "*.gz"', '    age: 4w', '    recurse: true', '  register: old_logs'].join('\n'),
  args,
  gather: gatherFind,
  result: findResult,
});
