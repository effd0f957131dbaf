// Parser for `ss -ltnpH` (listening TCP sockets with their processes, no header).
// Used to find who already holds a port before nginx is asked to listen on it.

export interface Listener {
  /** Local address as ss prints it, without the port ("0.0.0.0", "[::]", "*", "127.0.0.1%lo"). */
  address: string;
  port: number;
  /** Processes sharing the socket; empty when ss cannot see them (another pid namespace, no privilege). */
  processes: { name: string; pid: number }[];
  raw: string;
}

/** One line: `LISTEN 0 511 0.0.0.0:8883 0.0.0.0:* users:(("nginx",pid=123,fd=6),...)`. */
export function parseSsLine(line: string): Listener | null {
  const cols = line.trim().split(/\s+/);
  if (cols.length < 5) return null;
  // With -H there is no header; the State column is present with -l (LISTEN) but tolerate its absence.
  const local = cols[0] === 'LISTEN' || cols[0] === 'UNCONN' ? cols[3] : cols[2];
  if (!local) return null;
  const m = /^(.*):(\d+)$/.exec(local);
  if (!m) return null;
  const processes: Listener['processes'] = [];
  for (const p of line.matchAll(/\("([^"]*)",pid=(\d+)/g)) processes.push({ name: p[1] ?? '', pid: Number(p[2]) });
  return { address: m[1] ?? '', port: Number(m[2]), processes, raw: line.trim() };
}

export function parseSsListeners(text: string): Listener[] {
  return text
    .split('\n')
    .map(parseSsLine)
    .filter((l): l is Listener => l !== null);
}

/** "python3/12404" style names for a listener's holders, or "an unknown process". */
export function describeHolder(l: Listener): string {
  if (l.processes.length === 0) return `an unknown process (${l.address}:${l.port})`;
  const seen = new Set<string>();
  for (const p of l.processes) seen.add(`${p.name}/${p.pid}`);
  return `${[...seen].join(', ')} on ${l.address}:${l.port}`;
}
