// The declared test workload: a JSON profile of topics and their hour-by-hour traffic over
// the past days. The seeder writes it to a broker and ground_truth.ts derives from it the
// exact counts that tests compare the analyzer with.
import { z } from "../../src/deps/zod.ts";

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
  valueBytes: z.object({ min: z.number().int().min(1), max: z.number().int().min(1) })
    .refine((v) => v.min <= v.max, { message: "min must not exceed max" }),
  keys: keys.default({ kind: "none" }),
  /** Headers per record. */
  headers: z.number().int().min(0).max(16).default(0),
});

const topic = z.object({
  name: z.string().min(1).max(249).regex(/^[a-zA-Z0-9._-]+$/, {
    message: "a Kafka topic name uses only letters, digits, '.', '_' and '-'",
  }),
  partitions: z.number().int().min(1).max(1000),
  cleanupPolicy: z.enum(["delete", "compact"]).default("delete"),
  retentionMs: z.number().int().min(-1).optional(),
  compression: z.enum(["none", "gzip", "snappy", "lz4", "zstd"]).default("none"),
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
  });
});

export type WorkloadProfile = z.infer<typeof profileSchema>;
export type TopicProfile = WorkloadProfile["topics"][number];
export type TrafficProfile = NonNullable<TopicProfile["traffic"]>;

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

/**
 * Prefixes every topic name, so a test can seed a fresh copy beside others. A leading `_`
 * stays first, so an internal topic stays internal.
 */
export function withTopicPrefix(profile: WorkloadProfile, prefix: string): WorkloadProfile {
  const rename = (n: string) => n.startsWith("_") ? `_${prefix}${n.slice(1)}` : prefix + n;
  return { ...profile, topics: profile.topics.map((t) => ({ ...t, name: rename(t.name) })) };
}
