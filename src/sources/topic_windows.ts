// The windows of a set of topics for one run (model/window.ts's rule, per topic retention)
// and the span that covers them all, which every source queries once for the whole set.
import { measurementWindow, type Window } from "../model/window.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";

export interface TopicWindows {
  byTopic: Map<string, Window>;
  /** The earliest window start: a whole UTC hour. */
  start: number;
  /** The common window end E. */
  end: number;
}

export function topicWindows(
  topics: readonly TopicPlan[],
  analysisTime: number,
  samplingDays: number,
): TopicWindows {
  const byTopic = new Map(
    topics.map((t) => [t.name, measurementWindow(analysisTime, samplingDays, t.retentionMs)]),
  );
  const { end } = measurementWindow(analysisTime, samplingDays, -1);
  const start = Math.min(end, ...[...byTopic.values()].map((w) => w.start));
  return { byTopic, start, end };
}
