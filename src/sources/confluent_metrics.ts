// The Confluent Cloud Metrics API source: hourly `received_records` and `received_bytes`
// for the whole cluster at once (group_by metric.topic, PT1H, one absolute UTC interval
// covering every topic's window, every page followed), plus `sent_bytes` for each topic's
// consumer fan-out (reported, never used for sizing). Returns the same TopicMeasurement as
// the sampling source, so the model and the reports are shared.
import { MetricsApiClient, type TopicSeries } from "../metrics/client.ts";
import type { Source, SourceDeps, SourceSpec } from "./source.ts";
import type { HourlyPoint, TopicMeasurement } from "../model/measurement.ts";
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
}

/**
 * Measures every topic of a cluster. Errors of the records and bytes queries propagate
 * (the cluster as a whole cannot be measured); a failed `sent_bytes` query only leaves
 * the fan-out unknown.
 */
export async function measureByMetrics(
  client: MetricsApiClient,
  clusterId: string,
  topics: readonly TopicPlan[],
  options: MetricsSourceOptions,
): Promise<TopicMeasurement[]> {
  if (topics.length === 0) return [];
  const { byTopic: windows, start, end } = topicWindows(
    topics,
    options.analysisTime,
    options.samplingDays,
  );
  // One query after the other: the API's rate limit is per caller, and each is few pages.
  const records = await client.hourlyTopicSeries(clusterId, "received_records", start, end);
  const bytes = await client.hourlyTopicSeries(clusterId, "received_bytes", start, end);
  let sent: TopicSeries | null = null;
  try {
    sent = await client.hourlyTopicSeries(clusterId, "sent_bytes", start, end);
  } catch (e) {
    options.log?.(
      `sent_bytes could not be read, fan-out unknown: ${
        e instanceof Error ? e.message : String(e)
      }`,
    );
  }
  return topics.map((t): TopicMeasurement => {
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
    };
  });
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
