// Runs the CLI straight from the TypeScript sources (`node --import tsx runner/cli-main.ts ...`),
// so tests and developers need no build; bin/osm-play.js runs the compiled dist/ instead.
import { main } from './cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`osm-play: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
