// bin/osm-play.js pauses V8's optimizing compilers for the start and names them under a symbol;
// resumeOptimizers() turns exactly those back on, once.
import { afterEach, describe, expect, it } from 'vitest';
import { resumeOptimizers } from '../../../runner/cli/optimizers.js';

const PAUSED = Symbol.for('osm-play.pausedOptimizers');
const g = globalThis as { [PAUSED]?: unknown };

afterEach(() => {
  delete g[PAUSED];
});

describe('resumeOptimizers', () => {
  it('does nothing when bin/osm-play.js paused nothing (source runs, tests)', () => {
    expect(() => resumeOptimizers()).not.toThrow();
    expect(PAUSED in g).toBe(false);
  });

  it('turns the paused compilers back on and forgets them', () => {
    g[PAUSED] = ['turbofan', 'sparkplug'];
    resumeOptimizers();
    expect(PAUSED in g).toBe(false);
  });
});
