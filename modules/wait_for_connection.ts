// wait_for_connection: retries `true` over the host's connection until it answers or time runs out.
import { Type } from '@sinclair/typebox';
import { defineReadOnlyModule, ModuleError, type HostContext } from '../runner/module.js';

const args = Type.Object(
  {
    timeout: Type.Integer({ minimum: 0, default: 600, description: 'Seconds to keep trying before failing.' }),
    delay: Type.Integer({ minimum: 0, default: 0, description: 'Seconds to wait before the first try.' }),
    sleep: Type.Integer({ minimum: 1, default: 1, description: 'Seconds between tries.' }),
    connect_timeout: Type.Integer({ minimum: 1, default: 5, description: 'Seconds one try may take.' }),
  },
  { additionalProperties: false },
);

const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

async function answers(host: HostContext, timeoutS: number): Promise<boolean> {
  try {
    return (await host.exec({ argv: ['true'] }, { timeoutMs: timeoutS * 1000 })).exitCode === 0;
  } catch {
    return false;
  }
}

export default defineReadOnlyModule({
  name: 'wait_for_connection',
  doc: 'Waits `delay` seconds, then runs `true` over the connection every `sleep` seconds until it succeeds; fails after `timeout` seconds. Registers `elapsed`. Never changed.',
  example: ['- wait_for_connection:', '    timeout: 60'].join('\n'),
  args,
  async gather(host, a) {
    const started = Date.now();
    await pause(a.delay);
    for (;;) {
      if (await answers(host, a.connect_timeout)) return Math.round((Date.now() - started) / 1000);
      if (Date.now() - started >= a.timeout * 1000) throw new ModuleError(`wait_for_connection: no answer from ${host.name} within ${a.timeout}s`);
      await pause(a.sleep);
    }
  },
  result: (_a, elapsed) => ({ elapsed }),
});
