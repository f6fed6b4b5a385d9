// Seeds a dataset once and reuses it: a dataset is reseeded only when one of its topics is
// missing, when its profile changed since it was seeded, or with --reseed. A small marker
// beside the broker's data (`<broker folder>/bench-seeded/<dataset>.json`) remembers when
// and what was seeded, so the bench can say how old the records are (the CLI analyses the
// last 7 days up to now: records seeded a day ago leave the window's newest day empty).
import { join } from "node:path";
import { HOUR_MS } from "../workload/plan.ts";
import { withTopicPrefix, type WorkloadProfile } from "../workload/profile.ts";
import { seedProfile } from "../workload/seeder.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { clientOptions, type KafkaConnection } from "../../src/kafka/connection.ts";
import { kafka } from "../../src/deps/kafka.ts";
import type { Dataset } from "./cases.ts";

interface Marker {
  dataset: string;
  /** False while seeding: a bench stopped half-way leaves topics without their records. */
  complete: boolean;
  profileSha256: string;
  /** End of the seeded history (ms), a whole UTC hour. */
  anchor: number;
  records: number;
  seedSeconds: number;
}

export interface Seeded {
  profile: WorkloadProfile;
  /** The seeded history's end (ms), when known. */
  anchor: number | null;
  /** A line for the output: seeded now (how long it took) or reused (how old). */
  note: string;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function ensureSeeded(
  dataset: Dataset,
  connection: KafkaConnection,
  brokerDir: string,
  options: {
    force: boolean;
    replicationFactor?: number;
    /** Empties the cluster first (one that holds only this dataset). */
    wipe?: () => Promise<void>;
  },
): Promise<Seeded> {
  const profile = withTopicPrefix(await dataset.profile(), dataset.prefix);
  const hash = await sha256(JSON.stringify(profile));
  const markerFile = join(brokerDir, "bench-seeded", `${dataset.id}.json`);
  const marker = await Deno.readTextFile(markerFile).then((t) => JSON.parse(t) as Marker).catch(
    () => null,
  );
  let reason = options.force ? "--reseed" : "";
  if (!reason) {
    const cluster = new KafkaCluster(connection);
    try {
      const existing = new Set(await cluster.listTopics(false));
      const missing = profile.topics.filter((t) => !existing.has(t.name)).length;
      if (missing > 0) reason = `${missing} of its ${profile.topics.length} topics missing`;
    } finally {
      await cluster.close();
    }
  }
  if (!reason && marker && marker.complete === false) reason = "an earlier seeding did not finish";
  if (!reason && marker && marker.profileSha256 !== hash) reason = "its profile changed";
  if (!reason) {
    const age = marker ? (Date.now() - marker.anchor) / HOUR_MS : null;
    return {
      profile,
      anchor: marker?.anchor ?? null,
      note: age === null
        ? `reusing ${dataset.prefix}* (seeded by an earlier bench; age unknown)`
        : `reusing ${dataset.prefix}* (history ends ${age.toFixed(1)} h ago${
          age > 24 ? "; --reseed for a full 7-day window" : ""
        })`,
    };
  }
  const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const started = performance.now();
  let done = 0;
  const step = Math.max(1, Math.round(profile.topics.length / 10));
  console.log(`  seeding ${profile.topics.length} topics for ${dataset.prefix}* (${reason})…`);
  const writeMarker = async (m: Marker) => {
    await Deno.mkdir(join(brokerDir, "bench-seeded"), { recursive: true });
    await Deno.writeTextFile(markerFile, JSON.stringify(m) + "\n");
  };
  const base = { dataset: dataset.id, profileSha256: hash, anchor };
  await options.wipe?.();
  await writeMarker({ ...base, complete: false, records: 0, seedSeconds: 0 });
  await warmProducerIds(connection);
  const seedOnce = () =>
    seedProfile(profile, connection, {
      anchor,
      ...(dataset.seedConcurrency ? { concurrency: dataset.seedConcurrency } : {}),
      ...(options.replicationFactor ? { replicationFactor: options.replicationFactor } : {}),
      log: () => {
        done++;
        if (profile.topics.length >= 500 && done % step === 0) {
          console.log(
            `    ${done} / ${profile.topics.length} topics, ${
              ((performance.now() - started) / 1000).toFixed(0)
            } s`,
          );
        }
      },
    });
  // A cluster that has just created thousands of partitions may answer InitProducerId with
  // "coordinator is loading" for longer than the client retries: try again (the seeder
  // replaces the topics, so the counts stay exact).
  let r: Awaited<ReturnType<typeof seedProfile>> | undefined;
  for (let attempt = 1; r === undefined; attempt++) {
    try {
      r = await seedOnce();
    } catch (err) {
      if (attempt >= 3) throw err;
      const first = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      console.log(`    seeding failed (${first}); again in 20 s`);
      done = 0;
      await new Promise((ok) => setTimeout(ok, 20_000));
    }
  }
  const seedSeconds = (performance.now() - started) / 1000;
  await writeMarker({ ...base, complete: true, records: r.records, seedSeconds });
  return {
    profile,
    anchor,
    note: `seeded ${r.records.toLocaleString("en")} records in ${r.topics} topics, ${
      r.requests.toLocaleString("en")
    } produce requests, ${seedSeconds.toFixed(1)} s`,
  };
}

/**
 * Has the broker the seeder's producer asks for a producer id (its first bootstrap server)
 * fetch a block of ids from the controller now, while the controller is idle: right after
 * creating thousands of partitions it may answer "coordinator is loading" for longer than
 * the client retries.
 */
async function warmProducerIds(connection: KafkaConnection): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const producer = new kafka.Producer({
      ...clientOptions(connection, {
        clientId: "kpr-bench-warmup",
        connectTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        retries: 3,
      }),
      idempotent: true,
    });
    try {
      await producer.initIdempotentProducer({});
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((ok) => setTimeout(ok, 5_000));
    } finally {
      await producer.close().catch(() => {});
    }
  }
}
