// Connecting the way Kafka's own tools do: --bootstrap-server and a --command-config client
// properties file (SCRAM over SASL_SSL, the CA as a PEM trust store) against the real broker.
import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { startCli } from "../support/cli.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import type { JsonReport } from "../../src/report/json.ts";

Deno.test("-b and --command-config: SCRAM over SASL_SSL, as kafka-topics.sh takes them", async () => {
  const info = await localBroker();
  const user = info.users.find((u) => u.username === "analyst")!;
  const seeded = await seedFresh(fixture("sampler_profile.json"), "native");
  const cwd = await Deno.makeTempDir({ prefix: "kpr-native-" });
  // As a user writes it: the password quoted in the JAAS line, the CA as a PEM trust store.
  await Deno.writeTextFile(
    join(cwd, "client.properties"),
    [
      "security.protocol=SASL_SSL",
      "sasl.mechanism=SCRAM-SHA-256",
      "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\",
      `    username="${user.username}" password="${user.password}";`,
      `ssl.truststore.location=${info.caFile}`,
      "ssl.truststore.type=PEM",
      "",
    ].join("\n"),
  );
  try {
    const cli = await startCli([
      "-b",
      info.saslSslBootstrap,
      "--command-config",
      "client.properties",
      "--cluster-id",
      "native",
      "--topic-filter",
      seeded.prefix,
    ], { cwd, env: {} });
    const run = await cli.result;
    assertEquals(run.code, 0, run.stderr);
    assert(!run.stderr.includes(user.password), "the password is never printed");
    const json = [...Deno.readDirSync(join(cwd, "reports"))].find((e) =>
      e.name.startsWith("native-") && e.name.endsWith(".json")
    );
    assert(json, "the cluster's JSON report is named by --cluster-id");
    const report: JsonReport = JSON.parse(await Deno.readTextFile(join(cwd, "reports", json.name)));
    assertEquals(report.topics.map((t) => [t.topic_name, t.records_in_window]), [[
      `${seeded.prefix}busy`,
      12_000,
    ]]);
  } finally {
    await seeded.cleanup();
  }
});
