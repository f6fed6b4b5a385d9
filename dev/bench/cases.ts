// The bench's cases and the seeded topics (datasets) they run on. A dataset is seeded once
// and reused (dev/bench/seeded.ts); cases that share one share its topics.
import { DEMO_PROFILE_URL, loadProfile, type WorkloadProfile } from "../workload/profile.ts";

/** Where a dataset lives: the default broker, the 5-node bench-big cluster, or bench-rtt. */
export type Target = "default" | "big" | "rtt";

export interface Dataset {
  id: string;
  /** Topic prefix, also the CLI's TOPIC_FILTER (a substring of no other dataset's prefix). */
  prefix: string;
  target: Target;
  /** Topics produced at the same time while seeding. */
  seedConcurrency?: number;
  profile(): Promise<WorkloadProfile>;
}

export interface Case {
  id: string;
  title: string;
  dataset: Dataset;
  method: "sampling" | "metrics-api";
  /** Metrics API cases: the emulator's limit (requests a minute); null: none. */
  rateLimitPerMinute?: number | null;
  /** The latency case: runs at +0 and at +latency ms through Toxiproxy. */
  latency?: boolean;
}

const uniform = (
  count: number,
  recordsPerPartitionHour: (i: number) => number,
  extra: Record<string, string> = {},
) =>
  Array.from({ length: count }, (_, i) => ({
    name: `t${String(i).padStart(count > 1000 ? 5 : 4, "0")}`,
    partitions: 6,
    cleanupPolicy: "delete" as const,
    compression: "none" as const,
    ...(Object.keys(extra).length > 0 ? { configs: extra } : {}),
    traffic: {
      // recordsPerHour is per topic; the seeder spreads them over its partitions.
      recordsPerHour: 6 * recordsPerPartitionHour(i),
      valueBytes: { min: 80, max: 160 },
      keys: { kind: "none" as const },
      headers: 0,
    },
  }));

const profile = (description: string, seed: number, topics: ReturnType<typeof uniform>) => () =>
  Promise.resolve<WorkloadProfile>({ description, days: 7, seed, topics });

const referenceProfile = async (): Promise<WorkloadProfile> => {
  const demo = await loadProfile(DEMO_PROFILE_URL);
  return { ...demo, topics: demo.topics.filter((t) => t.name.startsWith("stock_trades")) };
};

export const DATASETS = {
  ref: { id: "ref", prefix: "bench_ref_", target: "default", profile: referenceProfile },
  scale: {
    id: "scale",
    prefix: "bench_scale_",
    target: "default",
    profile: profile("benchmark scale case", 5, uniform(1000, () => 1)),
  },
  h20: {
    id: "h20",
    prefix: "bench_h20_",
    target: "default",
    profile: profile("100 topics, 20 records/h per partition", 20, uniform(100, () => 20)),
  },
  h2: {
    id: "h2",
    prefix: "bench_h2_",
    target: "default",
    profile: profile("100 topics, 2 records/h per partition", 2, uniform(100, () => 2)),
  },
  big: {
    id: "big",
    prefix: "bench_big_",
    target: "big",
    seedConcurrency: 64,
    // Replication factor 1 on a cluster whose default min ISR is 2: each topic says 1.
    profile: profile(
      "10,000 topics: 1 record/h per partition, every 20th topic 100/h per partition",
      10,
      uniform(10_000, (i) => (i % 20 === 0 ? 100 : 1), { "min.insync.replicas": "1" }),
    ),
  },
  rtt: { id: "rtt", prefix: "bench_ref_", target: "rtt", profile: referenceProfile },
} satisfies Record<string, Dataset>;

export const CASES: Case[] = [
  {
    id: "a",
    title: "(a) README example: 2 topics × 6 partitions, ~270,000 records/day each",
    dataset: DATASETS.ref,
    method: "sampling",
  },
  {
    id: "b",
    title: "(b) 1,000 topics × 6 partitions, 7 days, 1 record/h per partition",
    dataset: DATASETS.scale,
    method: "sampling",
  },
  {
    id: "c",
    title: "(c) 100 topics × 6 partitions, 7 days, 20 records/h per partition",
    dataset: DATASETS.h20,
    method: "sampling",
  },
  {
    id: "d",
    title: "(d) 100 topics × 6 partitions, 7 days, 2 records/h per partition",
    dataset: DATASETS.h2,
    method: "sampling",
  },
  {
    id: "e",
    title: "(e) Metrics API, 100 topics (those of (c)), no rate limit",
    dataset: DATASETS.h20,
    method: "metrics-api",
    rateLimitPerMinute: null,
  },
  {
    id: "f",
    title: "(f) Metrics API, 1,000 topics (those of (b)), 300 requests/min",
    dataset: DATASETS.scale,
    method: "metrics-api",
    rateLimitPerMinute: 300,
  },
  {
    id: "g",
    title: "(g) 10,000 topics × 6 partitions on 5 brokers, 7 days, 1/h per partition, " +
      "every 20th topic 100/h",
    dataset: DATASETS.big,
    method: "sampling",
  },
  {
    id: "l",
    title: "(l) latency: (a) through Toxiproxy, +0 ms and +N ms on every response",
    dataset: DATASETS.rtt,
    method: "sampling",
    latency: true,
  },
];

/** `--cases` without the flag. */
export const DEFAULT_CASES = ["a", "b", "c", "d", "e", "f", "l"];
/** Names for groups of cases in `--cases`. */
export const CASE_ALIASES: Record<string, readonly string[]> = {
  default: DEFAULT_CASES,
  all: CASES.map((c) => c.id),
  latency: ["l"],
};
