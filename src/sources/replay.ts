// The replay source: the measurements a run saved (--save-measurements), measured again by
// nobody. The cluster's plan (topics, partition counts, configs, broker count) is what was
// saved, and each topic's measurement is the saved one, so the model and the reports run
// offline with whatever settings this run has. A shorter SAMPLING_DAYS keeps the saved
// window's last days; a longer one cannot add to what was measured.
import { DAY_MS } from "../model/window.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import type { ClusterPlan, TopicPlan } from "../plan/cluster_plan.ts";
import type { Source, SourceSpec } from "./source.ts";

export function create(spec: SourceSpec): Promise<Source> {
  const saved = new Map((spec.replay?.measurements ?? []).map((m) => [m.topic, m]));
  const failed = spec.replay?.error ?? null;
  return Promise.resolve({
    plan: () =>
      failed !== null
        ? Promise.reject(new Error(`the saved run could not measure this cluster: ${failed}`))
        : Promise.resolve<ClusterPlan>({
          reportedClusterId: spec.connection.clusterId,
          brokers: spec.brokers,
          topics: [...saved.values()].map((m): TopicPlan => ({
            name: m.topic,
            topicId: "",
            leaders: new Array<number>(m.partitions).fill(-1),
            isCompacted: m.isCompacted,
            retentionMs: m.retentionMs,
          })),
        }),
    measure: (topics) =>
      Promise.resolve(topics.flatMap((t) => {
        const m = saved.get(t.name);
        return m ? [lastDays(m, spec.samplingDays)] : [];
      })),
    close: () => Promise.resolve(),
  });
}

/** The measurement cut to its window's last `days`, when it spans more. */
export function lastDays(m: TopicMeasurement, days: number): TopicMeasurement {
  const start = m.windowEnd - days * DAY_MS;
  if (m.windowStart >= start || m.error !== null) return m;
  const first = m.hourly.findIndex((h) => h.hourStart >= start);
  const from = first === -1 ? m.hourly.length : first;
  const partitionHourly = m.partitionHourly?.map((row) => row.slice(from)) ?? null;
  const minute = m.peakMinute ?? null;
  return {
    ...m,
    windowStart: start,
    hourly: m.hourly.slice(from),
    partitionHourly,
    // The window counts come from the hours kept, where the saved run had them per hour.
    partitionRecords: partitionHourly?.map((row) => row.reduce((a, b) => a + b, 0)) ?? null,
    // A peak minute of the hours cut off is no longer this window's.
    peakMinute: minute !== null && minute.minuteStart >= start ? minute : null,
  };
}
