// Parsing of `snapper --no-dbus --jsonout ...` output. JSON rather than the table, because a
// description may hold the table's own `|` separator.

export interface SnapperConfigEntry {
  name: string;
  subvolume: string;
}

export interface SnapperSnapshot {
  number: number;
  type: string;
  date: string;
  cleanup: string;
  description: string;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`snapper ${what}: output is not JSON: ${text.slice(0, 200)}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `snapper --jsonout list-configs` → the configs with their subvolumes. */
export function parseListConfigs(text: string): SnapperConfigEntry[] {
  const doc = parseJson(text, 'list-configs');
  const list = isRecord(doc) ? doc.configs : undefined;
  if (!Array.isArray(list)) throw new Error('snapper list-configs: no "configs" list');
  return list.filter(isRecord).map((c) => ({ name: String(c.config ?? ''), subvolume: String(c.subvolume ?? '') }));
}

/** `snapper --jsonout -c NAME get-config` → KEY → value. */
export function parseGetConfig(text: string): Record<string, string> {
  const doc = parseJson(text, 'get-config');
  if (!isRecord(doc)) throw new Error('snapper get-config: not an object');
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** `snapper --jsonout -c NAME list` → snapshots, without snapshot 0 ("current", the live subvolume). */
export function parseSnapshotList(text: string, config: string): SnapperSnapshot[] {
  const doc = parseJson(text, 'list');
  const list = isRecord(doc) ? doc[config] : undefined;
  if (!Array.isArray(list)) throw new Error(`snapper list: no list for config '${config}'`);
  return list
    .filter(isRecord)
    .map((s) => ({
      number: Number(s.number),
      type: String(s.type ?? ''),
      date: String(s.date ?? ''),
      cleanup: String(s.cleanup ?? ''),
      description: String(s.description ?? ''),
    }))
    .filter((s) => Number.isInteger(s.number) && s.number > 0);
}
