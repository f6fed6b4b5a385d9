// Confluent's own hot-partition flags, `hot_partition_ingress` and `hot_partition_egress`,
// turned into one yes / no / unknown per topic. The API sends a point (1) for a topic in
// the hours it detected a hot partition and nothing otherwise, so "no point" means "not hot"
// only on a cluster that publishes the flags at all: Dedicated clusters do; Basic and
// Standard do not, and may answer the same empty page (or an error, which leaves the flag
// unknown too). Whether the cluster publishes them is decided once per cluster
// (`publishesHotPartitionFlags`); each topic's flag then follows (`hotPartitionFlag`).
// Pure: the queries are the caller's.
import type { TopicSeries } from "./client.ts";

/** The two flags, by their metric names. */
export const HOT_PARTITION_METRICS = ["hot_partition_ingress", "hot_partition_egress"] as const;
export type HotPartitionMetric = typeof HOT_PARTITION_METRICS[number];

/**
 * A metric only Dedicated clusters publish (their CKU count): asked when neither flag had a
 * point, to tell "no hot partition" from "no flags on this cluster".
 */
export const DEDICATED_ONLY_METRIC = "dedicated_cku_count";

/** Whether a flag series raised the flag for any topic in any hour (a point with value > 0). */
export function raisedAnywhere(series: TopicSeries | null): boolean {
  if (series === null) return false;
  for (const hours of series.values()) {
    for (const v of hours.values()) if (v > 0) return true;
  }
  return false;
}

/**
 * Whether the cluster publishes the hot-partition flags: true when either flag series has a
 * point (a cluster that raised one publishes both), else what `isDedicated` says (null when
 * it could not be asked). `isDedicated` is only called when no flag settles it, and not at
 * all when neither flag could be read (there is nothing left to decide).
 */
export async function publishesHotPartitionFlags(
  series: readonly (TopicSeries | null)[],
  isDedicated: () => Promise<boolean | null>,
): Promise<boolean | null> {
  if (series.some(raisedAnywhere)) return true;
  if (series.every((s) => s === null)) return null;
  return await isDedicated();
}

/**
 * One topic's flag over its window [start, end) (hour starts, as the hourly series has them):
 * true when a point in it is > 0; false when
 * the cluster publishes the flag (`published`) and none is; null when the flag could not be
 * read (`series` null) or the cluster may not publish it.
 */
export function hotPartitionFlag(
  series: TopicSeries | null,
  topic: string,
  window: { start: number; end: number },
  published: boolean | null,
): boolean | null {
  if (series === null) return null;
  const hours = series.get(topic);
  if (hours) {
    for (const [h, v] of hours) {
      if (v > 0 && h >= window.start && h < window.end) return true;
    }
  }
  return published === true ? false : null;
}
