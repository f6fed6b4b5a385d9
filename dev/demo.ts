// `deno task demo`: the local broker up, the demo workload seeded, then the analyzer run on
// it through the SASL_SSL listener exactly as a user would (KAFKA_CREDENTIALS with a CA),
// with per-partition capacities scaled down to the demo's small traffic.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brokerOptionsFromEnv, ensureBroker, REPO_ROOT } from "./kafka/broker.ts";
import { HOUR_MS } from "./workload/plan.ts";
import { RUN_FLAGS } from "../src/permissions.ts";
import { DEMO_PROFILE_URL, loadProfile } from "./workload/profile.ts";
import { seedProfile } from "./workload/seeder.ts";

const info = await ensureBroker(brokerOptionsFromEnv(Deno.env));
console.error(
  `broker ${info.clusterId} up: ${info.plaintextBootstrap} (PLAINTEXT), ${info.saslSslBootstrap} (SASL_SSL)`,
);
const profile = await loadProfile(DEMO_PROFILE_URL);
const seeded = await seedProfile(
  profile,
  {
    clusterId: info.clusterId,
    bootstrapServers: [info.plaintextBootstrap],
    securityProtocol: "PLAINTEXT",
    sasl: null,
    caPem: null,
  },
  { anchor: Math.floor(Date.now() / HOUR_MS) * HOUR_MS, log: (line) => console.error(`  ${line}`) },
);
console.error(
  `seeded ${seeded.records} records in ${seeded.topics} topics (${
    (seeded.millis / 1000).toFixed(1)
  } s)\n`,
);

const analyst = info.users.find((u) => u.username === "analyst")!;
const outputDir = join(REPO_ROOT, "reports");
const env = {
  KAFKA_CREDENTIALS: JSON.stringify([{
    kafka_cluster_id: "demo",
    "bootstrap.servers": info.saslSslBootstrap,
    "sasl.username": analyst.username,
    "sasl.password": analyst.password,
    "ssl.ca.location": info.caFile,
  }]),
  // The demo's topics carry hundreds of bytes per second, not megabytes: scale the
  // capacities down so the recommendations show every action and warning.
  CONSUMER_THROUGHPUT_PER_PARTITION: "200",
  MIN_CONSUMPTION_THROUGHPUT: "100",
  OUTPUT_DIR: outputDir,
};
const main = fileURLToPath(new URL("../main.ts", import.meta.url));
const { code } = await new Deno.Command(Deno.execPath(), {
  // The flags every way of running the tool passes (the V8 flag halves the peak memory).
  args: ["run", ...RUN_FLAGS, "-A", main],
  cwd: REPO_ROOT,
  env,
  stdin: "null",
}).spawn().status;
if (code === 0 || code === 3) console.error(`\nreports written to ${outputDir}`);
Deno.exit(code);
