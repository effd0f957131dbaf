// Parsing of `lxc-info -n NAME` (and `-iH`) output into the container's state and addresses.

/** LXC's states, lower case; `missing` when lxc knows nothing of the name (a stopped `-f` container). */
export type LxcState = 'running' | 'stopped' | 'starting' | 'stopping' | 'aborting' | 'freezing' | 'frozen' | 'thawed' | 'missing';

export interface LxcInfo {
  state: LxcState;
  pid?: number;
  /** Addresses in the order lxc-info lists them (IPv4 and IPv6). */
  ips: string[];
}

const STATES: readonly LxcState[] = ['running', 'stopped', 'starting', 'stopping', 'aborting', 'freezing', 'frozen', 'thawed'];

/**
 * Reads lxc-info's `Key: value` lines. A non-zero exit saying "doesn't exist" means missing;
 * any other failure is thrown so a broken LXC is not mistaken for a stopped container.
 */
export function parseLxcInfo(stdout: string, stderr: string, exitCode: number): LxcInfo {
  if (exitCode !== 0) {
    if (/doesn't exist|does not exist|not found/i.test(stderr + stdout)) return { state: 'missing', ips: [] };
    throw new Error(`lxc-info failed (rc ${exitCode}): ${stderr.trim() || stdout.trim()}`);
  }
  const info: LxcInfo = { state: 'missing', ips: [] };
  for (const line of stdout.split('\n')) {
    const m = /^([A-Za-z ]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').trim().toLowerCase();
    const value = (m[2] ?? '').trim();
    if (key === 'state') {
      const s = value.toLowerCase() as LxcState;
      if (!STATES.includes(s)) throw new Error(`lxc-info reported an unknown state '${value}'`);
      info.state = s;
    } else if (key === 'pid' && /^\d+$/.test(value)) info.pid = Number(value);
    else if (key === 'ip' && value !== '') info.ips.push(value);
  }
  return info;
}

/** `lxc-info -n NAME -iH`: one address per line. */
export function parseIpList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export function ipv4Only(ips: string[]): string[] {
  return ips.filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
}
