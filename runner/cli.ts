// osm-play's command line: `main(argv)` returns the exit code; bin/osm-play.js calls it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError } from './cli/args.js';
import { HELP } from './cli/help.js';
import { runCommand } from './cli/run.js';
import type { Streams } from './cli/reporters.js';
import { EXIT_USAGE } from './report/exit-code.js';

function version(): string {
  // runner/cli.ts and dist/runner/cli.js both sit two levels below the package root... or one for dist.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', '../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(here, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'osm-play') return pkg.version ?? 'unknown';
    } catch {
      // try the next level
    }
  }
  return 'unknown';
}

export async function main(argv: string[], io?: Partial<Streams>): Promise<number> {
  const streams: Streams = {
    out: io?.out ?? ((s) => void process.stdout.write(s)),
    err: io?.err ?? ((s) => void process.stderr.write(s)),
    isTTY: io?.isTTY ?? Boolean(process.stdout.isTTY),
    env: io?.env ?? process.env,
  };
  // `osm-play vault ...` has ansible-vault's own options.
  // Subcommands other than a run are literal lazy imports: a run or a syntax check never loads them
  // (the vault command brings child_process and os).
  if (argv[0] === 'vault') return (await import('./vault/cli.js')).vaultCommand(argv.slice(1), streams, process.cwd());
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    streams.err(`osm-play: ${err.message}\n`);
    return EXIT_USAGE;
  }
  switch (opts.command) {
    case 'help':
      streams.out(HELP);
      return 0;
    case 'version':
      streams.out(`osm-play ${version()}\n`);
      return 0;
    case 'schema':
      return (await import('./cli/subcommands.js')).schemaCommand(streams);
    case 'doc':
      return (await import('./cli/subcommands.js')).docCommand(opts, streams);
    case 'completion':
      return (await import('./cli/subcommands.js')).completionCommand(streams);
    case 'run':
      return runCommand(opts, streams, process.cwd());
  }
}
