#!/usr/bin/env node
// Runs the bundled CLI; `npm run build` produces dist/bundle/ (scripts/bundle.mjs).
import { setFlagsFromString } from 'node:v8';

// osm-play loads without V8's optimizing compilers: parsing the playbook's YAML makes functions hot
// enough for TurboFan and Sparkplug to compile them, and on a start of a few hundred milliseconds
// those compiles cost more than they give back (a quarter of a `--syntax-check`'s page faults here,
// the memory the compilers touch). A run turns them back on before it starts (resumeOptimizers() in
// runner/cli/optimizers.ts, which reads the list below). Left alone when node was given any of these
// flags itself. The bundle is imported after the flags are set, with a literal path.
const PAUSED = ['turbofan', 'sparkplug'];
const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
if (!/--(no-)?(opt|turbofan|sparkplug|maglev)\b/.test(given)) {
  for (const flag of PAUSED) setFlagsFromString(`--no-${flag}`);
  globalThis[Symbol.for('osm-play.pausedOptimizers')] = PAUSED;
}
const { main } = await import('../dist/bundle/cli.js');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`osm-play: internal error: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
