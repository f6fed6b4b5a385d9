// The Prometheus source, for self-managed clusters whose per-topic traffic history is already
// in Prometheus (JMX exporter, Strimzi, kafka_exporter, Redpanda): no data access to the
// topics is needed, and the history reaches past retention. Hourly records and bytes per topic
// come from one range query each for the whole cluster, at UTC hour ends with step=3600
// (prometheus/queries.ts has the PromQL and why it is exact); per-partition records, where the
// exporter has them, give the skew. kafka_exporter counts records only: bytes per record then
// come from a sample of the cluster when it can be reached (the same sampler as the sampling
// source), and its topics are marked when it cannot. The topic list and partition counts come
// from the cluster; with no cluster access, from the metrics.
import type { KafkaCluster } from "../kafka/cluster.ts";
import type { HourlyPoint, TopicMeasurement } from "../model/measurement.ts";
import { HOUR_MS } from "../model/window.ts";
import type { ClusterPlan, TopicPlan } from "../plan/cluster_plan.ts";
import { PrometheusClient, type Series } from "../prometheus/client.ts";
import {
  type Family,
  FAMILY_MARKERS,
  type FamilyQueries,
  familyQueries,
  JMX,
  KAFKA_EXPORTER,
  markerQuery,
  REDPANDA,
} from "../prometheus/queries.ts";
import type { TopicSample } from "./_sampler.ts";
import { errorMeasurement, measurementHeader } from "./error_measurement.ts";
import type { PrometheusSpec, Source, SourceDeps, SourceSpec } from "./source.ts";
import { topicWindows } from "./topic_windows.ts";

const HOUR_S = 3600;

export function create(spec: SourceSpec, deps: SourceDeps): Promise<Source> {
  const p = spec.prometheus;
  if (!p) throw new Error("the Prometheus method needs PROMETHEUS_URL");
  const client = new PrometheusClient({
    url: p.url,
    auth: p.auth,
    timeoutMs: p.timeoutMs,
    ...(deps.scrub ? { scrub: deps.scrub } : {}),
  });
  const end = Math.floor(spec.analysisTime / HOUR_MS) * HOUR_MS;
  let queries: Promise<FamilyQueries> | undefined;
  const family = () => queries ??= detect(client, p, end);
  // kafka_exporter's bytes per record come from a sample: the caller's cluster, or one of
  // our own (a worker has none), loaded only when a sample is taken.
  let own: KafkaCluster | null = null;
  const kafka = async (): Promise<KafkaCluster | null> => {
    if (deps.kafka) return deps.kafka;
    if (spec.connection.bootstrapServers.length === 0) return null;
    if (own === null) {
      const [{ KafkaCluster }, { tuningFor }] = await Promise.all([
        import("../kafka/cluster.ts"),
        import("../kafka/connection.ts"),
      ]);
      own = new KafkaCluster(spec.connection, {
        ...tuningFor(spec.timeoutMs),
        knownReachable: true,
      });
    }
    return own;
  };
  return Promise.resolve({
    plan: async () => planFromMetrics(client, await family(), p, spec, end),
    measure: async (topics) => measure(client, await family(), topics, spec, kafka, deps.log),
    close: async () => {
      await own?.close();
    },
  });
}

/** The configured family, or the one whose metrics this Prometheus holds. */
async function detect(
  client: PrometheusClient,
  p: PrometheusSpec,
  end: number,
): Promise<FamilyQueries> {
  const seen = new Set(
    (await client.query(markerQuery(p.selector), end / 1000)).map((s) => s.metric["__name__"]),
  );
  const perSec = !seen.has(JMX.messagesIn) && seen.has(JMX.messagesInPerSec);
  if (p.metrics !== "auto") return familyQueries(p.metrics, p.selector, perSec);
  const found: Family | null = seen.has(JMX.messagesIn) || seen.has(JMX.messagesInPerSec)
    ? "jmx"
    : seen.has(REDPANDA.recordsProduced)
    ? "redpanda"
    : seen.has(KAFKA_EXPORTER.currentOffset)
    ? "kafka_exporter"
    : null;
  if (found === null) {
    throw new Error(
      `Prometheus at ${p.url} holds none of the Kafka metrics this tool reads (${
        FAMILY_MARKERS.join(", ")
      })${p.selector ? ` matching ${p.selector}` : ""} in the last day; check PROMETHEUS_URL ` +
        "and PROMETHEUS_SELECTOR, or set PROMETHEUS_METRICS",
    );
  }
  return familyQueries(found, p.selector, perSec);
}

/** topic → hour start (epoch ms) → value, from a range query at hour ends. */
type Hourly = Map<string, Map<number, number>>;

async function hourly(
  client: PrometheusClient,
  query: string,
  label: string,
  start: number,
  end: number,
): Promise<Hourly> {
  const out: Hourly = new Map();
  // The value at an hour's end is that hour's increase.
  for (const s of await client.queryRange(query, start / 1000 + HOUR_S, end / 1000, HOUR_S)) {
    const topic = s.metric[label];
    if (topic === undefined) continue;
    const hours = out.get(topic) ?? new Map<number, number>();
    for (const [t, v] of s.values) {
      const h = t * 1000 - HOUR_MS;
      hours.set(h, (hours.get(h) ?? 0) + whole(v));
    }
    out.set(topic, hours);
  }
  return out;
}

/** topic → records per partition over the hours from `from`. */
/** topic → partition → hour start → records, for the hours from each topic's window start. */
function perPartition(series: readonly Series[], q: FamilyQueries, from: Map<string, number>) {
  const out = new Map<string, Map<number, Map<number, number>>>();
  for (const s of series) {
    const topic = s.metric[q.topicLabel];
    const partition = Number(s.metric[q.partitionLabel!]);
    if (topic === undefined || !Number.isInteger(partition)) continue;
    const start = from.get(topic);
    if (start === undefined) continue;
    const partitions = out.get(topic) ?? new Map<number, Map<number, number>>();
    const hours = partitions.get(partition) ?? new Map<number, number>();
    for (const [t, v] of s.values) {
      const hourStart = t * 1000 - HOUR_MS;
      if (hourStart >= start) hours.set(hourStart, (hours.get(hourStart) ?? 0) + whole(v));
    }
    partitions.set(partition, hours);
    out.set(topic, partitions);
  }
  return out;
}

/** A topic's records per partition, in the window and per hour; null where unknown. */
function partitionCounts(
  hours: Map<number, Map<number, number>> | undefined,
  partitions: number,
  points: readonly HourlyPoint[],
): Pick<TopicMeasurement, "partitionRecords" | "partitionHourly"> {
  if (hours === undefined) return { partitionRecords: null, partitionHourly: null };
  const count = Math.max(partitions, ...[...hours.keys()].map((p) => p + 1));
  const partitionHourly = Array.from(
    { length: count },
    (_, p) => points.map((h) => hours.get(p)?.get(h.hourStart) ?? 0),
  );
  return {
    partitionRecords: partitionHourly.map((row) => row.reduce((a, b) => a + b, 0)),
    partitionHourly,
  };
}

/** Counts arrive as floats; one within rounding of a whole number is that number. */
function whole(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-6 * Math.max(1, Math.abs(v)) ? r : v;
}

async function measure(
  client: PrometheusClient,
  q: FamilyQueries,
  topics: readonly TopicPlan[],
  spec: SourceSpec,
  clusterFor: () => Promise<KafkaCluster | null>,
  log?: (line: string) => void,
): Promise<TopicMeasurement[]> {
  if (topics.length === 0) return [];
  const { byTopic: windows, start, end } = topicWindows(
    topics,
    spec.analysisTime,
    spec.samplingDays,
  );
  const [records, bytes, bytesOut, partitions] = await Promise.all([
    hourly(client, q.records, q.topicLabel, start, end),
    q.bytes ? hourly(client, q.bytes, q.topicLabel, start, end) : null,
    q.bytesOut
      ? hourly(client, q.bytesOut, q.topicLabel, start, end).catch((e) => {
        log?.(`consumer bytes could not be read, fan-out unknown: ${e.message}`);
        return null;
      })
      : null,
    q.partitionRecords
      ? client.queryRange(q.partitionRecords, start / 1000 + HOUR_S, end / 1000, HOUR_S)
      : null,
  ]);
  // Records only: bytes per record from a sample of the cluster, where it can be read.
  let samples: Map<string, TopicSample> | null = null;
  const kafka = q.bytes ? null : await clusterFor();
  if (kafka) {
    // Loaded only here: a run that needs no sample never loads the sampler.
    const { sampleRecordBytes } = await import("./sampling.ts");
    samples = await sampleRecordBytes(kafka, spec.brokers, topics, {
      analysisTime: spec.analysisTime,
      samplingDays: spec.samplingDays,
      limits: spec.sampling,
    });
  }
  const starts = new Map(topics.map((t) => [t.name, windows.get(t.name)!.start]));
  const byPartition = partitions ? perPartition(partitions, q, starts) : null;
  return topics.map((t): TopicMeasurement => {
    const w = windows.get(t.name)!;
    const r = records.get(t.name);
    const sample = samples?.get(t.name) ?? null;
    const perRecord = sample?.recordBytes?.bytesPerRecord ?? null;
    const points: HourlyPoint[] = [];
    let inBytes = 0;
    let outBytes = 0;
    for (let h = w.start; h < w.end; h += HOUR_MS) {
      const n = r?.get(h) ?? 0;
      const b = bytes ? bytes.get(t.name)?.get(h) ?? 0 : n * (perRecord ?? 0);
      points.push({ hourStart: h, records: n, bytes: b });
      inBytes += b;
      outBytes += bytesOut?.get(t.name)?.get(h) ?? 0;
    }
    const total = points.reduce((s, p) => s + p.records, 0);
    if (!q.bytes && total > 0 && perRecord === null) {
      return errorMeasurement(
        t,
        w,
        kafka
          ? `kafka_exporter counts records only, and no record batch could be sampled for its ` +
            `bytes${sample?.lastError ? `: ${sample.lastError}` : ""}`
          : "kafka_exporter counts records only: bytes per record need a sample of the " +
            'cluster; give its "bootstrap.servers" in KAFKA_CREDENTIALS',
      );
    }
    return {
      ...measurementHeader(t, w),
      hourly: points,
      ...partitionCounts(byPartition?.get(t.name), t.leaders.length, points),
      sample: sample?.stats ?? null,
      recordBytes: sample?.recordBytes
        ? { low: sample.recordBytes.low, high: sample.recordBytes.high }
        : null,
      fanOut: bytesOut === null || inBytes === 0 || outBytes === 0 ? null : outBytes / inBytes,
      error: null,
    };
  });
}

/**
 * The cluster as its metrics show it, where Kafka cannot be asked: every topic with records
 * in the window, its partitions (kafka_exporter's gauge, or Redpanda's partition label) and
 * the brokers that report. JMX metrics have no partitions: such a cluster needs Kafka.
 */
async function planFromMetrics(
  client: PrometheusClient,
  q: FamilyQueries,
  p: PrometheusSpec,
  spec: SourceSpec,
  end: number,
): Promise<ClusterPlan> {
  if (q.partitionRecords === null) {
    throw new Error(
      "the JMX exporter's metrics do not say how many partitions a topic has: give the " +
        'cluster\'s "bootstrap.servers" in KAFKA_CREDENTIALS so Kafka can',
    );
  }
  const start = end - spec.samplingDays * 24 * HOUR_MS;
  const series = await client.queryRange(
    q.partitionRecords,
    start / 1000 + HOUR_S,
    end / 1000,
    HOUR_S,
  );
  const partitions = new Map<string, number>();
  for (const s of series) {
    const topic = s.metric[q.topicLabel];
    const partition = Number(s.metric[q.partitionLabel!]);
    if (topic === undefined || !Number.isInteger(partition)) continue;
    partitions.set(topic, Math.max(partitions.get(topic) ?? 0, partition + 1));
  }
  if (q.family === "kafka_exporter") {
    // The exporter's own count of partitions, where it has one (idle partitions included).
    const gauge = `max by (topic) (last_over_time(${KAFKA_EXPORTER.partitions}${
      p.selector ? `{${p.selector}}` : ""
    }[1d]))`;
    for (const s of await client.query(gauge, end / 1000).catch(() => [])) {
      const topic = s.metric["topic"];
      if (topic !== undefined) partitions.set(topic, s.values[0]![1]);
    }
  }
  const reporting = q.family === "redpanda"
    ? await client.query(
      `count by (instance) (last_over_time(${REDPANDA.recordsProduced}{${REDPANDA.namespace}${
        p.selector ? `,${p.selector}` : ""
      }}[1d]))`,
      end / 1000,
    ).catch(() => [])
    : await client.query(
      `max(last_over_time(${KAFKA_EXPORTER.brokers}${p.selector ? `{${p.selector}}` : ""}[1d]))`,
      end / 1000,
    ).catch(() => []);
  const brokerCount = q.family === "redpanda"
    ? reporting.length
    : Math.round(reporting[0]?.values[0]?.[1] ?? 0);
  return {
    reportedClusterId: spec.connection.clusterId,
    brokers: Array.from({ length: brokerCount }, (_, nodeId) => ({ nodeId, host: "", port: 0 })),
    topics: [...partitions].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map((
      [name, count],
    ): TopicPlan => ({
      name,
      topicId: "",
      leaders: new Array<number>(count).fill(-1),
      // Neither is in the metrics: the window is SAMPLING_DAYS, and no compaction is assumed.
      isCompacted: false,
      retentionMs: -1,
    })),
  };
}
