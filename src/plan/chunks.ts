// Splits a cluster's topics into the units of measuring work. A chunk is large enough that
// its ListOffsets and Fetch requests stay batched (one request per broker carries the
// whole chunk) and small enough that progress shows and a failure loses little.
import type { TopicPlan } from "./cluster_plan.ts";

export interface ChunkLimits {
  /** Partitions per chunk (a topic is never split; a larger topic is a chunk alone). */
  maxPartitions: number;
  maxTopics: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { maxPartitions: 600, maxTopics: 100 };

export function chunkTopics(
  topics: readonly TopicPlan[],
  limits: ChunkLimits = DEFAULT_CHUNK_LIMITS,
): TopicPlan[][] {
  const chunks: TopicPlan[][] = [];
  let current: TopicPlan[] = [];
  let partitions = 0;
  for (const t of topics) {
    const n = t.leaders.length;
    if (
      current.length > 0 &&
      (partitions + n > limits.maxPartitions || current.length >= limits.maxTopics)
    ) {
      chunks.push(current);
      current = [];
      partitions = 0;
    }
    current.push(t);
    partitions += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
