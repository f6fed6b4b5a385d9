// A ClusterReport for the report tests, built the way the CLI builds one: hand-made
// measurements through the real model. Every value is fixed, so renders are stable.

import {
  analyzeTopic,
  DAY_MS,
  DEFAULT_MODEL_PARAMS,
  floorToHour,
  HOUR_MS,
  type HourlyPoint,
  measurementWindow,
  type RunStats,
  type SampleStats,
  summarizeCluster,
  type TopicMeasurement,
} from "../../src/model/mod.ts";
import type { ClusterReport } from "../../src/report/mod.ts";

export const MIB = 1_048_576;
/** T0: 2026-09-08T00:17:42.500Z, so E is 2026-09-08T00:00:00.000Z. */
export const T0 = Date.UTC(2026, 8, 8, 0, 17, 42, 500);
export const E = floorToHour(T0);
const BYTES_PER_RECORD = 1024;

/** Hour points over [start, E): `mibPerSecond(hourStart)` MiB/s of 1 KiB records. */
function series(start: number, mibPerSecond: (hourStart: number) => number): HourlyPoint[] {
  const points: HourlyPoint[] = [];
  for (let h = start; h < E; h += HOUR_MS) {
    const bytes = mibPerSecond(h) * MIB * 3600;
    points.push({ hourStart: h, records: bytes / BYTES_PER_RECORD, bytes });
  }
  return points;
}

function sample(records: number, keyedRecords: number): SampleStats {
  return {
    records,
    batches: Math.ceil(records / 50),
    logBytes: records * BYTES_PER_RECORD,
    batchRecords: records,
    payloadBytes: records * 800,
    keyedRecords,
  };
}

function measure(
  topic: string,
  partitions: number,
  retentionMs: number,
  rate: (hourStart: number) => number,
  extra: Partial<TopicMeasurement> = {},
): TopicMeasurement {
  const w = measurementWindow(T0, DEFAULT_MODEL_PARAMS.samplingDays, retentionMs);
  const hourly = series(w.start, rate);
  const total = hourly.reduce((sum, h) => sum + h.records, 0);
  return {
    topic,
    partitions,
    isCompacted: false,
    retentionMs,
    windowStart: w.start,
    windowEnd: w.end,
    hourly,
    partitionRecords: Array.from({ length: partitions }, () => total / partitions),
    sample: sample(1000, 0),
    error: null,
    ...extra,
  };
}

const hoursBeforeE = (h: number, n: number) => (E - h) / HOUR_MS === n;

export const MEASUREMENTS: TopicMeasurement[] = [
  // Exactly 1 MiB/s every hour of 7 days: average = peak = 1 MiB/s, needs the minimum.
  measure("steady", 6, 7 * DAY_MS, () => 1),
  // Two days of retention, 5 MiB/s with one 30 MiB/s hour: 90 MiB/s required, 9 partitions;
  // keyed, one hot partition, a tiny sample whose bytes per record are uncertain: 8 to 10
  // partitions over 900 to 1100 bytes per record.
  measure("orders", 6, 2 * DAY_MS, (h) => hoursBeforeE(h, 10) ? 30 : 5, {
    partitionRecords: [900_000, 20_000, 20_000, 20_000, 20_000, 20_000],
    sample: sample(50, 50),
    recordBytes: { low: 900, high: 1100 },
  }),
  measure("empty-topic", 3, 7 * DAY_MS, () => 0, { partitionRecords: [0, 0, 0], sample: null }),
  {
    ...measure("broken", 4, 7 * DAY_MS, () => 0),
    hourly: [],
    partitionRecords: null,
    sample: null,
    error: "Cannot describe topic: TOPIC_AUTHORIZATION_FAILED",
  },
  // Names a spreadsheet would run as formulas, and one that needs CSV quoting.
  measure('=HYPERLINK("x")', 12, 7 * DAY_MS, (h) => (E - h) / HOUR_MS <= 3 ? 0.25 : 0),
  // An interval too narrow to move the recommendation (the other topics have none, as if
  // measured exactly).
  measure("-rm", 6, 7 * DAY_MS, (h) => hoursBeforeE(h, 24) ? 2 : 0, {
    recordBytes: { low: 1000, high: 1050 },
  }),
  measure('a,b "c"', 6, -1, () => 0.5, { isCompacted: true }),
];

/**
 * A smaller cluster for the golden files (about a hundred hourly points, so a reviewer can
 * read the JSON): the interesting topics above with short windows.
 */
export const GOLDEN_MEASUREMENTS: TopicMeasurement[] = [
  ...MEASUREMENTS.filter((m) => ["orders", "broken", '=HYPERLINK("x")', "-rm"].includes(m.topic)),
  measure("idle", 3, DAY_MS, () => 0, { partitionRecords: [0, 0, 0], sample: null }),
  measure('a,b "c"', 6, 6 * HOUR_MS, () => 1, { isCompacted: true }),
];

export const RUN: RunStats = {
  elapsedTimeHours: 0.25,
  method: "sampling_records",
  requiredConsumptionThroughputFactor: 3,
  minimumRequiredThroughputThreshold: 10,
  defaultPartitionCount: 6,
  samplingBatchSize: 10000,
  samplingDays: 7,
  samplingMaxConsecutiveNulls: 50,
  samplingTimeout: 2,
  samplingMaxContinuousFailedBatches: 5,
  internalTopicsIncluded: false,
  topicFilter: null,
};

export function fixtureReport(
  overrides: Partial<ClusterReport> = {},
  measurements: readonly TopicMeasurement[] = MEASUREMENTS,
): ClusterReport {
  const topics = measurements.map((m) => analyzeTopic(m, DEFAULT_MODEL_PARAMS, { brokerCount: 3 }));
  return {
    clusterId: "lkc-test01",
    method: "sampling",
    analysisTime: T0,
    windowEnd: E,
    parameters: {
      sampling_days: 7,
      min_recommended_partitions: 6,
      min_consumption_throughput: 10 * MIB,
      required_consumption_throughput_factor: 3,
      consumer_throughput_per_partition: 10 * MIB,
      producer_throughput_per_partition: null,
      partition_rounding: "none",
      include_internal_topics: false,
      topic_filter: [],
    },
    brokerCount: 3,
    topics,
    summary: summarizeCluster(topics),
    run: RUN,
    notes: [],
    error: null,
    ...overrides,
  };
}

/** RFC 4180 parsing, enough to read our own output back the way a spreadsheet would. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Rows as objects keyed by the header. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}
