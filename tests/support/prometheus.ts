// A real Prometheus for tests, holding a declared workload's history as one metric family
// (JMX exporter, kafka_exporter or Redpanda) with exact ground truth: the pinned Debian build
// (installed on first use by dev/tools/ensure_prometheus.sh), backfilled by promtool in a
// fresh temp dir per call, served on a free loopback port as a child process that stop() ends
// (and whose temp dir it removes). See dev/prometheus/openmetrics.ts for the metrics' names,
// labels, layout and the PromQL that answers them exactly.
import { HOUR_MS } from "../../dev/workload/plan.ts";
import type { WorkloadProfile } from "../../dev/workload/profile.ts";
import {
  type BrokerRestart,
  type ExactQueries,
  exactQueries,
  type MetricFamily,
  type MetricsTruth,
  type WorkloadMetrics,
} from "../../dev/prometheus/openmetrics.ts";
import { serveWorkload } from "../../dev/prometheus/server.ts";

export {
  type BrokerRestart,
  type ExactQueries,
  exactQueries,
  METRIC_FAMILIES,
  METRIC_NAMES,
  type MetricFamily,
  type MetricsTruth,
  recordBytes,
  type TopicMetricsTruth,
} from "../../dev/prometheus/openmetrics.ts";

export interface PrometheusWorkloadOptions {
  family: MetricFamily;
  /** Brokers the partitions' leaders (and Redpanda's replicas) are spread over; default 3. */
  brokers?: number;
  /** Broker restarts: one or several; their counters drop to 0 there. */
  resetAt?: BrokerRestart | readonly BrokerRestart[];
  /** Seconds between samples (default 60: a sample on every hour end, which keeps increase() exact). */
  intervalSeconds?: number;
  /** Seconds of missing samples after a restart (default two intervals). */
  gapSeconds?: number;
  /** Keep the temp dir after stop() (for a look at the log or the blocks). */
  keepDir?: boolean;
  /** The server's web configuration (`basic_auth_users`), when it must ask for credentials. */
  webConfig?: string;
}

export interface PrometheusWorkload {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Exact records (and bytes) per topic, UTC hour and partition over the profile's span. */
  truth: MetricsTruth;
  /** truth() for any other whole-hour window; leaderOf(), replicasOf(). */
  metrics: WorkloadMetrics;
  /** The PromQL that gives `truth` exactly at UTC hour ends for this family. */
  queries: ExactQueries;
  /** The temp dir holding the blocks, the config and the log. */
  dir: string;
  logFile: string;
  timings: { writeMs: number; backfillMs: number; startMs: number };
  samples: number;
  blocks: number;
  stop(): Promise<void>;
}

/**
 * Backfills the profile's history (anchor − days … anchor) as one family's metrics into a new
 * temp dir and starts Prometheus over it; resolves once /-/ready answers.
 */
export async function startPrometheusWithWorkload(
  profile: WorkloadProfile,
  anchor: number,
  options: PrometheusWorkloadOptions,
): Promise<PrometheusWorkload> {
  const dir = await Deno.makeTempDir({ prefix: `kpr-prometheus-${options.family}-` });
  const restarts = options.resetAt === undefined
    ? []
    : Array.isArray(options.resetAt)
    ? options.resetAt as readonly BrokerRestart[]
    : [options.resetAt as BrokerRestart];
  try {
    const served = await serveWorkload(
      profile,
      anchor,
      {
        family: options.family,
        restarts,
        ...(options.brokers === undefined ? {} : { brokers: options.brokers }),
        ...(options.intervalSeconds === undefined
          ? {}
          : { intervalSeconds: options.intervalSeconds }),
        ...(options.gapSeconds === undefined ? {} : { gapSeconds: options.gapSeconds }),
      },
      dir,
      options.webConfig === undefined ? {} : { webConfig: options.webConfig },
    );
    return {
      url: served.url,
      truth: served.truth,
      metrics: served.metrics,
      queries: exactQueries(options.family),
      dir,
      logFile: served.server.logFile,
      timings: served.timings,
      samples: served.file.samples,
      blocks: served.blocks,
      async stop() {
        await served.stop();
        if (!options.keepDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
      },
    };
  } catch (err) {
    if (!options.keepDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
}

/** One series of a query_range answer: its labels and [epoch ms, value] points. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, number][];
}

/** A Prometheus API error answer (`status: "error"`), with the HTTP status. */
export class PrometheusApiError extends Error {
  override name = "PrometheusApiError";
  constructor(readonly httpStatus: number, readonly errorType: string, message: string) {
    super(`${httpStatus} ${errorType}: ${message}`);
  }
}

/** GET /api/v1/query_range; start and end in epoch ms, step in seconds. */
export async function queryRange(
  url: string,
  query: string,
  start: number,
  end: number,
  stepSeconds = 3600,
  headers: Record<string, string> = {},
): Promise<RangeSeries[]> {
  const params = new URLSearchParams({
    query,
    start: String(start / 1000),
    end: String(end / 1000),
    step: String(stepSeconds),
  });
  const res = await fetch(`${url}/api/v1/query_range?${params}`, { headers });
  // deno-lint-ignore no-explicit-any
  const body: any = await res.json();
  if (body.status !== "success") {
    throw new PrometheusApiError(res.status, body.errorType, body.error);
  }
  return (body.data.result as { metric: Record<string, string>; values: [number, string][] }[])
    .map((s) => ({
      metric: s.metric,
      values: s.values.map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]),
    }));
}

/**
 * A query_range answer by one label, as hourly values keyed by the hour's START (the query
 * at hour end T answers the hour T − 1 h): `label value → hourStart → value`.
 */
export function byHourStart(
  series: readonly RangeSeries[],
  label: string,
): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const s of series) {
    const key = s.metric[label] ?? "";
    const hours = out.get(key) ?? new Map<number, number>();
    for (const [t, v] of s.values) hours.set(t - HOUR_MS, v);
    out.set(key, hours);
  }
  return out;
}
