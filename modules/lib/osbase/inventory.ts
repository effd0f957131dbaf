// Parses INVENTORY_SCRIPT's output: the host's UTC time stamp, whether the cache holds a tarball for
// these inputs, and each base with its manifest (null for a base osm-play did not build).
import type { BaseManifest } from './inputs.js';

export interface BaseEntry {
  name: string;
  manifest: BaseManifest | null;
}

export interface BaseInventory {
  stamp: string;
  cacheHit: boolean;
  bases: BaseEntry[];
}

function manifestOf(text: string): BaseManifest | null {
  if (!text.trim()) return null;
  try {
    const m = JSON.parse(text) as Partial<BaseManifest>;
    return typeof m.key === 'string' ? (m as BaseManifest) : null;
  } catch {
    return null;
  }
}

export function parseBaseInventory(out: string): BaseInventory {
  const inv: BaseInventory = { stamp: '', cacheHit: false, bases: [] };
  let current: { name: string; lines: string[] } | undefined;
  const flush = () => {
    if (current) inv.bases.push({ name: current.name, manifest: manifestOf(current.lines.join('\n')) });
  };
  for (const line of out.split('\n')) {
    if (line.startsWith('== ')) {
      flush();
      current = { name: line.slice(3), lines: [] };
    } else if (current) current.lines.push(line);
    else if (line.startsWith('stamp ')) inv.stamp = line.slice(6).trim();
    else if (line.startsWith('cache ')) inv.cacheHit = line.slice(6).trim() === 'yes';
  }
  flush();
  if (!/^\d{8}-\d{6}$/.test(inv.stamp)) throw new Error(`unexpected os-bases listing (no time stamp): ${out.slice(0, 200)}`);
  return inv;
}
