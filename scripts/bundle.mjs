// Bundles the CLI with esbuild into dist/bundle/ (run by `npm run build` after tsc): one file to
// parse instead of hundreds to resolve, which is most of osm-play's start-up. Lazily loaded parts
// (each built-in module, ssh, the terminal reporter) become chunks loaded only when a run needs
// them. Every import in the sources is static or a literal import(), so nothing can fall out.
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { writeValidators } from './validators.mjs';

// Chunk names carry content hashes: stale ones from an older build would pile up.
rmSync('dist/bundle', { recursive: true, force: true });

// The built-ins' argument validators, compiled now (ajv standalone code) instead of at every run.
const precompiledIndex = await writeValidators('dist/gen');
const precompiled = {
  name: 'precompiled-validators',
  setup(b) {
    b.onLoad({ filter: /runner[\\/]load[\\/]precompiled\.ts$/ }, () => ({
      contents: readFileSync(precompiledIndex, 'utf8'),
      loader: 'js',
      resolveDir: dirname(precompiledIndex),
    }));
  },
};

await build({
  entryPoints: { cli: 'runner/cli.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ssh2 loads an optional native binding by a computed path; tsx compiles playbook-local .ts
  // modules and is optional; nunjucks's file watcher (chokidar, fsevents) is never used.
  external: ['ssh2', 'cpu-features', 'tsx', 'tsx/*', 'chokidar', 'fsevents'],
  // CommonJS dependencies (ajv, nunjucks) call require(), which an ES module lacks.
  banner: { js: "import { createRequire as __osmCreateRequire } from 'node:module'; const require = __osmCreateRequire(import.meta.url);" },
  // Less to parse at every start; identifiers stay, so stack traces still name functions.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [precompiled],
  logLevel: 'warning',
});
