// The vendors' packages of the application stack (InfluxDB 2, ChirpStack, Grafana) cannot be fetched
// on this machine: an operator who has their .debs names the folder in OSM_VENDOR_DEBS, and the
// full-stack test builds a base from it. Without them that test says so, loudly, and does not run.
import { existsSync, readdirSync } from 'node:fs';

/** The Debian package names the vendors publish, each needed for the full stack. */
export const VENDOR_PACKAGES = ['influxdb2', 'chirpstack', 'grafana'] as const;
/** Served too when the folder has it (InfluxDB's own CLI, which the stack does not need). */
const OPTIONAL_PACKAGES = ['influxdb2-cli'];

const packageOf = (file: string): string | null => /^([a-z0-9][a-z0-9.+-]*)_[^_]+_[^_]+\.deb$/.exec(file)?.[1] ?? null;

export interface VendorDebs {
  dir: string;
  /** The packages the base installs from the folder. */
  packages: string[];
}

/** The folder and its packages, or why the full-stack test cannot run. */
export function vendorDebs(env: NodeJS.ProcessEnv = process.env): VendorDebs | { missing: string } {
  const dir = env['OSM_VENDOR_DEBS'] ?? '';
  if (dir === '') return { missing: 'OSM_VENDOR_DEBS is not set' };
  if (!existsSync(dir)) return { missing: `OSM_VENDOR_DEBS=${dir} does not exist` };
  const found = new Set(readdirSync(dir).map(packageOf).filter((p): p is string => p !== null));
  const absent = VENDOR_PACKAGES.filter((p) => !found.has(p));
  if (absent.length > 0) return { missing: `OSM_VENDOR_DEBS=${dir} has no .deb of ${absent.join(', ')}` };
  return { dir, packages: [...VENDOR_PACKAGES, ...OPTIONAL_PACKAGES.filter((p) => found.has(p))] };
}

/** The one loud line a run without the vendors' packages prints. */
export function notRunLine(why: string): string {
  const line = `VENDOR STACK TESTS NOT RUN: ${why}. InfluxDB 2, ChirpStack and Grafana are not in Debian and their repositories are out of reach here; put their .debs in a folder named by OSM_VENDOR_DEBS (see docs/lab.md). postgres, redis and the broker are tested either way (stack.test.ts).`;
  const bar = '!'.repeat(80);
  return `\n${bar}\n${line}\n${bar}\n`;
}
