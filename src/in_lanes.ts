// Works through a list with at most `lanes` items in flight: each lane takes the next item
// when it finishes one, so a slow item never holds back the rest. Items start in order.

export async function inLanes<T>(
  items: readonly T[],
  lanes: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
  }));
}
