// Splits the records of a run into sends of bounded size. A send becomes at most one record
// batch per partition, and a broker refuses a batch larger than the topic's
// max.message.bytes (1 MiB by default): sends of at most half that never reach it, however
// the records spread over partitions. Pure.

/** Bytes of record data per send. */
export const MAX_SEND_BYTES = 512 * 1024;

/**
 * Consecutive groups of `items`, each of at most `maxBytes` by `size` unless one item alone
 * is larger (it goes alone: the broker, not this function, decides whether it fits).
 */
export function inBatches<T>(
  items: readonly T[],
  size: (item: T) => number,
  maxBytes: number = MAX_SEND_BYTES,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const s = size(item);
    if (current.length > 0 && bytes + s > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += s;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
