// /etc/hosts editing: one line per name (`IP NAME`), no duplicates, other lines left as they are.

export interface HostsLine {
  index: number;
  ip: string;
  names: string[];
}

/** Lines that map an address to names; comments after `#` are ignored. */
export function parseEtcHosts(text: string): HostsLine[] {
  const out: HostsLine[] = [];
  text.split('\n').forEach((line, index) => {
    const fields = (line.split('#')[0] ?? '').trim().split(/\s+/).filter(Boolean);
    const [ip, ...names] = fields;
    if (ip && names.length) out.push({ index, ip, names });
  });
  return out;
}

/**
 * The text with each of `names` mapped to `ip` on a line of its own (state present) or gone
 * (absent: only lines mapping the name to `ip`, or to any address when ip is omitted).
 * A name on a line with other names is taken off that line; a line left with no names is dropped.
 */
export function editEtcHosts(text: string, names: string[], ip: string | undefined, state: 'present' | 'absent'): string {
  const parsed = parseEtcHosts(text);
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const wanted = new Set(names);
  const satisfied = new Set<string>();
  const replacement = new Map<number, string | null>();
  for (const entry of parsed) {
    const hits = entry.names.filter((n) => wanted.has(n));
    if (hits.length === 0) continue;
    const keepSingle =
      state === 'present' && entry.ip === ip && entry.names.length === 1 && !satisfied.has(entry.names[0] ?? '');
    if (keepSingle) {
      satisfied.add(entry.names[0] ?? '');
      continue;
    }
    const touches = state === 'present' || ip === undefined || entry.ip === ip;
    if (!touches) continue;
    const rest = entry.names.filter((n) => !wanted.has(n));
    replacement.set(entry.index, rest.length ? `${entry.ip}\t${rest.join(' ')}` : null);
  }
  const out: string[] = [];
  lines.forEach((line, i) => {
    const r = replacement.get(i);
    if (r === undefined) out.push(line);
    else if (r !== null) out.push(r);
  });
  if (state === 'present' && ip) {
    for (const n of names) if (!satisfied.has(n)) out.push(`${ip}\t${n}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
