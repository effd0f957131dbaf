#!/usr/bin/env node
// Runs the compiled CLI; `npm run build` produces dist/.
import { main } from '../dist/runner/cli.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`osm-play: internal error: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
