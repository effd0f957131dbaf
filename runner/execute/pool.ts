// Runs async work over items with at most `limit` in flight, preserving result order.
export const MAX_FORKS = 50;

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const width = Math.max(1, Math.min(limit, items.length));
  const workers = Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return results;
}

export function effectiveForks(requested: number | undefined, hostCount: number): number {
  const n = requested && requested > 0 ? requested : hostCount;
  return Math.max(1, Math.min(n, MAX_FORKS));
}
