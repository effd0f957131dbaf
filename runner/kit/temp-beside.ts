// Where a file's next content is staged: beside it (same filesystem, so the final rename is atomic),
// hidden, and named so a leftover is recognisably ours.
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** `.NAME.osm-play-[TAG-]RANDOM` in the file's own directory. */
export function tempBeside(path: string, tag?: string): string {
  return join(dirname(path), `.${basename(path)}.osm-play-${tag ? `${tag}-` : ''}${randomBytes(4).toString('hex')}`);
}
