// Splits a cluster's topics into the units of measuring work. A chunk is large enough that
// its ListOffsets and Fetch requests stay batched (one request per broker carries the
// whole chunk) and small enough that progress shows and a failure loses little.
import type { TopicPlan } from "./cluster_plan.ts";

export interface ChunkLimits {
  /** Partitions per chunk (a topic is never split; a larger topic is a chunk alone). */
  maxPartitions: number;
  maxTopics: number;
  /**
   * Fewest partitions a cluster read from Kafka needs for its chunks to go to workers; below
   * it, the thread that planned the cluster measures it. MIN_CHUNK_PARTITIONS when not given.
   */
  workersFrom?: number;
}

/**
 * Fewest partitions a chunk of a larger cluster holds. A chunk is a worker's task, and a worker
 * is worth its start (an isolate, ~45 MB, ~0.25 s of CPU to load the Kafka client, and its own
 * connections) only with about this much to measure: a cluster read from Kafka with fewer
 * partitions is measured by the thread that planned it, with the same client (README,
 * Performance), and a larger one is cut into chunks of this many (DEFAULT_CHUNK_LIMITS).
 */
export const MIN_CHUNK_PARTITIONS = 1000;

/**
 * How a cluster measured in chunks is cut: chunks of MIN_CHUNK_PARTITIONS partitions, which is
 * also the most. What a chunk reads is held until the chunk is done (its partitions' boundary
 * offsets, whole reads and key sketches), and a worker's heap grows with it. On 60,000
 * partitions (bench case g) a worker's heap peaked at 205 MB with chunks of 5,000, 113 MB
 * with 2,000 and 77 MB with 1,000, for the same wall time within the noise: each chunk still
 * asks all its partitions in one ListOffsets request per broker and hour boundary.
 */
export const DEFAULT_CHUNK_LIMITS: ChunkLimits = {
  maxPartitions: MIN_CHUNK_PARTITIONS,
  maxTopics: 1000,
};

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
