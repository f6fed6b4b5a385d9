// The emulator's data: every metric's value for any UTC-aligned bucket, derived from the same
// workload profile and record plan the seeder writes. Records per hour are the profile's
// (recordsInHour); inside an hour they are counted where the plan puts their timestamps (a
// burst in the plan is a burst here), so minute buckets add up to the hour exactly. Buckets
// finer than an hour are served only while minute data is retained (`minuteRetentionMs`
// before the emulator clock). The hot-partition flags are 1 in a bucket when, in an hour it
// overlaps, a partition of the topic (or the partition asked for) was hot, and absent
// otherwise: hot as declared (`hotPartitions`), or for ingress by default as the plan has it
// (a partition received more than twice the mean of the topic's partitions that hour:
// model.md's rule; topics of ≥ 3 partitions). Only a Dedicated cluster has the flags and
// `dedicated_cku_count`; other cluster types have no data for them.
import { HOUR_MS, planHour, recordsInHour } from "../workload/plan.ts";
import type { TopicProfile, WorkloadProfile } from "../workload/profile.ts";
import { CLUSTER_FIELD, matches } from "./_filter.ts";
import { mergeIntervals } from "./_interval.ts";
import { DEDICATED_ONLY } from "./_metrics.ts";
import type { Agg, Query } from "./_query.ts";

/** Record and batch framing on top of key, value and headers (v2 record batches). */
export const RECORD_OVERHEAD_BYTES = 70;
const DEFAULT_RETENTION_MS = 7 * 24 * HOUR_MS;
const MINUTE_MS = 60_000;
/** How long minute data is kept by default: the spec's "data is kept about 7 days". */
export const DEFAULT_MINUTE_RETENTION_MS = 7 * 24 * HOUR_MS;
/** model.md, Hot partitions: a partition is hot above this multiple of the topic's mean... */
export const HOT_PARTITION_FACTOR = 2;
/** ...in topics of at least this many partitions. */
export const HOT_PARTITION_MIN_PARTITIONS = 3;
/** dedicated_cku_count of a Dedicated cluster unless told otherwise. */
export const DEFAULT_CKUS = 2;
/** Planned records kept in memory at once (12 bytes each: a timestamp and a partition). */
const PLAN_CACHE_RECORDS = 4_000_000;

/**
 * The default bytes per record of a topic: the mean planned value size, the mean key and
 * header bytes the seeder writes, plus RECORD_OVERHEAD_BYTES; a whole number. It ignores
 * compression, so for compressed topics it overstates what the broker stores.
 */
export function defaultBytesPerRecord(topic: TopicProfile): number {
  const t = topic.traffic;
  if (!t) return RECORD_OVERHEAD_BYTES;
  const value = (t.valueBytes.min + t.valueBytes.max) / 2;
  const key = t.keys.kind === "none" ? 0 : `key-${Math.floor(t.keys.cardinality / 2)}`.length;
  // The seeder writes header `h<i>` = "seed" on every record.
  const headers = t.headers * (2 + String(t.headers).length + 4);
  return Math.round(value + key + headers + RECORD_OVERHEAD_BYTES);
}

/** The default consumer fan-out: two groups read keyed topics, one reads the rest. */
export function defaultFanOut(topic: TopicProfile): number {
  return (topic.traffic?.keys.kind ?? "none") === "none" ? 1 : 2;
}

export interface Point {
  /** Bucket start, epoch milliseconds. */
  start: number;
  value: number;
}

export interface Group {
  /** The group_by labels and their values (empty without group_by). */
  labels: Record<string, string>;
  /** Oldest first; only buckets with data. */
  points: Point[];
}

interface Series {
  labels: Record<string, string>;
  topic: TopicProfile | null;
  partition: number | null;
}

interface Bucket {
  start: number;
  parts: [number, number][];
}

/** One hour of one topic's planned records, sorted by timestamp. */
interface HourPlan {
  timestamps: Float64Array;
  partitions: Int32Array;
}

/** Partitions of a topic that a hot-partition flag names as hot in some UTC hours. */
export interface HotPartitions {
  topic: string;
  partitions: readonly number[];
  /** Start of each UTC hour (epoch ms) in which they are hot. */
  hours: readonly number[];
}

export type HotFlag = "hot_partition_ingress" | "hot_partition_egress";
/** topic → hour → hot partitions. */
type HotTable = Map<string, Map<number, Set<number>>>;
const NONE: ReadonlySet<number> = new Set();

export interface ProfileMetricsOptions {
  profile: WorkloadProfile;
  anchor: number;
  clusterId: string;
  bytesPerRecord: Readonly<Record<string, number>>;
  fanOut: Readonly<Record<string, number>>;
  /**
   * How long before `clock()` buckets finer than an hour (PT1M to PT30M) still have data;
   * null keeps minute data for ever. Hourly and coarser buckets are not cut.
   */
  minuteRetentionMs: number | null;
  clock: () => number;
  /** A Dedicated cluster publishes DEDICATED_ONLY's metrics; other types have no data for them. */
  dedicated: boolean;
  /** dedicated_cku_count's value. */
  ckus: number;
  /**
   * Hot partitions per flag, exactly as listed. Absent: ingress follows the plan (model.md's
   * rule), egress has none.
   */
  hotPartitions: { ingress?: readonly HotPartitions[]; egress?: readonly HotPartitions[] };
}

export class ProfileMetrics {
  readonly #profile: WorkloadProfile;
  readonly #anchor: number;
  readonly #clusterId: string;
  readonly #first: number;
  readonly #minuteRetentionMs: number | null;
  readonly #clock: () => number;
  readonly #bytesPerRecord = new Map<string, number>();
  readonly #fanOut = new Map<string, number>();
  /** Per topic: prefix sums of records per profile hour. */
  readonly #prefix = new Map<string, number[]>();
  /** Per topic and hour: the planned records' timestamps and partitions (bounded). */
  readonly #plans = new Map<string, HourPlan>();
  #planRecords = 0;
  /** Per topic and hour: the partitions the plan makes hot in it. */
  readonly #hot = new Map<string, ReadonlySet<number>>();
  readonly #dedicated: boolean;
  readonly #ckus: number;
  /** Declared hot partitions per flag; a flag absent here follows the plan. */
  readonly #declared = new Map<HotFlag, HotTable>();

  constructor(options: ProfileMetricsOptions) {
    if (options.anchor % HOUR_MS !== 0) throw new RangeError("the anchor must be a whole UTC hour");
    this.#profile = options.profile;
    this.#anchor = options.anchor;
    this.#clusterId = options.clusterId;
    this.#first = options.anchor - options.profile.days * 24 * HOUR_MS;
    if (options.minuteRetentionMs !== null && !(options.minuteRetentionMs > 0)) {
      throw new RangeError(`minute retention must be > 0 ms, got ${options.minuteRetentionMs}`);
    }
    this.#minuteRetentionMs = options.minuteRetentionMs;
    this.#clock = options.clock;
    for (const t of options.profile.topics) {
      this.#bytesPerRecord.set(t.name, options.bytesPerRecord[t.name] ?? defaultBytesPerRecord(t));
      this.#fanOut.set(t.name, options.fanOut[t.name] ?? defaultFanOut(t));
    }
    this.#dedicated = options.dedicated;
    if (!(options.ckus > 0)) throw new RangeError(`CKUs must be > 0, got ${options.ckus}`);
    this.#ckus = options.ckus;
    const { ingress, egress } = options.hotPartitions;
    if (ingress) this.#declared.set("hot_partition_ingress", hotTable(options.profile, ingress));
    this.#declared.set("hot_partition_egress", hotTable(options.profile, egress ?? []));
  }

  bytesPerRecord(topic: string): number {
    return this.#bytesPerRecord.get(topic) ?? RECORD_OVERHEAD_BYTES;
  }

  setBytesPerRecord(topic: string, n: number): void {
    if (!(n >= 0)) throw new RangeError(`bytes per record must be ≥ 0, got ${n}`);
    this.#bytesPerRecord.set(topic, n);
  }

  fanOut(topic: string): number {
    return this.#fanOut.get(topic) ?? 1;
  }

  /** Every group with data, in page order: by label values, or by value (largest first) for ALL. */
  evaluate(query: Query): Group[] {
    const buckets = this.#buckets(query);
    if (buckets.length === 0) return [];
    const groups = new Map<
      string,
      { labels: Record<string, string>; values: Map<number, number> }
    >();
    for (const s of this.#series(query)) {
      const key = query.groupBy.map((l) => s.labels[l] ?? "").join("\u0000");
      let g = groups.get(key);
      for (const b of buckets) {
        const v = this.#value(query, s, b);
        if (v === null) continue;
        if (!g) {
          g = {
            labels: Object.fromEntries(query.groupBy.map((l) => [l, s.labels[l] ?? ""])),
            values: new Map(),
          };
          groups.set(key, g);
        }
        const prev = g.values.get(b.start);
        // A flag is 1 wherever any series of the group raised it, whatever the aggregation.
        const agg = query.metric.kind === "flag" ? "MAX" : query.agg;
        g.values.set(b.start, prev === undefined ? v : combine(agg, prev, v));
      }
    }
    const out: Group[] = [...groups.values()].map((g) => ({
      labels: g.labels,
      points: [...g.values].sort((a, b) => a[0] - b[0]).map(([start, value]) => ({ start, value })),
    }));
    const byLabels = (a: Group, b: Group) => compareLabels(query.groupBy, a.labels, b.labels);
    if (query.bucketMs === null) {
      out.sort((a, b) => (b.points[0]?.value ?? 0) - (a.points[0]?.value ?? 0) || byLabels(a, b));
    } else out.sort(byLabels);
    return out;
  }

  /** UTC-aligned buckets over the query's intervals, clipped to where data exists. */
  #buckets(query: Query): Bucket[] {
    const merged = mergeIntervals(query.intervals);
    const first = Math.max(this.#first, this.#minuteDataStart(query));
    const clipped = merged
      .map((i) => [Math.max(i.start, first), Math.min(i.end, this.#anchor)] as [number, number])
      .filter(([s, e]) => s < e);
    if (clipped.length === 0) return [];
    const size = query.bucketMs;
    if (size === null) return [{ start: merged[0]!.start, parts: clipped }];
    const buckets = new Map<number, Bucket>();
    for (const [s, e] of clipped) {
      for (let b = Math.floor(s / size) * size; b < e; b += size) {
        let bucket = buckets.get(b);
        if (!bucket) buckets.set(b, bucket = { start: b, parts: [] });
        bucket.parts.push([Math.max(b, s), Math.min(b + size, e)]);
      }
    }
    return [...buckets.values()].sort((a, b) => a.start - b.start);
  }

  /**
   * The first instant minute data is still held for (the start of the oldest minute not older
   * than the retention), for buckets finer than an hour; -Infinity otherwise.
   */
  #minuteDataStart(query: Query): number {
    if (this.#minuteRetentionMs === null || query.bucketMs === null) return -Infinity;
    if (query.bucketMs >= HOUR_MS) return -Infinity;
    return Math.ceil((this.#clock() - this.#minuteRetentionMs) / MINUTE_MS) * MINUTE_MS;
  }

  #series(query: Query): Series[] {
    const cluster: Record<string, string> = { [CLUSTER_FIELD]: this.#clusterId };
    let all: Series[];
    if (query.metric.labels.length === 0) {
      all = [{ labels: cluster, topic: null, partition: null }];
    } else {
      all = this.#profile.topics.flatMap((t): Series[] =>
        query.perPartition && query.metric.labels.includes("metric.partition")
          ? Array.from({ length: t.partitions }, (_, p) => ({
            labels: { ...cluster, "metric.topic": t.name, "metric.partition": String(p) },
            topic: t,
            partition: p,
          }))
          : [{ labels: { ...cluster, "metric.topic": t.name }, topic: t, partition: null }]
      );
    }
    return query.filter ? all.filter((s) => matches(query.filter!, s.labels)) : all;
  }

  /** A series' value in one bucket, or null when it has no data there. */
  #value(query: Query, s: Series, b: Bucket): number | null {
    const metric = query.metric.name;
    if (metric === "partition_count") {
      return this.#profile.topics.reduce((sum, t) => sum + t.partitions, 0);
    }
    if (!this.#dedicated && DEDICATED_ONLY.has(metric)) return null;
    if (metric === "dedicated_cku_count") return this.#ckus;
    const topic = s.topic!;
    if (metric === "hot_partition_ingress" || metric === "hot_partition_egress") {
      const hours = new Set(b.parts.flatMap(([x, y]) => hoursOf(x, y)));
      for (const h of hours) if (this.hotIn(metric, topic, s.partition, h)) return 1;
      return null;
    }
    if (metric === "retained_bytes") {
      const hours = new Set(b.parts.flatMap(([x, y]) => hoursOf(x, y)));
      let sum = 0;
      for (const h of hours) sum += this.#retainedRecords(topic, s.partition, h);
      const v = (sum / hours.size) * this.bytesPerRecord(topic.name);
      return v > 0 ? v : null;
    }
    let records = 0;
    for (const [x, y] of b.parts) records += this.recordsBetween(topic, s.partition, x, y);
    if (records === 0) return null;
    const bytes = metric.endsWith("_bytes") ? this.bytesPerRecord(topic.name) : 1;
    const fan = metric.startsWith("sent_") ? this.fanOut(topic.name) : 1;
    return records * bytes * fan;
  }

  /** Records still stored at the end of hour `h` (retention.ms, default 7 days). */
  #retainedRecords(topic: TopicProfile, partition: number | null, h: number): number {
    const end = Math.min(h + HOUR_MS, this.#anchor);
    const retention = topic.retentionMs ?? DEFAULT_RETENTION_MS;
    const start = retention < 0 ? this.#first : Math.max(this.#first, end - retention);
    return start < end ? this.recordsBetween(topic, partition, start, end) : 0;
  }

  /** Records of a topic (or one partition) with a timestamp in [a, b). */
  recordsBetween(topic: TopicProfile, partition: number | null, a: number, b: number): number {
    let total = 0;
    for (let h = Math.floor(a / HOUR_MS) * HOUR_MS; h < b; h += HOUR_MS) {
      const lo = Math.max(a, h);
      const hi = Math.min(b, h + HOUR_MS);
      if (partition === null && lo === h && hi === h + HOUR_MS) {
        const whole = Math.floor((b - h) / HOUR_MS);
        total += this.#wholeHours(topic, h, whole);
        h += (whole - 1) * HOUR_MS;
        continue;
      }
      if (recordsInHour(this.#profile, topic, this.#anchor, h) === 0) continue;
      // Part of an hour, or one partition: count the plan's own timestamps.
      const plan = this.#plan(topic, h);
      if (partition === null) {
        total += lowerBound(plan.timestamps, hi) - lowerBound(plan.timestamps, lo);
      } else {
        for (let i = lowerBound(plan.timestamps, lo); i < plan.timestamps.length; i++) {
          if (plan.timestamps[i]! >= hi) break;
          if (plan.partitions[i] === partition) total++;
        }
      }
    }
    return total;
  }

  /**
   * Whether a flag names `partition` of a topic (any of its partitions, when null) hot in the
   * UTC hour `h`: as declared, or as the plan has it (ingress without a declaration).
   */
  hotIn(metric: HotFlag, topic: TopicProfile, partition: number | null, h: number) {
    const declared = this.#declared.get(metric);
    const hot = declared ? declared.get(topic.name)?.get(h) ?? NONE : this.#plannedHot(topic, h);
    return partition === null ? hot.size > 0 : hot.has(partition);
  }

  /**
   * model.md's hot-partition rule for one hour of a topic: the partitions that received more
   * than HOT_PARTITION_FACTOR × the mean of the topic's partitions that hour (≥ 3 partitions).
   */
  #plannedHot(topic: TopicProfile, h: number): ReadonlySet<number> {
    if (topic.partitions < HOT_PARTITION_MIN_PARTITIONS) return NONE;
    if (recordsInHour(this.#profile, topic, this.#anchor, h) === 0) return NONE;
    const key = `${topic.name}\u0000${h}`;
    let hot = this.#hot.get(key);
    if (hot === undefined) {
      const counts = new Array<number>(topic.partitions).fill(0);
      const plan = this.#plan(topic, h);
      for (const p of plan.partitions) counts[p] = (counts[p] ?? 0) + 1;
      const mean = plan.partitions.length / topic.partitions;
      hot = new Set(counts.flatMap((c, p) => c > HOT_PARTITION_FACTOR * mean ? [p] : []));
      this.#hot.set(key, hot);
    }
    return hot;
  }

  /** Records in `count` whole hours from `h`, via per-topic prefix sums. */
  #wholeHours(topic: TopicProfile, h: number, count: number): number {
    let prefix = this.#prefix.get(topic.name);
    if (!prefix) {
      const hours = this.#profile.days * 24;
      prefix = [0];
      for (let i = 0; i < hours; i++) {
        prefix.push(
          prefix[i]! + recordsInHour(this.#profile, topic, this.#anchor, this.#first + i * HOUR_MS),
        );
      }
      this.#prefix.set(topic.name, prefix);
    }
    const last = prefix.length - 1;
    const from = Math.min(last, Math.max(0, (h - this.#first) / HOUR_MS));
    const to = Math.min(last, Math.max(0, (h - this.#first) / HOUR_MS + count));
    return prefix[to]! - prefix[from]!;
  }

  /** The hour's planned records, sorted by timestamp; the latest hours asked are cached. */
  #plan(topic: TopicProfile, h: number): HourPlan {
    const key = `${topic.name}\u0000${h}`;
    let plan = this.#plans.get(key);
    if (plan) return plan;
    const records = planHour(this.#profile, topic, this.#anchor, h);
    const order = records.map((_, i) => i).sort((x, y) =>
      records[x]!.timestamp - records[y]!.timestamp
    );
    plan = {
      timestamps: Float64Array.from(order, (i) => records[i]!.timestamp),
      partitions: Int32Array.from(order, (i) => records[i]!.partition),
    };
    // Forget the oldest hours first, so a long run over a big profile stays bounded.
    for (const [old, cached] of this.#plans) {
      if (this.#planRecords + records.length <= PLAN_CACHE_RECORDS) break;
      this.#plans.delete(old);
      this.#planRecords -= cached.timestamps.length;
    }
    this.#plans.set(key, plan);
    this.#planRecords += records.length;
    return plan;
  }
}

/** Declared hot partitions as topic → hour → partitions, checked against the profile. */
function hotTable(profile: WorkloadProfile, list: readonly HotPartitions[]): HotTable {
  const table: HotTable = new Map();
  for (const d of list) {
    const topic = profile.topics.find((t) => t.name === d.topic);
    if (!topic) throw new RangeError(`hot partitions: the profile has no topic "${d.topic}"`);
    for (const p of d.partitions) {
      if (!Number.isInteger(p) || p < 0 || p >= topic.partitions) {
        throw new RangeError(
          `hot partitions: "${d.topic}" has partitions 0 to ${topic.partitions - 1}, not ${p}`,
        );
      }
    }
    let hours = table.get(d.topic);
    if (!hours) table.set(d.topic, hours = new Map());
    for (const h of d.hours) {
      if (h % HOUR_MS !== 0) throw new RangeError(`hot partitions: ${h} is not a whole UTC hour`);
      let hot = hours.get(h);
      if (!hot) hours.set(h, hot = new Set());
      for (const p of d.partitions) hot.add(p);
    }
  }
  return table;
}

/** The index of the first element of a sorted array that is ≥ `x`. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hoursOf(a: number, b: number): number[] {
  const out: number[] = [];
  for (let h = Math.floor(a / HOUR_MS) * HOUR_MS; h < b; h += HOUR_MS) out.push(h);
  return out;
}

function combine(agg: Agg, a: number, b: number): number {
  return agg === "SUM" ? a + b : agg === "MIN" ? Math.min(a, b) : Math.max(a, b);
}

/** Label tuples in order; numeric labels (partitions) compare as numbers. */
function compareLabels(
  names: readonly string[],
  a: Record<string, string>,
  b: Record<string, string>,
): number {
  for (const n of names) {
    const x = a[n] ?? "";
    const y = b[n] ?? "";
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (x !== "" && y !== "" && Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}
