// A third-party osm-play module in plain ESM JavaScript. osm-play loads it when a play says
//   modules: [osm-play-module-hello]
// The default export is a module object (or an array of them) with the shape of defineModule().
import { Type } from '@sinclair/typebox';

const args = Type.Object({
  path: Type.String({ description: 'File to write.' }),
  name: Type.String({ description: 'Who to greet.' }),
  greeting: Type.Optional(Type.String({ description: 'Word to greet with.', default: 'Hello' })),
  mode: Type.Optional(Type.String({ description: 'File mode, octal string.', pattern: '^0?[0-7]{3,4}$' })),
});

/** The file content the arguments ask for. */
export function greetingText(a) {
  return `${a.greeting ?? 'Hello'}, ${a.name}!\n`;
}

const helloFile = {
  name: 'hello_file',
  doc: 'Writes "<greeting>, <name>!" to a file. Changed when the file is missing or says something else.',
  example: '- hello_file:\n    path: /tmp/hello.txt\n    name: world\n',
  args,
  async gather(host, a) {
    return { content: await host.readFile(a.path) };
  },
  plan(a, state) {
    const want = greetingText(a);
    if (state.content === want) return [];
    return [{
      action: state.content === null ? 'create' : 'write',
      target: a.path,
      summary: `${state.content === null ? 'create' : 'rewrite'} ${a.path}`,
      before: state.content ?? '',
      after: want,
    }];
  },
  async apply(host, a) {
    const opts = a.mode === undefined ? undefined : { mode: parseInt(a.mode, 8) };
    await host.writeFile(a.path, greetingText(a), opts);
  },
};

export default helloFile;
