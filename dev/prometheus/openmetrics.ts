// A declared workload as the metrics a Kafka cluster's exporters would have written to
// Prometheus over its history, in the OpenMetrics text format `promtool tsdb
// create-blocks-from openmetrics` backfills; and the exact ground truth those metrics carry.
//
// Three families, each with the names and labels its exporter really produces:
//
// - "jmx" / "jmx_persec": the Prometheus JMX exporter on every broker. MBeans
//   kafka.server:type=BrokerTopicMetrics,name={MessagesIn,BytesIn}PerSec[,topic=T], attribute
//   Count. The jmx_exporter's own example rules (example_configs/kafka-2_0_0.yml) and Strimzi's
//   (packaging/examples/metrics/kafka-metrics.yaml) strip "PerSec" — pattern
//   `kafka.(\w+)<type=(.+), name=(.+)PerSec\w*, (.+)=(.+)><>Count`, name `kafka_$1_$2_$3_total`,
//   `lowercaseOutputName: true` — giving counters
//   kafka_server_brokertopicmetrics_messagesin_total{topic} and ..._bytesin_total{topic}; rule
//   sets that keep the MBean name whole give ..._messagesinpersec_total / ..._bytesinpersec_total
//   (family "jmx_persec"; many dashboards use that spelling). Per broker, per topic the broker
//   leads partitions of, plus the all-topics series without a `topic` label, which must be
//   filtered out (`topic!=""`). No partition label: BrokerTopicMetrics is per topic.
// - "kafka_exporter" (danielqsj/kafka_exporter): the gauge
//   kafka_topic_partition_current_offset{topic,partition}, the partition's log end offset,
//   one exporter for the whole cluster; records only, no bytes. Also
//   kafka_topic_partitions{topic}.
// - "redpanda": Redpanda's /public_metrics (src/v/cluster/partition_probe.cc,
//   setup_public_metrics): redpanda_kafka_records_produced_total{redpanda_namespace,
//   redpanda_topic} and redpanda_kafka_request_bytes_total{redpanda_namespace,redpanda_topic,
//   redpanda_request="produce"|"consume"|…} are aggregated over shards AND partitions on each
//   broker (no partition label), and only the produce handler on a partition's leader counts
//   them — so every broker reports every topic it holds replicas of, but each counts only what
//   it led: the topic's total is the SUM over brokers (a max over brokers undercounts when
//   leaders are spread). The per-partition gauge redpanda_kafka_max_offset{redpanda_namespace,
//   redpanda_topic,redpanda_partition} (the high watermark) is reported by every replica with
//   the same value: there the max across replicas must come before the sum.
//
// Layout: one sample per series every `intervalSeconds` (default 60), on the minute grid that
// starts at the profile's first hour, so a sample falls exactly on every UTC hour end. Prometheus
// 2.x's range selectors are closed ([T − 1h, T]), so `increase(x[1h])` evaluated at an hour end
// T sees the samples at both T − 1h and T: no extrapolation (durationToStart = durationToEnd =
// 0) and the answer is exactly v(T) − v(T − 1h), counter resets included. A counter's value at
// time t counts the records with a timestamp before t, so that difference is exactly the hour's
// records. Sampling more often adds nothing but file size. (Prometheus 3 made the left edge
// open, (T − 1h, T]: there increase() extrapolates the first minute and is no longer exact.)
//
// Broker restarts (`restarts`): at a sample instant the broker's counters drop to 0 and count
// again from there, as a restarted JVM's do; the sample at the restart instant still carries
// the old value, the next `gapSeconds` of samples are missing (the broker is down), and the
// first one after counts the records since the restart. increase()/rate() see the drop as a
// reset and add it back, so the hourly answers stay exact and the ground truth is unchanged.
// Offsets (kafka_exporter, redpanda_kafka_max_offset) are log positions: a restart only leaves
// the gap in the series of the partitions the broker leads (kafka_exporter) or holds (Redpanda).
//
// Bytes: every record counts recordBytes() — its value, key and header bytes as the seeder
// writes them plus RECORD_OVERHEAD_BYTES of framing — so `bytes_h` is exact too. Records per
// hour are what the profile produced (plan.ts recordsInHour(), spread as planHour() puts
// them): equal to ground_truth.ts's recordsInLog() unless `deleteBefore` deleted some.
import {
  HOUR_MS,
  keyAndHeaderBytes,
  planHour,
  type PlannedRecord,
  recordsInHour,
} from "../workload/plan.ts";
import type { TopicProfile, WorkloadProfile } from "../workload/profile.ts";
import { plannedValueBytes } from "../workload/values.ts";

/** Record and batch framing on top of key, value and headers: the Metrics API emulator's figure. */
export const RECORD_OVERHEAD_BYTES = 70;

export const METRIC_FAMILIES = ["jmx", "jmx_persec", "kafka_exporter", "redpanda"] as const;
export type MetricFamily = typeof METRIC_FAMILIES[number];

/** The metric names each family writes (counters with their `_total`, as queried). */
export const METRIC_NAMES = {
  jmx: {
    messagesIn: "kafka_server_brokertopicmetrics_messagesin_total",
    bytesIn: "kafka_server_brokertopicmetrics_bytesin_total",
  },
  jmx_persec: {
    messagesIn: "kafka_server_brokertopicmetrics_messagesinpersec_total",
    bytesIn: "kafka_server_brokertopicmetrics_bytesinpersec_total",
  },
  kafka_exporter: {
    currentOffset: "kafka_topic_partition_current_offset",
    partitions: "kafka_topic_partitions",
  },
  redpanda: {
    recordsProduced: "redpanda_kafka_records_produced_total",
    requestBytes: "redpanda_kafka_request_bytes_total",
    maxOffset: "redpanda_kafka_max_offset",
  },
} as const;

/** The namespace Redpanda puts Kafka topics in (internal ones are "redpanda", "kafka_internal"). */
export const REDPANDA_NAMESPACE = "kafka";

export interface ExactQueries {
  /** Records per topic per hour, evaluated at UTC hour ends with step=3600; label `topic`. */
  records: string;
  /** Bytes per topic per hour, or null when the family has none (kafka_exporter). */
  bytes: string | null;
  /** Records per partition per hour (labels topic and partition), or null when the family has none (JMX). */
  partitionRecords: string | null;
  /** The label that names the topic in the answers. */
  topicLabel: string;
  /** The label that names the partition in partitionRecords' answers, or null. */
  partitionLabel: string | null;
}

/** PromQL that gives the ground truth exactly at UTC hour ends (step=3600) for a family. */
export function exactQueries(family: MetricFamily): ExactQueries {
  switch (family) {
    case "jmx":
    case "jmx_persec": {
      const n = METRIC_NAMES[family];
      return {
        records: `sum by (topic) (increase(${n.messagesIn}{topic!=""}[1h]))`,
        bytes: `sum by (topic) (increase(${n.bytesIn}{topic!=""}[1h]))`,
        partitionRecords: null,
        topicLabel: "topic",
        partitionLabel: null,
      };
    }
    case "kafka_exporter": {
      const n = METRIC_NAMES.kafka_exporter.currentOffset;
      return {
        records: `sum by (topic) (increase(${n}[1h]))`,
        bytes: null,
        partitionRecords: `sum by (topic, partition) (increase(${n}[1h]))`,
        topicLabel: "topic",
        partitionLabel: "partition",
      };
    }
    case "redpanda": {
      const n = METRIC_NAMES.redpanda;
      const ns = `redpanda_namespace="${REDPANDA_NAMESPACE}"`;
      return {
        records: `sum by (redpanda_topic) (increase(${n.recordsProduced}{${ns}}[1h]))`,
        bytes: `sum by (redpanda_topic) (increase(${n.requestBytes}{${ns},` +
          `redpanda_request="produce"}[1h]))`,
        partitionRecords: `max by (redpanda_topic, redpanda_partition) ` +
          `(increase(${n.maxOffset}{${ns}}[1h]))`,
        topicLabel: "redpanda_topic",
        partitionLabel: "redpanda_partition",
      };
    }
  }
}

export interface BrokerRestart {
  /** Broker index, 0 ≤ broker < brokers. */
  broker: number;
  /** The restart instant, epoch ms: on the sample grid, strictly inside the profile's span. */
  at: number;
}

export interface WorkloadMetricsOptions {
  family: MetricFamily;
  /** Brokers the partitions are spread over (default 3). */
  brokers?: number;
  /** Broker restarts inside the window (counters drop to 0); default none. */
  restarts?: readonly BrokerRestart[];
  /** Seconds between samples (default 60); must divide an hour. */
  intervalSeconds?: number;
  /** Seconds of missing samples after a restart (default 120); a multiple of the interval. */
  gapSeconds?: number;
  /** Redpanda's replication factor (default min(3, brokers)). */
  replicationFactor?: number;
}

export interface HourMetrics {
  hourStart: number;
  /** Records produced with a timestamp in [hourStart, hourStart + 1 h). */
  records: number;
  /** Σ recordBytes() of those records. */
  bytes: number;
}

export interface TopicMetricsTruth {
  topic: string;
  partitions: number;
  /** The broker leading each partition: its JMX and Redpanda counters carry the partition's traffic. */
  leaders: number[];
  /** The brokers holding each partition's replicas (Redpanda), the leader first. */
  replicas: number[][];
  /** Every hour of the window, oldest first, zero hours included; the query at hourStart + 1 h answers it. */
  hourly: HourMetrics[];
  /** Records per partition and hour of the window: `[partition][hour index]`. */
  partitionHourly: number[][];
  /** Σ hourly records and bytes. */
  records: number;
  bytes: number;
}

export interface MetricsTruth {
  family: MetricFamily;
  brokers: number;
  window: { start: number; end: number };
  restarts: readonly BrokerRestart[];
  topics: Map<string, TopicMetricsTruth>;
}

export interface WriteStats {
  series: number;
  samples: number;
  bytes: number;
  /** First and last sample, epoch ms. */
  minTime: number;
  maxTime: number;
}

/** Bytes a record counts for in the bytes-in metrics: key, value and headers as seeded, plus framing. */
export function recordBytes(topic: TopicProfile, r: PlannedRecord): number {
  const t = topic.traffic;
  return plannedValueBytes(t?.valueContent, r.valueBytes) + keyAndHeaderBytes(r, t?.headers ?? 0) +
    RECORD_OVERHEAD_BYTES;
}

/** Where partition `p` of the `index`-th topic leads: brokers take partitions round robin, each topic starting one further. */
export function leaderOf(index: number, partition: number, brokers: number): number {
  return (index + partition) % brokers;
}

interface TopicSeries {
  topic: TopicProfile;
  index: number;
  /** Per partition: cumulative records at every sample (records with a timestamp before it). */
  cumRecords: Float64Array[];
  cumBytes: Float64Array[];
  hasTraffic: boolean;
}

const HOUR_S = 3600;

/**
 * A profile's metrics for one family: builds the per-sample counts once, then writes the
 * OpenMetrics file and answers ground-truth questions for any window.
 */
export class WorkloadMetrics {
  readonly family: MetricFamily;
  readonly brokers: number;
  readonly replicationFactor: number;
  readonly intervalMs: number;
  readonly gapSamples: number;
  /** The first sample (the profile's first hour) and the last (the anchor), epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly restarts: readonly BrokerRestart[];
  readonly #profile: WorkloadProfile;
  readonly #anchor: number;
  readonly #samples: number;
  readonly #topics: TopicSeries[];
  /** Per broker: sample indices of its restarts, ascending. */
  readonly #restartIndex: number[][];

  constructor(profile: WorkloadProfile, anchor: number, options: WorkloadMetricsOptions) {
    if (anchor % HOUR_MS !== 0) throw new RangeError("the anchor must be a whole UTC hour");
    const intervalSeconds = options.intervalSeconds ?? 60;
    if (
      !Number.isInteger(intervalSeconds) || intervalSeconds <= 0 || HOUR_S % intervalSeconds !== 0
    ) {
      throw new RangeError(`intervalSeconds must divide an hour, got ${intervalSeconds}`);
    }
    const gapSeconds = options.gapSeconds ?? 2 * intervalSeconds;
    if (!Number.isInteger(gapSeconds / intervalSeconds) || gapSeconds < 0) {
      throw new RangeError(
        `gapSeconds must be a multiple of ${intervalSeconds}, got ${gapSeconds}`,
      );
    }
    if (!(METRIC_FAMILIES as readonly string[]).includes(options.family)) {
      throw new RangeError(
        `unknown metric family ${options.family}; one of ${METRIC_FAMILIES.join(", ")}`,
      );
    }
    this.family = options.family;
    this.brokers = options.brokers ?? 3;
    if (!Number.isInteger(this.brokers) || this.brokers < 1) {
      throw new RangeError(`brokers must be a whole number ≥ 1, got ${this.brokers}`);
    }
    this.replicationFactor = options.replicationFactor ?? Math.min(3, this.brokers);
    if (this.replicationFactor < 1 || this.replicationFactor > this.brokers) {
      throw new RangeError(`replicationFactor must be in 1..${this.brokers}`);
    }
    this.intervalMs = intervalSeconds * 1000;
    this.gapSamples = gapSeconds / intervalSeconds;
    this.#profile = profile;
    this.#anchor = anchor;
    this.start = anchor - profile.days * 24 * HOUR_MS;
    this.end = anchor;
    this.#samples = (this.end - this.start) / this.intervalMs + 1;
    this.restarts = [...(options.restarts ?? [])].sort((a, b) => a.at - b.at);
    this.#restartIndex = Array.from({ length: this.brokers }, () => [] as number[]);
    for (const r of this.restarts) this.#addRestart(r);
    this.#topics = profile.topics.map((t, index) => this.#build(t, index));
    this.#checkResetsVisible();
  }

  #addRestart(r: BrokerRestart): void {
    if (!Number.isInteger(r.broker) || r.broker < 0 || r.broker >= this.brokers) {
      throw new RangeError(
        `restart of broker ${r.broker}: there are brokers 0..${this.brokers - 1}`,
      );
    }
    const j = (r.at - this.start) / this.intervalMs;
    const at = new Date(r.at).toISOString();
    if (!Number.isInteger(j) || j <= 0 || j + this.gapSamples >= this.#samples - 1) {
      throw new RangeError(
        `restart at ${at}: must be on the ${this.intervalMs / 1000} s sample grid, after the ` +
          `first sample and with its gap before the last`,
      );
    }
    for (let g = 1; g <= this.gapSamples; g++) {
      if ((r.at + g * this.intervalMs) % HOUR_MS === 0) {
        throw new RangeError(
          `restart at ${at}: its ${this.gapSamples}-sample gap would hide the hour end ` +
            `${new Date(r.at + g * this.intervalMs).toISOString()}, where the hourly ` +
            `increase() needs a sample to be exact; restart a little earlier or later`,
        );
      }
    }
    const list = this.#restartIndex[r.broker]!;
    const last = list.at(-1);
    if (last !== undefined && j <= last + this.gapSamples) {
      throw new RangeError(`restart at ${at}: broker ${r.broker} is still down from the last one`);
    }
    list.push(j);
  }

  #build(topic: TopicProfile, index: number): TopicSeries {
    const n = this.#samples;
    const perInterval = Array.from({ length: topic.partitions }, () => new Float64Array(n));
    const perIntervalBytes = Array.from({ length: topic.partitions }, () => new Float64Array(n));
    let hasTraffic = false;
    for (let h = this.start; h < this.end; h += HOUR_MS) {
      if (recordsInHour(this.#profile, topic, this.#anchor, h) === 0) continue;
      hasTraffic = true;
      for (const r of planHour(this.#profile, topic, this.#anchor, h)) {
        // The record counts from the first sample after its timestamp on (value(t) counts ts < t).
        const k = Math.floor((r.timestamp - this.start) / this.intervalMs) + 1;
        perInterval[r.partition]![k]! += 1;
        perIntervalBytes[r.partition]![k]! += recordBytes(topic, r);
      }
    }
    const cumulate = (a: Float64Array) => {
      for (let j = 1; j < a.length; j++) a[j]! += a[j - 1]!;
      return a;
    };
    return {
      topic,
      index,
      cumRecords: perInterval.map(cumulate),
      cumBytes: perIntervalBytes.map(cumulate),
      hasTraffic,
    };
  }

  /** Throws if a restart's drop could go unseen (the counter after it not below the one before). */
  #checkResetsVisible(): void {
    for (const series of this.#counterSeries()) {
      let prev: number | undefined;
      let prevJ = -1;
      for (const [j, v] of series.samples()) {
        if (
          prev !== undefined && this.#restartIndex[series.broker]!.some((r) => r >= prevJ && r < j)
        ) {
          if (v >= prev && prev > 0) {
            throw new RangeError(
              `the restart of broker ${series.broker} before ${
                new Date(this.start + j * this.intervalMs).toISOString()
              } would not show as a counter reset (${prev} → ${v}) in ${series.name}`,
            );
          }
        }
        prev = v;
        prevJ = j;
      }
    }
  }

  /** Topic index, partition → leader broker. */
  leaderOf(topic: string, partition: number): number {
    return leaderOf(this.#topic(topic).index, partition, this.brokers);
  }

  /** The brokers holding a partition's replicas (Redpanda), the leader first. */
  replicasOf(topic: string, partition: number): number[] {
    const leader = this.leaderOf(topic, partition);
    return Array.from({ length: this.replicationFactor }, (_, i) => (leader + i) % this.brokers);
  }

  #topic(name: string): TopicSeries {
    const t = this.#topics.find((s) => s.topic.name === name);
    if (!t) throw new RangeError(`no topic ${name} in the profile`);
    return t;
  }

  /** The exact per-hour (and per-partition) ground truth over any whole-hour window (default: the profile's). */
  truth(
    window: { start: number; end: number } = { start: this.start, end: this.end },
  ): MetricsTruth {
    if (window.start % HOUR_MS !== 0 || window.end % HOUR_MS !== 0 || window.end < window.start) {
      throw new RangeError("window bounds must be whole UTC hours, start ≤ end");
    }
    const hours = (window.end - window.start) / HOUR_MS;
    const perHour = HOUR_MS / this.intervalMs;
    const topics = new Map<string, TopicMetricsTruth>();
    for (const s of this.#topics) {
      const t = s.topic;
      const hourly: HourMetrics[] = [];
      const partitionHourly = Array.from({ length: t.partitions }, () => new Array(hours).fill(0));
      for (let i = 0; i < hours; i++) {
        const hourStart = window.start + i * HOUR_MS;
        let records = 0;
        let bytes = 0;
        if (hourStart >= this.start && hourStart < this.end) {
          const a = (hourStart - this.start) / this.intervalMs;
          for (let p = 0; p < t.partitions; p++) {
            const n = s.cumRecords[p]![a + perHour]! - s.cumRecords[p]![a]!;
            partitionHourly[p]![i] = n;
            records += n;
            bytes += s.cumBytes[p]![a + perHour]! - s.cumBytes[p]![a]!;
          }
        }
        hourly.push({ hourStart, records, bytes });
      }
      const leaders = Array.from({ length: t.partitions }, (_, p) => this.leaderOf(t.name, p));
      topics.set(t.name, {
        topic: t.name,
        partitions: t.partitions,
        leaders,
        replicas: leaders.map((_, p) => this.replicasOf(t.name, p)),
        hourly,
        partitionHourly,
        records: hourly.reduce((sum, h) => sum + h.records, 0),
        bytes: hourly.reduce((sum, h) => sum + h.bytes, 0),
      });
    }
    return {
      family: this.family,
      brokers: this.brokers,
      window: { ...window },
      restarts: this.restarts,
      topics,
    };
  }

  /** Writes the OpenMetrics file for `promtool tsdb create-blocks-from openmetrics`. */
  async write(path: string): Promise<WriteStats> {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    const encoder = new TextEncoder();
    let buffer: string[] = [];
    let buffered = 0;
    let bytes = 0;
    const flush = async () => {
      const chunk = encoder.encode(buffer.join(""));
      buffer = [];
      buffered = 0;
      for (let off = 0; off < chunk.length;) off += await file.write(chunk.subarray(off));
      bytes += chunk.length;
    };
    let series = 0;
    let samples = 0;
    try {
      for (const family of this.#families()) {
        buffer.push(`# HELP ${family.name} ${family.help}\n# TYPE ${family.name} ${family.type}\n`);
        for (const s of family.series) {
          series++;
          const prefix = `${s.name}{${formatLabels(s.labels)}} `;
          for (const [j, v] of s.samples()) {
            const line = `${prefix}${v} ${(this.start + j * this.intervalMs) / 1000}\n`;
            buffer.push(line);
            buffered += line.length;
            samples++;
            if (buffered > 1 << 20) await flush();
          }
        }
      }
      buffer.push("# EOF\n");
      await flush();
    } finally {
      file.close();
    }
    return { series, samples, bytes, minTime: this.start, maxTime: this.end };
  }

  /** Every series the family writes, grouped by metric family (OpenMetrics forbids interleaving). */
  *#families(): Generator<MetricFamilyText> {
    switch (this.family) {
      case "jmx":
      case "jmx_persec": {
        const names = METRIC_NAMES[this.family];
        const counters = [...this.#counterSeries()];
        for (
          const [name, help] of [
            [
              names.messagesIn,
              "Attribute exposed for management kafka.server:type=BrokerTopicMetrics",
            ],
            [
              names.bytesIn,
              "Attribute exposed for management kafka.server:type=BrokerTopicMetrics",
            ],
          ] as const
        ) {
          yield {
            name: name.replace(/_total$/, ""),
            type: "counter",
            help,
            series: counters.filter((s) => s.name === name),
          };
        }
        return;
      }
      case "kafka_exporter": {
        const n = METRIC_NAMES.kafka_exporter;
        const labels = { instance: "kafka-exporter:9308", job: "kafka-exporter" };
        yield {
          name: n.partitions,
          type: "gauge",
          help: "Number of partitions for this Topic",
          series: this.#topics.map((s) => ({
            name: n.partitions,
            broker: -1,
            labels: { ...labels, topic: s.topic.name },
            samples: () => this.#constant(s.topic.partitions),
          })),
        };
        yield {
          name: n.currentOffset,
          type: "gauge",
          help: "Current Offset of a Broker at Topic/Partition",
          series: this.#topics.flatMap((s) =>
            s.cumRecords.map((cum, p) => {
              const broker = leaderOf(s.index, p, this.brokers);
              return {
                name: n.currentOffset,
                broker,
                labels: { ...labels, partition: String(p), topic: s.topic.name },
                samples: () => this.#gauge(cum, broker),
              };
            })
          ),
        };
        return;
      }
      case "redpanda": {
        const n = METRIC_NAMES.redpanda;
        const counters = [...this.#counterSeries()];
        yield {
          name: n.recordsProduced.replace(/_total$/, ""),
          type: "counter",
          help: "Total number of records produced",
          series: counters.filter((s) => s.name === n.recordsProduced),
        };
        yield {
          name: n.requestBytes.replace(/_total$/, ""),
          type: "counter",
          help: "Total number of bytes produced per topic",
          series: counters.filter((s) => s.name === n.requestBytes),
        };
        yield {
          name: n.maxOffset,
          type: "gauge",
          help: "Latest readable offset of the partition (i.e. high watermark)",
          series: this.#topics.flatMap((s) =>
            s.cumRecords.flatMap((cum, p) =>
              this.replicasOf(s.topic.name, p).map((broker) => ({
                name: n.maxOffset,
                broker,
                labels: {
                  ...redpandaInstance(broker),
                  redpanda_namespace: REDPANDA_NAMESPACE,
                  redpanda_partition: String(p),
                  redpanda_topic: s.topic.name,
                },
                samples: () => this.#gauge(cum, broker),
              }))
            )
          ),
        };
        return;
      }
    }
  }

  /** The family's counter series (they reset when their broker restarts). */
  *#counterSeries(): Generator<SeriesText> {
    const sumOver = (arrays: Float64Array[]) => {
      const out = new Float64Array(this.#samples);
      for (const a of arrays) for (let j = 0; j < out.length; j++) out[j]! += a[j]!;
      return out;
    };
    const led = (s: TopicSeries, b: number) =>
      s.cumRecords.map((_, p) => p).filter((p) => leaderOf(s.index, p, this.brokers) === b);
    switch (this.family) {
      case "jmx":
      case "jmx_persec": {
        const names = METRIC_NAMES[this.family];
        for (
          const [name, pick, scale] of [
            [names.messagesIn, (s: TopicSeries) => s.cumRecords, 1],
            [names.bytesIn, (s: TopicSeries) => s.cumBytes, 100],
          ] as const
        ) {
          for (let b = 0; b < this.brokers; b++) {
            const labels = { instance: `kafka-${b}:9404`, job: "kafka" };
            let allBase = 0;
            const all = new Float64Array(this.#samples);
            for (const s of this.#topics) {
              const partitions = led(s, b);
              // A broker has a topic's meter once it served a produce for it: traffic it leads.
              if (!s.hasTraffic || partitions.length === 0) continue;
              const cum = sumOver(partitions.map((p) => pick(s)[p]!));
              const base = counterBase(b, s.index) * scale;
              allBase += base;
              for (let j = 0; j < all.length; j++) all[j]! += cum[j]!;
              yield {
                name,
                broker: b,
                labels: { ...labels, topic: s.topic.name },
                samples: () => this.#counter(cum, base, b),
              };
            }
            // The all-topics meter (no `topic` label) counts every topic's traffic on the broker.
            yield { name, broker: b, labels, samples: () => this.#counter(all, allBase, b) };
          }
        }
        return;
      }
      case "redpanda": {
        const n = METRIC_NAMES.redpanda;
        for (const s of this.#topics) {
          for (let b = 0; b < this.brokers; b++) {
            const holds = s.cumRecords.some((_, p) => this.replicasOf(s.topic.name, p).includes(b));
            if (!holds) continue;
            const partitions = led(s, b);
            const records = sumOver(partitions.map((p) => s.cumRecords[p]!));
            const bytes = sumOver(partitions.map((p) => s.cumBytes[p]!));
            const base = s.hasTraffic ? counterBase(b, s.index) : 0;
            const labels = {
              ...redpandaInstance(b),
              redpanda_namespace: REDPANDA_NAMESPACE,
              redpanda_topic: s.topic.name,
            };
            yield {
              name: n.recordsProduced,
              broker: b,
              labels,
              samples: () => this.#counter(records, base, b),
            };
            yield {
              name: n.requestBytes,
              broker: b,
              labels: { ...labels, redpanda_request: "produce" },
              samples: () => this.#counter(bytes, base * 100, b),
            };
            // Two consumer groups read every record: the series a bytes query must filter out.
            const consumed = bytes.map((v) => 2 * v);
            yield {
              name: n.requestBytes,
              broker: b,
              labels: { ...labels, redpanda_request: "consume" },
              samples: () => this.#counter(consumed, base * 200, b),
            };
          }
        }
        return;
      }
      case "kafka_exporter":
        return;
    }
  }

  /** A counter: base + cum until the broker's first restart, then cum since the last restart; gaps after restarts. */
  *#counter(cum: Float64Array, base: number, broker: number): Generator<[number, number]> {
    const restarts = this.#restartIndex[broker] ?? [];
    let r = 0;
    let origin = -base;
    for (let j = 0; j < cum.length; j++) {
      if (r < restarts.length && j > restarts[r]!) {
        if (j <= restarts[r]! + this.gapSamples) continue;
        origin = cum[restarts[r]!]!;
        r++;
      }
      yield [j, cum[j]! - origin];
    }
  }

  /** A gauge that follows `cum`, with the samples of the broker's restart gaps missing. */
  *#gauge(cum: Float64Array, broker: number): Generator<[number, number]> {
    const restarts = this.#restartIndex[broker] ?? [];
    for (let j = 0; j < cum.length; j++) {
      if (restarts.some((r) => j > r && j <= r + this.gapSamples)) continue;
      yield [j, cum[j]!];
    }
  }

  *#constant(v: number): Generator<[number, number]> {
    for (let j = 0; j < this.#samples; j++) yield [j, v];
  }
}

interface SeriesText {
  name: string;
  /** The broker whose scrape the series comes from (its restarts apply), or −1. */
  broker: number;
  labels: Record<string, string>;
  /** [sample index, value], in time order. */
  samples(): Iterable<[number, number]>;
}

interface MetricFamilyText {
  /** The OpenMetrics family name (a counter's without `_total`). */
  name: string;
  type: "counter" | "gauge";
  help: string;
  series: SeriesText[];
}

/**
 * What a broker's counters stood at when the window began (it had been up for a while): large
 * enough that a restart always shows as a drop. Deterministic, distinct per broker and topic.
 */
function counterBase(broker: number, topicIndex: number): number {
  return 1_000_000 * (broker + 1) + 1_000 * topicIndex;
}

function redpandaInstance(broker: number): Record<string, string> {
  return { instance: `redpanda-${broker}:9644`, job: "redpanda" };
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([k, v]) =>
      `${k}="${v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`
    )
    .join(",");
}
