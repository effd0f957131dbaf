// Which OS base a container uses: the lower dir of its `lxc.rootfs.path = overlayfs:LOWER:UPPER`.
// Pure, so prune's and rebase's decisions are unit-tested.

export interface RootfsPath {
  /** 1-based line of lxc.rootfs.path in the config. */
  line: number;
  lower: string;
  upper: string;
}

/** The overlayfs rootfs of an LXC config, or null when it has none (or another kind of rootfs). */
export function parseRootfsPath(config: string): RootfsPath | null {
  const lines = config.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*lxc\.rootfs\.path\s*=\s*overlay(?:fs)?:([^:]+):(.+?)\s*$/.exec(lines[i] ?? '');
    if (m?.[1] && m[2]) return { line: i + 1, lower: m[1], upper: m[2] };
  }
  return null;
}

/** The base name when `lower` is a base directly under basesDir, else null. */
export function baseOfLower(lower: string, basesDir: string): string | null {
  const dir = basesDir.replace(/\/+$/, '');
  const rest = lower.replace(/\/+$/, '');
  if (!rest.startsWith(`${dir}/`)) return null;
  const name = rest.slice(dir.length + 1);
  return name && !name.includes('/') ? name : null;
}

/** The config with its lxc.rootfs.path pointing at a new lower dir (the upper dir kept). */
export function withLower(config: string, rootfs: RootfsPath, lower: string): string {
  const lines = config.split('\n');
  lines[rootfs.line - 1] = `lxc.rootfs.path = overlayfs:${lower}:${rootfs.upper}`;
  return lines.join('\n');
}

export interface PrunePlan {
  delete: string[];
  /** Base → why it is kept. */
  keep: Record<string, string>;
}

/**
 * Bases to delete: not among the newest `keep` (names sort by their date) and used by no container.
 * `used` maps a base to the containers using it.
 */
export function planPrune(bases: string[], used: Record<string, string[]>, keep: number): PrunePlan {
  const sorted = [...bases].sort();
  const newest = new Set(sorted.slice(Math.max(0, sorted.length - keep)));
  const plan: PrunePlan = { delete: [], keep: {} };
  for (const b of sorted) {
    const users = used[b] ?? [];
    if (users.length > 0) plan.keep[b] = `in use by ${users.join(', ')}`;
    else if (newest.has(b)) plan.keep[b] = `one of the newest ${keep}`;
    else plan.delete.push(b);
  }
  return plan;
}
