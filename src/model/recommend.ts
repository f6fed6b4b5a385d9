// The partition rule of model.md (Model v2): the recommendation is the largest of every limit
// a partition count must satisfy, each a named term, then the configured rounding; `reason`
// names the term that set it. Kafka cannot remove partitions, so there is no "decrease": a
// topic with more than it needs is only reported as over-partitioned.

import type { ModelParams } from "./params.ts";

/** What to do with a topic's partition count. */
export type Action = "increase" | "keep" | "over_partitioned";

/** The terms in model.md's order, which is also the order ties are broken in. */
export const TERM_NAMES = [
  "minimum",
  "consumer_bytes",
  "producer_bytes",
  "consumer_records",
  "producer_records",
  "consumer_group",
  "brokers",
] as const;
export type TermName = typeof TERM_NAMES[number];

/** Terms that come from policy, not from the traffic: `--fail-on throughput-increase` skips them. */
export const POLICY_TERMS: readonly TermName[] = ["minimum", "brokers"];

/** Whether a reason is a policy floor (with or without `+rounding`), not the traffic. */
export function isPolicyReason(reason: string | null): boolean {
  const term = reason?.replace(/\+rounding$/, "") ?? "";
  return (POLICY_TERMS as readonly string[]).includes(term);
}

/** What a topic asks of its partitions. */
export interface Demand {
  /** R: the peak bytes per second × the factor. */
  bytesPerSecond: number;
  /** Rr: the peak records per second × the factor. */
  recordsPerSecond: number;
  /** Members of the largest consumer group reading the topic; null when unknown. */
  largestGroup: number | null;
  brokerCount: number;
  /** The topic's current partition count (for multiple-of-current rounding). */
  current: number;
}

export interface Recommendation {
  partitions: number;
  /** The term that set the count (the first in TERM_NAMES on a tie), `+rounding` when rounding raised it. */
  reason: string;
  /** Every term's value; null where its setting is unset or it does not apply. */
  terms: Record<TermName, number | null>;
}

export function recommend(d: Demand, params: ModelParams): Recommendation {
  // The threshold rule: below MIN_CONSUMPTION_THROUGHPUT the byte and record terms do not apply.
  const busy = d.bytesPerSecond >= params.minConsumptionThroughput;
  const per = (rate: number, perPartition: number | null) =>
    busy && perPartition !== null ? ceilRatio(rate, perPartition) : null;
  const terms: Record<TermName, number | null> = {
    minimum: params.minRecommendedPartitions,
    consumer_bytes: per(d.bytesPerSecond, params.consumerThroughputPerPartition),
    producer_bytes: per(d.bytesPerSecond, params.producerThroughputPerPartition),
    consumer_records: per(d.recordsPerSecond, params.consumerRecordsPerSecondPerPartition),
    producer_records: per(d.recordsPerSecond, params.producerRecordsPerSecondPerPartition),
    consumer_group: params.partitionsForLargestGroup && d.largestGroup !== null
      ? d.largestGroup
      : null,
    brokers: params.minPartitionsPerBroker !== null && d.brokerCount >= 1
      ? params.minPartitionsPerBroker * d.brokerCount
      : null,
  };
  let n = 0;
  let reason: TermName = "minimum";
  for (const name of TERM_NAMES) {
    const v = terms[name];
    if (v !== null && v > n) {
      n = v;
      reason = name;
    }
  }
  const rounded = roundPartitions(n, params.partitionRounding, d.brokerCount, d.current);
  return { partitions: rounded, reason: rounded > n ? `${reason}+rounding` : reason, terms };
}

/**
 * Partitions needed to carry `requiredBytesPerSecond` when only bytes are known: the
 * recommendation with no records, groups or current count to weigh.
 */
export function recommendPartitions(
  requiredBytesPerSecond: number,
  params: ModelParams,
  brokerCount: number,
): number {
  return recommend({
    bytesPerSecond: requiredBytesPerSecond,
    recordsPerSecond: 0,
    largestGroup: null,
    brokerCount,
    current: 1,
  }, params).partitions;
}

/** increase when more are needed, keep when equal, over_partitioned when fewer would do. */
export function actionFor(recommended: number, current: number): Action {
  if (recommended > current) return "increase";
  if (recommended === current) return "keep";
  return "over_partitioned";
}

/**
 * The share of keys, in percent, that keep their partition when a topic with uniformly hashed
 * keys goes from `from` to `to` partitions: min(N, M) / lcm(N, M) (6 → 12: 50 %, 6 → 7: 14 %).
 */
export function keysKeptPct(from: number, to: number): number {
  return (Math.min(from, to) / lcm(from, to)) * 100;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

function roundPartitions(
  n: number,
  rounding: ModelParams["partitionRounding"],
  brokers: number,
  current: number,
): number {
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
    case "multiple-of-current":
      // The fewest keys move for the size: every old partition splits evenly.
      if (!Number.isInteger(current) || current < 1) return n;
      return Math.ceil(n / current) * current;
  }
}

// A rate computed as peak × factor can land an ulp above a whole multiple (3 × 10 MiB/s
// giving 3.0000000000000004 partitions); that noise must not cost a whole partition.
const RELATIVE_SLACK = 1e-9;

function ceilRatio(rate: number, perPartition: number): number {
  const x = rate / perPartition;
  return Math.ceil(x - x * RELATIVE_SLACK);
}
