// mapLimit: bounded concurrency for per-layer work (two layers at a time keeps both cores busy:
// one decompresses on the thread pool while the main thread hashes and parses the other).

/**
 * mapLimit runs fn over items with at most limit in flight, keeping result order. After a failure no
 * new item starts, and the first failure is thrown once the running ones have ended (nothing is left
 * working in the background).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  });
  await Promise.all(workers);
  if (failure) throw failure.err;
  return results;
}
