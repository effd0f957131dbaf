// `osm-play schema` and `osm-play doc`.
import { loadModuleRegistry } from '../load/modules.js';
import { EXIT_USAGE } from '../report/exit-code.js';
import type { CliOptions } from './args.js';
import { docIndex, docMarkdown, docText } from './doc.js';
import type { Streams } from './reporters.js';

// A variable specifier so this compiles while runner/schema/ (another engineer's) is still being written.
const SCHEMA_MODULE = '../schema/index.js';

export async function schemaCommand(io: Streams): Promise<number> {
  const registry = await loadModuleRegistry({ playbookDirs: [process.cwd()], packages: [], log: (m) => io.err(`${m}\n`) });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(SCHEMA_MODULE)) as Record<string, unknown>;
  } catch (err) {
    io.err(`osm-play: the playbook schema is not available: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_USAGE;
  }
  const fn = mod['playbookSchema'];
  if (typeof fn !== 'function') {
    io.err('osm-play: runner/schema does not export playbookSchema\n');
    return EXIT_USAGE;
  }
  io.out(JSON.stringify((fn as (r: unknown) => unknown)(registry), null, 2) + '\n');
  return 0;
}

export async function docCommand(o: CliOptions, io: Streams): Promise<number> {
  const registry = await loadModuleRegistry({ playbookDirs: [process.cwd()], packages: [], log: (m) => io.err(`${m}\n`) });
  const mods = registry.names().map((n) => registry.get(n)!);
  if (o.docModule) {
    const mod = registry.get(o.docModule);
    if (!mod) {
      io.err(`osm-play: no module named '${o.docModule}' (known: ${registry.names().join(', ')})\n`);
      return EXIT_USAGE;
    }
    io.out(o.markdown ? docMarkdown(mod) : docText(mod));
    return 0;
  }
  io.out(o.markdown ? ['# osm-play modules', '', ...mods.map(docMarkdown)].join('\n') : docIndex(mods));
  return 0;
}
