// The partition rule of model.md: how many partitions a required rate needs, and what that
// means for a topic that already has some. Kafka cannot remove partitions, so there is no
// "decrease": a topic with more than it needs is only reported as over-partitioned.

import type { ModelParams } from "./params.ts";

/** What to do with a topic's partition count. */
export type Action = "increase" | "keep" | "over_partitioned";

/**
 * Partitions needed to carry `requiredBytesPerSecond`:
 * max(minimum, ⌈R / consumer⌉, ⌈R / producer⌉ when set), the minimum when R is below
 * MIN_CONSUMPTION_THROUGHPUT, then the configured rounding.
 * `brokerCount` is read only for "broker-multiple" rounding.
 */
export function recommendPartitions(
  requiredBytesPerSecond: number,
  params: ModelParams,
  brokerCount: number,
): number {
  const r = requiredBytesPerSecond;
  let n = params.minRecommendedPartitions;
  if (r >= params.minConsumptionThroughput) {
    n = Math.max(n, ceilRatio(r, params.consumerThroughputPerPartition));
    if (params.producerThroughputPerPartition !== null) {
      n = Math.max(n, ceilRatio(r, params.producerThroughputPerPartition));
    }
  }
  return roundPartitions(n, params.partitionRounding, brokerCount);
}

/** increase when more are needed, keep when equal, over_partitioned when fewer would do. */
export function actionFor(recommended: number, current: number): Action {
  if (recommended > current) return "increase";
  if (recommended === current) return "keep";
  return "over_partitioned";
}

function roundPartitions(n: number, rounding: ModelParams["partitionRounding"], brokers: number) {
  switch (rounding) {
    case "none":
      return n;
    case "power-of-two": {
      let p = 1;
      while (p < n) p *= 2;
      return p;
    }
    case "broker-multiple":
      if (!Number.isInteger(brokers) || brokers < 1) {
        throw new RangeError(`broker-multiple rounding needs a broker count ≥ 1, got ${brokers}`);
      }
      return Math.ceil(n / brokers) * brokers;
  }
}

// A rate computed as peak × factor can land an ulp above a whole multiple (3 × 10 MiB/s
// giving 3.0000000000000004 partitions); that noise must not cost a whole partition.
const RELATIVE_SLACK = 1e-9;

function ceilRatio(rate: number, perPartition: number): number {
  const x = rate / perPartition;
  return Math.ceil(x - x * RELATIVE_SLACK);
}
