// The Confluent Cloud Metrics API source: hourly `received_records` and `received_bytes`
// for the whole cluster at once (group_by metric.topic, PT1H, one absolute UTC interval
// covering every topic's window, every page followed), plus `sent_bytes` for each topic's
// consumer fan-out (reported, never used for sizing) and `hot_partition_ingress` and
// `hot_partition_egress` (whether the cluster flagged a hot partition on the topic; when a
// flag was read but neither has a point anywhere, one `dedicated_cku_count` query tells "none"
// from "not published": metrics/hot_partitions.ts). Then each topic's busiest minute inside
// its busiest hours: `received_records` and `received_bytes` at PT1M, one query each per
// distinct hour for every topic that needs it (metrics/peak_minutes.ts decides which). So a
// cluster costs 5 + 2 × H requests, 6 + 2 × H with that probe (H ≤ 24 distinct hours; one
// page each up to 1,000 topics), whatever its topic count. Returns the same
// TopicMeasurement as the sampling source, so the model and the reports are shared. Only the
// hourly records and bytes are required: the other queries failing leaves their fields null,
// with a log line, and never fails a topic.
import { MetricsApiClient, type TopicSeries } from "../metrics/client.ts";
import { MetricsApiAuthError, MetricsApiDeadlineError } from "../metrics/errors.ts";
import {
  DEDICATED_ONLY_METRIC,
  hotPartitionFlag,
  type HotPartitionMetric,
  publishesHotPartitionFlags,
} from "../metrics/hot_partitions.ts";
import {
  busiestMinute,
  MAX_MINUTE_HOURS,
  MINUTE_DATA_RETENTION_MS,
  minuteDataHeldFrom,
  planMinuteQueries,
  topHours,
} from "../metrics/peak_minutes.ts";
import type { Source, SourceDeps, SourceSpec } from "./source.ts";
import type { HourlyPoint, PeakMinute, TopicMeasurement } from "../model/measurement.ts";
import { HOUR_MS } from "../model/window.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";
import { measurementHeader } from "./error_measurement.ts";
import { topicWindows } from "./topic_windows.ts";

export interface MetricsSourceOptions {
  /** The run's one analysis time T0. */
  analysisTime: number;
  samplingDays: number;
  /** Lines for the log (requests, retries). */
  log?: (line: string) => void;
  /**
   * How long the API keeps minute data (default MINUTE_DATA_RETENTION_MS, 7 days): busiest
   * hours older than that before the analysis time are not asked at PT1M.
   */
  minuteRetentionMs?: number;
  /** Distinct hours asked at PT1M at most (default MAX_MINUTE_HOURS, 24). */
  maxMinuteHours?: number;
}

/**
 * What this source returns per topic. `hotPartitionIngress` / `hotPartitionEgress`: true when
 * the flag had a point in the topic's window (the API sends 1 when it detects a hot
 * partition, nothing otherwise), false when it had none on a cluster that publishes the
 * flags, null when the flag could not be read or the cluster does not publish it (Basic,
 * Standard).
 */
export type MetricsTopicMeasurement = TopicMeasurement;

/**
 * Measures every topic of a cluster. Errors of the records and bytes queries propagate
 * (the cluster as a whole cannot be measured); a failed `sent_bytes` query only leaves
 * the fan-out unknown, a failed hot-partition query its flag, and failed PT1M
 * queries the peak minutes of the topics that needed them.
 */
export async function measureByMetrics(
  client: MetricsApiClient,
  clusterId: string,
  topics: readonly TopicPlan[],
  options: MetricsSourceOptions,
): Promise<MetricsTopicMeasurement[]> {
  if (topics.length === 0) return [];
  const log = options.log ?? (() => {});
  const { byTopic: windows, start, end } = topicWindows(
    topics,
    options.analysisTime,
    options.samplingDays,
  );
  // One query after the other: the API's rate limit is per caller, and each is few pages.
  const records = await client.hourlyTopicSeries(clusterId, "received_records", start, end);
  const bytes = await client.hourlyTopicSeries(clusterId, "received_bytes", start, end);
  const sent = await optional(
    () => client.hourlyTopicSeries(clusterId, "sent_bytes", start, end),
    (why) => log(`sent_bytes could not be read, fan-out unknown: ${why}`),
  );
  const flag = (metric: HotPartitionMetric) =>
    optional(
      () => client.hourlyTopicSeries(clusterId, metric, start, end),
      (why) => log(`${metric} could not be read, hot partitions unknown: ${why}`),
    );
  const ingress = await flag("hot_partition_ingress");
  const egress = await flag("hot_partition_egress");
  const published = await publishesHotPartitionFlags([ingress, egress], () =>
    optional(
      () => client.clusterHasData(clusterId, DEDICATED_ONLY_METRIC, start, end),
      (why) => log(`${DEDICATED_ONLY_METRIC} could not be read, hot partitions unknown: ${why}`),
    ));
  if (published === false) {
    log(
      `Metrics API: cluster ${clusterId} publishes no hot-partition flags (Dedicated clusters ` +
        "do): hot_partition_ingress and hot_partition_egress are n/a",
    );
  }
  const measured = topics.map((t): MetricsTopicMeasurement => {
    const w = windows.get(t.name)!;
    const r = records.get(t.name);
    const b = bytes.get(t.name);
    const hourly: HourlyPoint[] = [];
    let received = 0;
    let consumed = 0;
    for (let h = w.start; h < w.end; h += HOUR_MS) {
      const point = { hourStart: h, records: r?.get(h) ?? 0, bytes: b?.get(h) ?? 0 };
      hourly.push(point);
      received += point.bytes;
      consumed += sent?.get(t.name)?.get(h) ?? 0;
    }
    return {
      ...measurementHeader(t, w),
      hourly,
      // Per-partition series would cost a page per few topics; skew needs the sampling source.
      partitionRecords: null,
      sample: null,
      error: null,
      fanOut: sent === null || received === 0 ? null : consumed / received,
      peakMinute: null,
      hotPartitionIngress: hotPartitionFlag(ingress, t.name, w, published),
      hotPartitionEgress: hotPartitionFlag(egress, t.name, w, published),
    };
  });
  const peaks = await peakMinutes(client, clusterId, measured, options, log);
  for (const m of measured) m.peakMinute = peaks.get(m.topic) ?? null;
  return measured;
}

/** Runs a query whose failure is not the cluster's: null, after `onError` with the reason. */
async function optional<T>(run: () => Promise<T>, onError: (why: string) => void) {
  try {
    return await run();
  } catch (e) {
    onError(e instanceof Error ? e.message : String(e));
    return null;
  }
}

/**
 * Each topic's busiest minute inside its busiest hours (metrics/peak_minutes.ts): PT1M
 * `received_records` and `received_bytes`, one query each per distinct hour, oldest hour
 * first. A failed hour is skipped; a deadline or a refused key stops the rest. A topic none of
 * whose hours was answered with minute data is left out (no peak minute), with a log line.
 */
async function peakMinutes(
  client: MetricsApiClient,
  clusterId: string,
  measured: readonly TopicMeasurement[],
  options: MetricsSourceOptions,
  log: (line: string) => void,
): Promise<Map<string, PeakMinute>> {
  const top = new Map(measured.map((m) => [m.topic, topHours(m.hourly)]));
  const wanted = [...top].filter(([, h]) => h.length > 0).map(([t]) => t);
  const plan = planMinuteQueries(
    top,
    minuteDataHeldFrom(options.analysisTime, options.minuteRetentionMs ?? MINUTE_DATA_RETENTION_MS),
    options.maxMinuteHours ?? MAX_MINUTE_HOURS,
  );
  if (plan.expired.size > 0) {
    log(
      `Metrics API: minute data is no longer held for some of the busiest hours of ` +
        `${plan.expired.size} topic(s) (${names([...plan.expired.keys()])}); their peak minute ` +
        "is searched in the other busiest hours only",
    );
  }
  if (plan.capped.size > 0) {
    log(
      `Metrics API: the busiest hours span more than ${
        options.maxMinuteHours ?? MAX_MINUTE_HOURS
      } distinct hours; PT1M is asked for ${plan.hours.length} of them, so ${plan.capped.size} ` +
        `topic(s) (${names([...plan.capped.keys()])}) are searched in fewer hours`,
    );
  }
  const minutes = new Map<string, Map<number, number>>();
  const minuteBytes = new Map<string, Map<number, number>>();
  const answered = new Set<string>();
  for (let i = 0; i < plan.hours.length; i++) {
    const { hourStart, topics } = plan.hours[i]!;
    let r: TopicSeries;
    let b: TopicSeries;
    try {
      r = await client.minuteTopicSeries(clusterId, "received_records", hourStart, topics);
      b = await client.minuteTopicSeries(clusterId, "received_bytes", hourStart, topics);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const hour = new Date(hourStart).toISOString();
      if (e instanceof MetricsApiDeadlineError || e instanceof MetricsApiAuthError) {
        log(
          `Metrics API: PT1M queries stopped at hour ${hour} (${
            plan.hours.length - i
          } of ${plan.hours.length} hours not asked): ${why}`,
        );
        break;
      }
      log(`Metrics API: the PT1M query for hour ${hour} failed, skipped: ${why}`);
      continue;
    }
    for (const topic of topics) {
      const points = r.get(topic);
      // No minute points for an hour with records: the API no longer holds them.
      if (!points || points.size === 0) continue;
      answered.add(topic);
      let all = minutes.get(topic);
      if (!all) minutes.set(topic, all = new Map());
      for (const [m, v] of points) all.set(m, v);
      let allBytes = minuteBytes.get(topic);
      if (!allBytes) minuteBytes.set(topic, allBytes = new Map());
      for (const [m, v] of b.get(topic) ?? []) allBytes.set(m, v);
    }
  }
  const peaks = new Map<string, PeakMinute>();
  for (const topic of answered) {
    const peak = busiestMinute(minutes.get(topic)!, minuteBytes.get(topic));
    if (peak !== null) peaks.set(topic, peak);
  }
  const missing = wanted.filter((t) => !peaks.has(t));
  if (missing.length > 0) {
    log(
      `Metrics API: no minute data for the busiest hours of ${missing.length} topic(s) ` +
        `(${names(missing)}): peak minute unknown`,
    );
  }
  return peaks;
}

/** Up to five names, then how many more. */
function names(list: readonly string[]): string {
  const shown = list.slice(0, 5).join(", ");
  return list.length > 5 ? `${shown} and ${list.length - 5} more` : shown;
}

/** The Metrics API source of one cluster: one client, one chunk for every topic. */
export function create(spec: SourceSpec, deps: SourceDeps): Promise<Source> {
  const api = spec.metricsApi;
  if (!api) throw new Error("the Metrics API method needs CONFLUENT_CLOUD_CREDENTIAL");
  const client = new MetricsApiClient({
    baseUrl: api.baseUrl,
    apiKey: api.apiKey,
    apiSecret: api.apiSecret,
    timeoutMs: api.timeoutMs,
    deadlineMs: api.deadlineMs,
    ...(deps.log ? { logger: deps.log } : {}),
    ...(deps.scrub ? { scrub: deps.scrub } : {}),
  });
  return Promise.resolve({
    measure: (topics) =>
      measureByMetrics(client, spec.connection.clusterId, topics, {
        analysisTime: spec.analysisTime,
        samplingDays: spec.samplingDays,
        ...(deps.log ? { log: deps.log } : {}),
      }),
    close: () => Promise.resolve(),
  });
}
