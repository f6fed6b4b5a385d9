// `deno task seed [--profile FILE] [--prefix P] [--anchor ISO-HOUR] [--seed N] [--bootstrap HOST:PORT]`:
// writes a workload profile (default: the demo profile) to the local test broker.
import { parseArgs } from "node:util";
import {
  DEMO_PROFILE_URL,
  loadProfile,
  ProfileError,
  withSeed,
  withTopicPrefix,
} from "./profile.ts";
import { seedProfile } from "./seeder.ts";
import { HOUR_MS } from "./plan.ts";

const USAGE = `Usage: deno task seed [options]

Creates the profile's topics on the local test broker (replacing them if they exist) and
produces every declared record with its CreateTime timestamp.

Options:
  --profile FILE        workload profile JSON (default: dev/workload/profiles/demo.json)
  --prefix P            prefix for every topic name (default: none)
  --anchor ISO          end of the seeded history, a whole UTC hour (default: this hour's start)
  --seed N              the generator's seed instead of the profile's (other keys, sizes, values
                        and batch mix; the same hourly counts)
  --bootstrap H:P       PLAINTEXT bootstrap server (default: 127.0.0.1:$KAFKA_PLAINTEXT_PORT or 9092)
  -h, --help            show this help`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      profile: { type: "string" },
      prefix: { type: "string", default: "" },
      anchor: { type: "string" },
      seed: { type: "string" },
      bootstrap: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const anchor = values.anchor === undefined
    ? Math.floor(Date.now() / HOUR_MS) * HOUR_MS
    : Date.parse(values.anchor);
  if (!Number.isFinite(anchor) || anchor % HOUR_MS !== 0) {
    console.error(
      `--anchor: "${values.anchor}" is not a whole UTC hour such as 2026-09-08T00:00:00Z`,
    );
    return 2;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    console.error(`--seed: "${values.seed}" is not a whole number`);
    return 2;
  }
  const loaded = await loadProfile(values.profile ?? DEMO_PROFILE_URL);
  const profile = withTopicPrefix(
    seed === undefined ? loaded : withSeed(loaded, seed),
    values.prefix,
  );
  const bootstrap = values.bootstrap ??
    `127.0.0.1:${Deno.env.get("KAFKA_PLAINTEXT_PORT") ?? "9092"}`;
  console.error(
    `seeding ${profile.topics.length} topics on ${bootstrap}, history ending ${
      new Date(anchor).toISOString()
    }`,
  );
  const result = await seedProfile(
    profile,
    {
      clusterId: "local",
      bootstrapServers: [bootstrap],
      securityProtocol: "PLAINTEXT",
      sasl: null,
      caPem: null,
    },
    { anchor, log: (line) => console.error(`  ${line}`) },
  );
  console.error(
    `done: ${result.records} records in ${result.topics} topics` +
      (result.deleted > 0 ? ` (${result.deleted} deleted before their cut)` : "") +
      `, ${(result.millis / 1000).toFixed(1)} s`,
  );
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    if (e instanceof ProfileError || (e instanceof TypeError && "code" in e)) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
}
