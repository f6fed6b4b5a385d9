// `deno task demo`: the local broker up, the demo workload seeded, then the analysis of it.
import { brokerOptionsFromEnv, ensureBroker } from "./kafka/broker.ts";
import { HOUR_MS } from "./workload/plan.ts";
import { DEMO_PROFILE_URL, loadProfile } from "./workload/profile.ts";
import { seedProfile } from "./workload/seeder.ts";

const info = await ensureBroker(brokerOptionsFromEnv(Deno.env));
console.error(
  `broker ${info.clusterId} up: ${info.plaintextBootstrap} (PLAINTEXT), ${info.saslSslBootstrap} (SASL_SSL)`,
);
const profile = await loadProfile(DEMO_PROFILE_URL);
const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
const seeded = await seedProfile(
  profile,
  {
    clusterId: info.clusterId,
    bootstrapServers: [info.plaintextBootstrap],
    securityProtocol: "PLAINTEXT",
    sasl: null,
    caPem: null,
  },
  { anchor, log: (line) => console.error(`  ${line}`) },
);
console.error(
  `seeded ${seeded.records} records in ${seeded.topics} topics (${
    (seeded.millis / 1000).toFixed(1)
  } s)`,
);
