// Polling for tests that wait on real daemons (Prometheus, Alertmanager, a webhook).

/** Polls until `probe` returns a value, at most `seconds`; the last probe error is the failure. */
export async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>, pauseMs = 500): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`not within ${seconds}s: ${what}${last ? ` (last error: ${last})` : ''}`);
}
