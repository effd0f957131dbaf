// `osm-play schema`, `osm-play doc` and `osm-play completion`: thin wrappers over runner/schema and the registry.
import { loadModuleRegistry } from '../load/modules.js';
import { EXIT_USAGE } from '../report/exit-code.js';
import { moduleDoc, moduleMarkdown, modulesMarkdown, playbookSchema } from '../schema/index.js';
import type { CliOptions } from './args.js';
import { bashCompletion } from './completion.js';
import type { Streams } from './reporters.js';

function registry(io: Streams) {
  return loadModuleRegistry({ playbookDirs: [], packages: [], log: (m) => io.err(`${m}\n`) });
}

export async function schemaCommand(io: Streams): Promise<number> {
  io.out(JSON.stringify(playbookSchema(await registry(io)), null, 2) + '\n');
  return 0;
}

export async function docCommand(o: CliOptions, io: Streams): Promise<number> {
  const reg = await registry(io);
  if (o.docModule) {
    const mod = reg.get(o.docModule);
    if (!mod) {
      io.err(`osm-play: no module named '${o.docModule}' (known: ${reg.names().join(', ')})\n`);
      return EXIT_USAGE;
    }
    io.out(o.markdown ? moduleMarkdown(mod) : moduleDoc(mod));
    return 0;
  }
  if (o.markdown) {
    io.out(modulesMarkdown(reg));
    return 0;
  }
  const names = reg.names();
  const width = Math.max(...names.map((n) => n.length));
  for (const n of names) io.out(`${n.padEnd(width)}  ${(reg.get(n)?.doc ?? '').split(/(?<=\.)\s/)[0]}\n`);
  io.out('\nosm-play doc MODULE shows a module\'s arguments and an example.\n');
  return 0;
}

export async function completionCommand(io: Streams): Promise<number> {
  io.out(bashCompletion((await registry(io)).names()));
  return 0;
}
