// Parser for rsync's --itemize-changes lines ("YXcstpoguax name", "*deleting name").
// rsync prints a line only for items it changes (or would change with --dry-run), so any parsed line
// is a change; lines that are not itemized (warnings, stats) are ignored.

export interface ItemizedChange {
  /** `send`/`receive`/`local` (c), `attrs` (.), `hardlink` (h), `delete`, `message` (*...). */
  kind: 'send' | 'receive' | 'local' | 'attrs' | 'hardlink' | 'delete' | 'message';
  /** f file, d dir, L symlink, D device, S special; undefined for deletions. */
  fileType?: string;
  /** The attribute letters that changed, e.g. "s t" flags kept raw ("+++++++++" for a new item). */
  flags: string;
  path: string;
  /** Symlink target when rsync prints `name -> target`. */
  linkTarget?: string;
}

const LINE = /^([<>ch.])([fdLDS])([.+?a-zA-Z ]{9,10}) (.+)$/;
const KIND: Record<string, ItemizedChange['kind']> = { '<': 'send', '>': 'receive', c: 'local', h: 'hardlink', '.': 'attrs' };

export function parseItemizeLine(line: string): ItemizedChange | null {
  const del = /^\*deleting\s+(.+)$/.exec(line);
  if (del?.[1]) return { kind: 'delete', flags: '', path: del[1] };
  const m = LINE.exec(line);
  if (!m) {
    const msg = /^\*(\w+)\s+(.+)$/.exec(line);
    return msg?.[2] ? { kind: 'message', flags: msg[1] ?? '', path: msg[2] } : null;
  }
  const flags = m[3] ?? '';
  // "." with every attribute unchanged appears only with -ii (unchanged items listed): not a change.
  if (m[1] === '.' && /^[. ]+$/.test(flags)) return null;
  let path = m[4] ?? '';
  let linkTarget: string | undefined;
  const arrow = path.indexOf(' -> ');
  if (m[2] === 'L' && arrow >= 0) {
    linkTarget = path.slice(arrow + 4);
    path = path.slice(0, arrow);
  }
  const change: ItemizedChange = { kind: KIND[m[1] ?? '.'] ?? 'attrs', fileType: m[2], flags, path };
  if (linkTarget !== undefined) change.linkTarget = linkTarget;
  return change;
}

export function parseItemize(text: string): ItemizedChange[] {
  return text
    .split('\n')
    .map((l) => parseItemizeLine(l.replace(/\r$/, '')))
    .filter((c): c is ItemizedChange => c !== null);
}
