// Exact records per partition per hour from ListOffsets by timestamp: the offset at each
// hour boundary is the earliest offset whose timestamp is ≥ the boundary (the high
// watermark when there is none), and an hour's records are the difference of its two
// boundaries. One ListOffsets request per leader broker per boundary, for every partition.
import { type KafkaCluster, partitionKey, type PartitionRef } from "./cluster.ts";
import { LATEST, type LeaderPartition } from "./list_offsets.ts";

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
  partitions: readonly LeaderPartition[],
  boundaries: readonly number[],
  options: HourlyOffsetsOptions = {},
): Promise<Map<string, bigint[]>> {
  const out = new Map<string, bigint[]>();
  if (partitions.length === 0) return out;
  const round = (timestamp: bigint): Promise<BigInt64Array> =>
    retryOnce(() => cluster.offsets.at(partitions, timestamp));
  const latest = await round(LATEST);
  const atBoundary = new Array<BigInt64Array>(boundaries.length);
  let next = 0;
  const lanes = Math.min(options.concurrency ?? 4, boundaries.length);
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let i = next++; i < boundaries.length; i = next++) {
      atBoundary[i] = await round(BigInt(boundaries[i]!));
    }
  }));
  partitions.forEach((p, i) => {
    const hw = latest[i]!;
    out.set(partitionKey(p.topic, p.partition), atBoundary.map((o) => (o[i]! < 0n ? hw : o[i]!)));
  });
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
 * partitionKey(); looks the leaders up first.
 */
export async function hourlyRecordCounts(
  cluster: KafkaCluster,
  partitions: readonly PartitionRef[],
  boundaries: readonly number[],
  options: HourlyOffsetsOptions = {},
): Promise<Map<string, number[]>> {
  const offsets = await boundaryOffsets(
    cluster,
    await cluster.leadersOf(partitions),
    boundaries,
    options,
  );
  return new Map([...offsets].map(([key, o]) => [key, countsBetween(o)]));
}

/** A leader can move (a broker restarts): one more try after a short pause. */
async function retryOnce<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch {
    await new Promise((r) => setTimeout(r, 500));
    return await fn();
  }
}
