// Runs the CLI straight from the TypeScript sources (`node --import tsx runner/cli-main.ts ...`),
// so tests and developers need no build; bin/osm-play.js runs the compiled dist/ instead.
import { main } from './cli.js';

// `osm-play doc | head`: a closed pipe ends the output quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`osm-play: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
