// bin/osm-play.js loads osm-play with V8's TurboFan and Sparkplug off (a start is over before their
// compiles pay off) and names them under this symbol; a run, which may be long, turns them back on.
import { setFlagsFromString } from 'node:v8';

const PAUSED = Symbol.for('osm-play.pausedOptimizers');

/** Turns back on the compilers bin/osm-play.js paused, if it paused any. */
export function resumeOptimizers(): void {
  const g = globalThis as { [PAUSED]?: unknown };
  const paused = g[PAUSED];
  if (!Array.isArray(paused)) return;
  for (const flag of paused) if (typeof flag === 'string' && /^[a-z-]+$/.test(flag)) setFlagsFromString(`--${flag}`);
  delete g[PAUSED];
}
