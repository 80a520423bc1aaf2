/**
 * At most `limit` of `items` in progress at once, results in the items' order: the daily and weekly
 * checks read member accounts in parallel without letting a large organisation's reads add up to a
 * throttling storm in the central account's STS or anyone's API limits.
 */
export async function mapBounded<T, R>(
  items: ReadonlyArray<T>,
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await run(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
