#!/usr/bin/env node
// Runs the bundled CLI; `npm run build` produces dist/bundle/ (scripts/bundle.mjs).
import { main } from '../dist/bundle/cli.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`osm-play: internal error: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
