// The declared test workload: a JSON profile of topics and their hour-by-hour traffic over
// the past days. The seeder writes it to a broker and ground_truth.ts derives from it the
// exact counts that tests compare the analyzer with.
import { z } from "../../src/deps/zod.ts";
import { maxValueBytes } from "./sizes.ts";

/** The broker's default message.max.bytes: the limit of a topic that sets no max.message.bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** Room a value must leave under max.message.bytes for the batch header and its record's framing. */
export const RECORD_HEADROOM_BYTES = 1024;

const keys = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("uniform"), cardinality: z.number().int().min(1) }),
  z.object({
    kind: z.literal("hot"),
    cardinality: z.number().int().min(2),
    /** Share of records that carry the one hot key, 0..1. */
    hotShare: z.number().min(0).max(1),
  }),
]);

const size = z.number().int().min(1);
const valueBytes = z.discriminatedUnion("distribution", [
  z.object({ distribution: z.literal("uniform").optional(), min: size, max: size })
    .refine((v) => v.min <= v.max, { message: "min must not exceed max" }),
  z.object({
    distribution: z.literal("bimodal"),
    /** Small sizes, uniform in [min, max]. */
    min: size,
    max: size,
    /** Large sizes, uniform in [largeMin, largeMax]. */
    largeMin: size,
    largeMax: size,
    /** Share of records with a large size, 0..1. */
    largeShare: z.number().min(0).max(1),
  }).refine((v) => v.min <= v.max && v.largeMin <= v.largeMax, {
    message: "min must not exceed max, nor largeMin largeMax",
  }),
  z.object({
    distribution: z.literal("pareto"),
    /** The scale: the smallest size, and the most frequent. */
    min: size,
    /** The tail is truncated here. */
    max: size,
    /** The tail index α: P(size > x) ∝ (min / x)^α; smaller is heavier. */
    shape: z.number().positive().max(100),
  }).refine((v) => v.min <= v.max, { message: "min must not exceed max" }),
], { error: "distribution must be uniform (the default), bimodal or pareto" });

/**
 * Mixed batch sizes: in every hour of every partition, a share of the records is written as
 * one-record batches (each record alone for its partition in its produce request), the rest in
 * as few batches of at most `batchRecords` as it takes; the two kinds interleaved at random.
 */
const batching = z.object({
  /** Share of the records written as one-record batches, 0..1 (rounded at random to whole records). */
  oneRecordShare: z.number().min(0).max(1),
  /** Most records in one of the other batches; they share the rest evenly (and stay under max.message.bytes). */
  batchRecords: z.number().int().min(2).max(100_000),
});

/**
 * A minute-level burst: in every hour it applies to, a `share` of the hour's records fall in
 * its `minute` (spread evenly inside that minute) instead of being spread evenly over the
 * hour with the rest. Which hours: `hoursAgo` alone, the one hour starting that many hours
 * before the anchor (1 = the last hour of the profile); `hourUtc`, that hour of every UTC day;
 * neither, every hour. See plan.ts burstsInHour() and hourTimestamps().
 */
const minuteBurst = z.object({
  hoursAgo: z.number().int().min(1).optional(),
  hourUtc: z.number().int().min(0).max(23).optional(),
  /** The minute of the hour, 0..59. */
  minute: z.number().int().min(0).max(59),
  /** Share of the hour's records (0, 1]; records rounded to whole ones (plan.ts). */
  share: z.number().positive().max(1),
}).refine((b) => b.hoursAgo === undefined || b.hourUtc === undefined, {
  message: "give hoursAgo (one hour) or hourUtc (that hour of every day), not both",
});

const traffic = z.object({
  /** Traffic only in the last `days` days of the profile (default: all of it). */
  days: z.number().positive().optional(),
  /** Records in an ordinary hour. */
  recordsPerHour: z.number().int().min(0),
  /** One busy hour of the UTC day, `multiplier` times an ordinary hour. */
  dailyPeak: z.object({
    hourUtc: z.number().int().min(0).max(23),
    multiplier: z.number().positive(),
  }).optional(),
  /** Day-over-day growth, e.g. 0.05 for +5% a day; makes the latest peak the unique busiest hour. */
  growthPerDay: z.number().min(0).optional(),
  /** Value sizes in bytes: see sizes.ts for each distribution. */
  valueBytes,
  /**
   * What the values hold (default "trade"): "trade" is a stock-trade JSON object padded with
   * "note-123 " words (what every profile wrote before this option; the codecs compress a
   * batch of it ~5×); "random" is random bytes (incompressible: a compressed batch is no
   * smaller than its records); "compressible" is one short word repeated (a compressed batch
   * is tens of times smaller than its records).
   */
  valueContent: z.enum(["trade", "random", "compressible"]).optional(),
  keys: keys.default({ kind: "none" }),
  /** Headers per record. */
  headers: z.number().int().min(0).max(16).default(0),
  /**
   * Bursts inside hours (absent: every hour's records spread evenly over it). Shares of the
   * bursts that apply to one hour must not add up to more than 1.
   */
  minuteBursts: z.array(minuteBurst).optional(),
});

const topic = z.object({
  name: z.string().min(1).max(249).regex(/^[a-zA-Z0-9._-]+$/, {
    message: "a Kafka topic name uses only letters, digits, '.', '_' and '-'",
  }),
  /**
   * The name the record plan is generated under (default: `name`). withTopicPrefix() keeps
   * the unprefixed name here, so a prefixed copy plans the same records as the original: a
   * plan depends on the profile, its seed and the anchor hour only.
   */
  planName: z.string().min(1).optional(),
  partitions: z.number().int().min(1).max(1000),
  cleanupPolicy: z.enum(["delete", "compact"]).default("delete"),
  retentionMs: z.number().int().min(-1).optional(),
  compression: z.enum(["none", "gzip", "snappy", "lz4", "zstd"]).default("none"),
  /**
   * Further topic configs passed to CreateTopics as they are, e.g. `"max.message.bytes":
   * "2097152"`, `"segment.bytes": "1048576"`, `"segment.ms": "3600000"` (cleanup.policy and
   * retention.ms have their own fields).
   */
  configs: z.record(z.string().min(1), z.union([z.string(), z.number()])).optional(),
  /** Absent: one batch per partition per produce request of ~512 KiB, as a busy producer writes. */
  batching: batching.optional(),
  /**
   * After seeding, DeleteRecords on every partition at its first record with a timestamp ≥
   * anchor − hoursAgo hours, as retention does when a segment ends there. A fractional
   * `hoursAgo` (30.5) puts the log start inside an hour: that hour is partial.
   */
  deleteBefore: z.object({ hoursAgo: z.number().positive() }).optional(),
  /** Absent: the topic is created and left empty. */
  traffic: traffic.optional(),
});

export const profileSchema = z.object({
  description: z.string().optional(),
  /** Hours of history: the profile covers `days` × 24 complete UTC hours before the anchor. */
  days: z.number().int().min(1).max(30),
  /** Seed of the deterministic generator; a different seed gives different keys and sizes. */
  seed: z.number().int().default(1),
  topics: z.array(topic).min(1),
}).superRefine((p, ctx) => {
  const seen = new Set<string>();
  p.topics.forEach((t, i) => {
    if (seen.has(t.name)) {
      ctx.addIssue({ code: "custom", path: ["topics", i, "name"], message: "duplicate topic" });
    }
    seen.add(t.name);
    if (t.traffic?.days !== undefined && t.traffic.days > p.days) {
      ctx.addIssue({
        code: "custom",
        path: ["topics", i, "traffic", "days"],
        message: `must not exceed the profile's days (${p.days})`,
      });
    }
    if (t.cleanupPolicy === "compact" && t.traffic && t.traffic.keys.kind === "none") {
      ctx.addIssue({
        code: "custom",
        path: ["topics", i, "traffic", "keys"],
        message: "a compacted topic needs keyed records",
      });
    }
    for (const name of ["cleanup.policy", "retention.ms"]) {
      if (t.configs?.[name] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["topics", i, "configs", name],
          message: `use the topic's ${
            name === "retention.ms" ? "retentionMs" : "cleanupPolicy"
          } field`,
        });
      }
    }
    const limit = maxMessageBytes(t);
    if (!Number.isSafeInteger(limit) || limit < 1024) {
      ctx.addIssue({
        code: "custom",
        path: ["topics", i, "configs", "max.message.bytes"],
        message: "must be a whole number of bytes, at least 1024",
      });
    } else if (t.traffic && maxValueBytes(t.traffic.valueBytes) + RECORD_HEADROOM_BYTES > limit) {
      ctx.addIssue({
        code: "custom",
        path: ["topics", i, "traffic", "valueBytes"],
        message: `the largest value must leave ${RECORD_HEADROOM_BYTES} bytes under the topic's ` +
          `max.message.bytes (${limit}) for the batch and record headers`,
      });
    }
    t.traffic?.minuteBursts?.forEach((b, j) => {
      if (b.hoursAgo !== undefined && b.hoursAgo > p.days * 24) {
        ctx.addIssue({
          code: "custom",
          path: ["topics", i, "traffic", "minuteBursts", j, "hoursAgo"],
          message: `must be inside the profile's ${p.days * 24} hours`,
        });
      }
    });
    const overShare = burstsOverShare(t.traffic?.minuteBursts ?? []);
    if (overShare !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["topics", i, "traffic", "minuteBursts"],
        message: `the shares of the bursts in ${overShare} add up to more than 1`,
      });
    }
    if (t.deleteBefore && t.deleteBefore.hoursAgo >= p.days * 24) {
      ctx.addIssue({
        code: "custom",
        path: ["topics", i, "deleteBefore", "hoursAgo"],
        message: `must be inside the profile's ${p.days * 24} hours`,
      });
    }
  });
});

/** Shares may exceed 1 by float noise only (0.1 + 0.2 + 0.7). */
export const SHARE_TOLERANCE = 1e-9;

/**
 * Where bursts that always meet in one hour (every-hour ones with those of one `hourUtc`, or
 * of one `hoursAgo`) have shares over 1, which hours; null when none. An `hourUtc` burst and
 * a `hoursAgo` one meet depending on the anchor: planHour() checks those.
 */
function burstsOverShare(
  bursts: readonly { hoursAgo?: number | undefined; hourUtc?: number | undefined; share: number }[],
): string | null {
  const everyHour = bursts.filter((b) => b.hoursAgo === undefined && b.hourUtc === undefined)
    .reduce((s, b) => s + b.share, 0);
  if (everyHour > 1 + SHARE_TOLERANCE) return "every hour";
  const groups = new Map<string, number>();
  for (const b of bursts) {
    const key = b.hoursAgo !== undefined
      ? `the hour ${b.hoursAgo} hours before the anchor`
      : b.hourUtc !== undefined
      ? `hour ${b.hourUtc} UTC`
      : null;
    if (key !== null) groups.set(key, (groups.get(key) ?? everyHour) + b.share);
  }
  for (const [key, share] of groups) if (share > 1 + SHARE_TOLERANCE) return key;
  return null;
}

export type WorkloadProfile = z.infer<typeof profileSchema>;
export type TopicProfile = WorkloadProfile["topics"][number];
export type TrafficProfile = NonNullable<TopicProfile["traffic"]>;
export type MinuteBurst = NonNullable<TrafficProfile["minuteBursts"]>[number];

/** Thrown for a profile that does not parse or validate; `message` names every problem. */
export class ProfileError extends Error {
  override name = "ProfileError";
}

export function parseProfile(text: string, source: string): WorkloadProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ProfileError(`${source} is not a valid workload profile:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export async function loadProfile(path: string | URL): Promise<WorkloadProfile> {
  return parseProfile(await Deno.readTextFile(path), String(path));
}

/** The default profile: the demo workload the README and `deno task demo` use. */
export const DEMO_PROFILE_URL = new URL("./profiles/demo.json", import.meta.url);

/** The largest batch the topic accepts: its max.message.bytes, or the broker's default. */
export function maxMessageBytes(topic: Pick<TopicProfile, "configs">): number {
  const v = topic.configs?.["max.message.bytes"];
  return v === undefined ? DEFAULT_MAX_MESSAGE_BYTES : Number(v);
}

/**
 * The same profile with another seed: other keys, sizes, content and batch mix, the same
 * hourly counts. The ground truth must be computed from the returned profile.
 */
export function withSeed(profile: WorkloadProfile, seed: number): WorkloadProfile {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed ${seed} is not a whole number`);
  return { ...profile, seed };
}

/**
 * Prefixes every topic name, so a test can seed a fresh copy beside others. A leading `_`
 * stays first, so an internal topic stays internal. The copy plans the same records as the
 * original (`planName`), so a seed reproduces its workload under any prefix.
 */
export function withTopicPrefix(profile: WorkloadProfile, prefix: string): WorkloadProfile {
  const rename = (n: string) => n.startsWith("_") ? `_${prefix}${n.slice(1)}` : prefix + n;
  return {
    ...profile,
    topics: profile.topics.map((t) => ({
      ...t,
      name: rename(t.name),
      planName: t.planName ?? t.name,
    })),
  };
}
