// Exact records per partition per hour from ListOffsets by timestamp: the offset at each
// hour boundary is the earliest offset whose timestamp is ≥ the boundary (the high
// watermark when there is none), and an hour's records are the difference of its two
// boundaries. One ListOffsets round (one request per leader broker) per boundary.
import { type KafkaCluster, LATEST, partitionKey, type PartitionRef } from "./cluster.ts";

export interface HourlyOffsetsOptions {
  /** ListOffsets rounds in flight at once. */
  concurrency?: number;
}

/**
 * Offsets of every partition at each boundary (ascending epoch milliseconds), keyed by
 * partitionKey(): the earliest offset whose timestamp is ≥ the boundary, or the high
 * watermark when no record is that late.
 */
export async function boundaryOffsets(
  cluster: KafkaCluster,
  partitions: readonly PartitionRef[],
  boundaries: readonly number[],
  options: HourlyOffsetsOptions = {},
): Promise<Map<string, bigint[]>> {
  const out = new Map<string, bigint[]>();
  if (partitions.length === 0) return out;
  const latest = await cluster.offsetsAt(partitions, LATEST);
  const atBoundary = new Array<Map<string, bigint>>(boundaries.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(options.concurrency ?? 8, boundaries.length) },
    async () => {
      for (let i = next++; i < boundaries.length; i = next++) {
        atBoundary[i] = await cluster.offsetsAt(partitions, BigInt(boundaries[i]!));
      }
    },
  );
  await Promise.all(workers);
  for (const p of partitions) {
    const key = partitionKey(p.topic, p.partition);
    const hw = latest.get(key) ?? 0n;
    out.set(
      key,
      atBoundary.map((m) => {
        const o = m.get(key) ?? -1n;
        return o < 0n ? hw : o;
      }),
    );
  }
  return out;
}

/**
 * Records in each interval between consecutive boundary offsets. Never negative: retention
 * can move a partition's log start between two ListOffsets rounds.
 */
export function countsBetween(offsets: readonly bigint[]): number[] {
  const counts: number[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    counts.push(Math.max(0, Number(offsets[i + 1]! - offsets[i]!)));
  }
  return counts;
}

/**
 * Records per partition in each interval [boundaries[i], boundaries[i+1]), keyed by
 * partitionKey(); `boundaries` must be ascending epoch milliseconds.
 */
export async function hourlyRecordCounts(
  cluster: KafkaCluster,
  partitions: readonly PartitionRef[],
  boundaries: readonly number[],
  options: HourlyOffsetsOptions = {},
): Promise<Map<string, number[]>> {
  const offsets = await boundaryOffsets(cluster, partitions, boundaries, options);
  return new Map([...offsets].map(([key, o]) => [key, countsBetween(o)]));
}
