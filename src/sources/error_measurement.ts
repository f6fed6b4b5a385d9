// The measurement of a topic that could not be measured: its plan, its window, the reason,
// and no series. Every source and the scheduler report failures this one way.
import type { TopicMeasurement } from "../model/measurement.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";

export function errorMeasurement(
  t: TopicPlan,
  window: { start: number; end: number },
  error: string,
): TopicMeasurement {
  return {
    topic: t.name,
    partitions: t.leaders.length,
    isCompacted: t.isCompacted,
    retentionMs: t.retentionMs,
    windowStart: window.start,
    windowEnd: window.end,
    hourly: [],
    partitionRecords: null,
    sample: null,
    error,
  };
}
