// The deterministic record plan of a profile: which records each hour of each topic holds
// (count, partition, key, value size, timestamp). The seeder writes exactly this plan and
// the ground truth counts it, so the two can never disagree.
import type { TopicProfile, TrafficProfile, WorkloadProfile } from "./profile.ts";

export const HOUR_MS = 3_600_000;

export interface PlannedRecord {
  partition: number;
  /** Null for unkeyed records. */
  key: string | null;
  valueBytes: number;
  timestamp: number;
}

/** The profile's hours: `days × 24` complete UTC hours ending at `anchor` (exclusive). */
export function profileHours(profile: WorkloadProfile, anchor: number): number[] {
  if (anchor % HOUR_MS !== 0) throw new RangeError("the anchor must be a whole UTC hour");
  const count = profile.days * 24;
  return Array.from({ length: count }, (_, j) => anchor - (count - j) * HOUR_MS);
}

/** Records the profile declares for `topic` in the hour starting at `hourStart`. */
export function recordsInHour(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
): number {
  const t = topic.traffic;
  if (!t) return 0;
  const activeHours = Math.round((t.days ?? profile.days) * 24);
  const firstActive = anchor - activeHours * HOUR_MS;
  if (hourStart < firstActive || hourStart >= anchor) return 0;
  const day = Math.floor((hourStart - firstActive) / (24 * HOUR_MS));
  const hourOfDay = new Date(hourStart).getUTCHours();
  const peak = t.dailyPeak && t.dailyPeak.hourUtc === hourOfDay ? t.dailyPeak.multiplier : 1;
  return Math.round(t.recordsPerHour * peak * (1 + (t.growthPerDay ?? 0)) ** day);
}

/** Every record of one hour of one topic, in timestamp order. */
export function planHour(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
): PlannedRecord[] {
  const t = topic.traffic;
  const n = recordsInHour(profile, topic, anchor, hourStart);
  if (!t || n === 0) return [];
  const rng = mulberry32(hashString(`${profile.seed}:${topic.name}:${hourStart}`));
  const hourIndex = Math.floor(hourStart / HOUR_MS);
  const out: PlannedRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const keyIndex = chooseKey(t, rng);
    out[i] = {
      partition: keyIndex === null
        ? (i + hourIndex) % topic.partitions
        : keyIndex % topic.partitions,
      key: keyIndex === null
        ? null
        : keyIndex === 0 && t.keys.kind === "hot"
        ? "hot-key"
        : `key-${keyIndex}`,
      valueBytes: t.valueBytes.min + Math.floor(rng() * (t.valueBytes.max - t.valueBytes.min + 1)),
      // Spread evenly inside the hour, never on the next hour's boundary.
      timestamp: hourStart + Math.floor(((i + 0.5) * HOUR_MS) / n),
    };
  }
  return out;
}

function chooseKey(t: TrafficProfile, rng: () => number): number | null {
  switch (t.keys.kind) {
    case "none":
      return null;
    case "uniform":
      return Math.floor(rng() * t.keys.cardinality);
    case "hot":
      return rng() < t.keys.hotShare ? 0 : 1 + Math.floor(rng() * (t.keys.cardinality - 1));
  }
}

/** FNV-1a: a stable 32-bit seed from a string. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A small, fast, seedable PRNG; the plan must be identical on every run and machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
