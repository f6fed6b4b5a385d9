// The parts of a TopicMeasurement every source fills the same way: what the plan says about
// the topic, and its window. Also the measurement of a topic that could not be measured:
// those parts, the reason, and no series. Every source and the scheduler build on these.
import type { TopicMeasurement } from "../model/measurement.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";

type Header = Pick<
  TopicMeasurement,
  "topic" | "partitions" | "isCompacted" | "retentionMs" | "windowStart" | "windowEnd"
>;

export function measurementHeader(t: TopicPlan, window: { start: number; end: number }): Header {
  return {
    topic: t.name,
    partitions: t.leaders.length,
    isCompacted: t.isCompacted,
    retentionMs: t.retentionMs,
    windowStart: window.start,
    windowEnd: window.end,
  };
}

export function errorMeasurement(
  t: TopicPlan,
  window: { start: number; end: number },
  error: string,
): TopicMeasurement {
  return {
    ...measurementHeader(t, window),
    hourly: [],
    partitionRecords: null,
    sample: null,
    error,
  };
}
