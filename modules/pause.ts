// pause: waits a number of seconds or minutes. Runs are non-interactive, so `prompt` is refused.
import { Type } from '@sinclair/typebox';
import { defineReadOnlyModule, ModuleError } from '../runner/module.js';

const args = Type.Object(
  {
    seconds: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds to wait.' })),
    minutes: Type.Optional(Type.Number({ minimum: 0, description: 'Minutes to wait.' })),
    prompt: Type.Optional(Type.String({ description: 'Not supported: runs are non-interactive. Use params: and -e instead.' })),
  },
  { additionalProperties: false },
);

/** How long to wait, in milliseconds; throws for prompts and for no duration. */
export function pauseMs(a: { seconds?: number; minutes?: number; prompt?: string }): number {
  if (a.prompt !== undefined) throw new ModuleError('pause: prompt is not supported, runs are non-interactive; declare the value under params: and pass it with -e');
  if (a.seconds === undefined && a.minutes === undefined) throw new ModuleError('pause: give seconds or minutes');
  return Math.round(((a.seconds ?? 0) + (a.minutes ?? 0) * 60) * 1000);
}

export default defineReadOnlyModule({
  name: 'pause',
  doc: 'Waits `seconds` and/or `minutes`, then continues. Always ok. `prompt` is refused: osm-play runs are non-interactive.',
  example: ['- name: Let the broker settle', '  pause:', '    seconds: 2'].join('\n'),
  args,
  controllerOnly: true,
  async gather(_host, a) {
    const ms = pauseMs(a);
    await new Promise((r) => setTimeout(r, ms));
    return { waitedMs: ms };
  },
  result: (_a, s) => ({ delta: s.waitedMs / 1000 }),
});
