// The measurements file: every TopicMeasurement of a run, written with --save-measurements
// and read back by `--method replay --measurements FILE`, which runs the model and the reports
// on them offline with any other settings ("what if the factor were 5?"). Versioned; no
// secret and no record content can be in it (a measurement holds counts, sizes and names).
//
// {
//   "format": "kafka-partition-recommender measurements",
//   "version": 2,
//   "tool_version": "0.1.0",
//   "analysis_time": "2026-11-30T12:00:00.000Z",  // T0 of the run that measured
//   "method": "sampling",                          // how it measured
//   "clusters": [{
//     "cluster_id": "lkc-1", "broker_count": 3,
//     "error": null,                               // why the cluster could not be measured
//     "topics": [{
//       "topic": "orders", "partitions": 6, "is_compacted": false, "retention_ms": 604800000,
//       "window_start": "…", "window_end": "…",      // whole UTC hours
//       "hourly": [{ "hour_start": "…", "records": 120, "bytes": 48000 }, …],
//       "partition_records": [20, 20, …] | null,   // records per partition in the window
//       "sample": { "records", "batches", "log_bytes", "batch_records", "payload_bytes",
//                   "keyed_records" } | null,      // what a record sample read
//       "record_bytes": { "low": 395.2, "high": 404.9 } | null,  // bytes-per-record interval
//       "fan_out": 2.0 | null,                     // bytes consumed ÷ produced
//       // version 2 on (absent in version 1, read as unknown):
//       "partition_hourly": [[…], …] | null,       // records per partition per hour
//       "peak_minute": { "minute_start", "records", "bytes" } | null,
//       "distinct_keys": 37 | null,                // distinct keys in the sample
//       "consumer_groups": [{ "group_id", "state", "members", "lag" }] | null,
//       "hot_partition_ingress": true | null,      // the cluster's own hot-partition flag
//       // added later in version 2 (absent in older files, read as unknown):
//       "hot_partition_egress": false | null,      // the cluster's flag for reads
//       "error": null                              // why the topic could not be measured
//     }]
//   }]
// }
import { z } from "../deps/zod.ts";
import type { Method, TopicMeasurement } from "../model/measurement.ts";
import { HOUR_MS } from "../model/window.ts";

export const MEASUREMENTS_FORMAT = "kafka-partition-recommender measurements";
export const MEASUREMENTS_VERSION = 2;
/** Versions this release reads: 1 lacks Model v2's fields, which then stay unknown. */
const READABLE_VERSIONS: readonly number[] = [1, 2];

export interface SavedCluster {
  clusterId: string;
  brokerCount: number;
  error: string | null;
  topics: TopicMeasurement[];
}

export interface SavedRun {
  toolVersion: string;
  analysisTime: number;
  method: Method;
  clusters: SavedCluster[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function renderMeasurements(run: SavedRun): string {
  return JSON.stringify(
    {
      format: MEASUREMENTS_FORMAT,
      version: MEASUREMENTS_VERSION,
      tool_version: run.toolVersion,
      analysis_time: iso(run.analysisTime),
      method: run.method,
      clusters: run.clusters.map((c) => ({
        cluster_id: c.clusterId,
        broker_count: c.brokerCount,
        error: c.error,
        topics: c.topics.map((m) => ({
          topic: m.topic,
          partitions: m.partitions,
          is_compacted: m.isCompacted,
          retention_ms: m.retentionMs,
          window_start: iso(m.windowStart),
          window_end: iso(m.windowEnd),
          hourly: m.hourly.map((h) => ({
            hour_start: iso(h.hourStart),
            records: h.records,
            bytes: h.bytes,
          })),
          partition_records: m.partitionRecords,
          sample: m.sample === null ? null : {
            records: m.sample.records,
            batches: m.sample.batches,
            log_bytes: m.sample.logBytes,
            batch_records: m.sample.batchRecords,
            payload_bytes: m.sample.payloadBytes,
            keyed_records: m.sample.keyedRecords,
          },
          record_bytes: m.recordBytes ?? null,
          fan_out: m.fanOut ?? null,
          partition_hourly: m.partitionHourly ?? null,
          peak_minute: m.peakMinute
            ? {
              minute_start: new Date(m.peakMinute.minuteStart).toISOString(),
              records: m.peakMinute.records,
              bytes: m.peakMinute.bytes,
            }
            : null,
          distinct_keys: m.distinctKeys ?? null,
          consumer_groups: m.consumerGroups?.map((g) => ({
            group_id: g.groupId,
            state: g.state,
            members: g.members,
            lag: g.lag,
          })) ?? null,
          hot_partition_ingress: m.hotPartitionIngress ?? null,
          hot_partition_egress: m.hotPartitionEgress ?? null,
          error: m.error,
        })),
      })),
    },
    null,
    1,
  ) + "\n";
}

const hourStart = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)).refine(
  (ms) => ms % HOUR_MS === 0,
  "not a whole UTC hour",
);
const count = z.number().finite().nonnegative();

const fileSchema = z.object({
  format: z.literal(MEASUREMENTS_FORMAT),
  version: z.number().int(),
  tool_version: z.string(),
  analysis_time: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  method: z.enum(["sampling", "metrics_api", "prometheus", "replay"]),
  clusters: z.array(z.object({
    cluster_id: z.string().min(1),
    broker_count: z.number().int().nonnegative(),
    error: z.string().nullable(),
    topics: z.array(z.object({
      topic: z.string().min(1),
      partitions: z.number().int().nonnegative(),
      is_compacted: z.boolean(),
      retention_ms: z.number().int(),
      window_start: hourStart,
      window_end: hourStart,
      hourly: z.array(z.object({ hour_start: hourStart, records: count, bytes: count })),
      partition_records: z.array(count).nullable(),
      sample: z.object({
        records: count,
        batches: count,
        log_bytes: count,
        batch_records: count,
        payload_bytes: count,
        keyed_records: count,
      }).nullable(),
      record_bytes: z.object({ low: count, high: count }).nullable(),
      fan_out: count.nullable(),
      // Version 2 on.
      partition_hourly: z.array(z.array(count)).nullable().optional(),
      peak_minute: z.object({
        minute_start: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
        records: count,
        bytes: count,
      }).nullable().optional(),
      distinct_keys: count.nullable().optional(),
      consumer_groups: z.array(z.object({
        group_id: z.string(),
        state: z.string(),
        members: z.number().int().nonnegative(),
        lag: count.nullable(),
      })).nullable().optional(),
      hot_partition_ingress: z.boolean().nullable().optional(),
      // Added within version 2, without a version bump: readers that predate it ignore it.
      hot_partition_egress: z.boolean().nullable().optional(),
      error: z.string().nullable(),
    })),
  })),
});

/** A problem with a measurements file, for the user to fix (the CLI exits 2). */
export class MeasurementsFileError extends Error {
  override name = "MeasurementsFileError";
}

/** Parses a measurements file's text; `name` names it in errors. */
export function parseMeasurements(text: string, name: string): SavedRun {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MeasurementsFileError(
      `${name} is not JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const kind = (json as { format?: unknown })?.format;
  if (kind !== MEASUREMENTS_FORMAT) {
    throw new MeasurementsFileError(
      `${name} is not a measurements file (write one with --save-measurements FILE)`,
    );
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version !== "number" || !READABLE_VERSIONS.includes(version)) {
    throw new MeasurementsFileError(
      `${name} is version ${String(version)} of the measurements format; this release reads ` +
        `versions ${READABLE_VERSIONS.join(" and ")}`,
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) =>
      `${i.path.join(".") || "(top)"}: ${i.message}`
    );
    throw new MeasurementsFileError(`${name} is damaged: ${problems.join("; ")}`);
  }
  const f = parsed.data;
  return {
    toolVersion: f.tool_version,
    analysisTime: f.analysis_time,
    method: f.method,
    clusters: f.clusters.map((c) => ({
      clusterId: c.cluster_id,
      brokerCount: c.broker_count,
      error: c.error,
      topics: c.topics.map((t): TopicMeasurement => ({
        topic: t.topic,
        partitions: t.partitions,
        isCompacted: t.is_compacted,
        retentionMs: t.retention_ms,
        windowStart: t.window_start,
        windowEnd: t.window_end,
        hourly: t.hourly.map((h) => ({
          hourStart: h.hour_start,
          records: h.records,
          bytes: h.bytes,
        })),
        partitionRecords: t.partition_records,
        sample: t.sample === null ? null : {
          records: t.sample.records,
          batches: t.sample.batches,
          logBytes: t.sample.log_bytes,
          batchRecords: t.sample.batch_records,
          payloadBytes: t.sample.payload_bytes,
          keyedRecords: t.sample.keyed_records,
        },
        recordBytes: t.record_bytes,
        fanOut: t.fan_out,
        partitionHourly: t.partition_hourly ?? null,
        peakMinute: t.peak_minute
          ? {
            minuteStart: t.peak_minute.minute_start,
            records: t.peak_minute.records,
            bytes: t.peak_minute.bytes,
          }
          : null,
        distinctKeys: t.distinct_keys ?? null,
        consumerGroups: t.consumer_groups?.map((g) => ({
          groupId: g.group_id,
          state: g.state,
          members: g.members,
          lag: g.lag,
        })) ?? null,
        hotPartitionIngress: t.hot_partition_ingress ?? null,
        hotPartitionEgress: t.hot_partition_egress ?? null,
        error: t.error,
      })),
    })),
  };
}
