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

// `osm-play doc | head`: a closed pipe ends the output quietly (as runner/cli-main.ts).
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

/**
 * Exits once stdout and stderr have handed everything to the OS: into a pipe they are
 * asynchronous, and process.exit() drops what the reader has not taken yet (a 500-host recap piped
 * to tee or a CI log came out cut after about 60 kB).
 */
function exitAfterOutput(code) {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength === 0 || stream.destroyed) done();
    else stream.write('', done);
  }
}

main(process.argv.slice(2)).then(exitAfterOutput, (err) => {
  console.error(`osm-play: internal error: ${err?.stack ?? err}`);
  exitAfterOutput(1);
});
