// USE_KAFKA_WRITER in a real run: a results topic the cluster cannot hold (replication factor
// 3 on one broker) fails that cluster with the setting named, after its reports; exit 3.
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { kafkaCredentials, startCli } from "../support/cli.ts";
import { fixture, localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";

Deno.test("USE_KAFKA_WRITER: a results topic the cluster cannot hold fails the cluster after its reports", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "wrfail");
  const topic = `${seeded.prefix}results`;
  try {
    const cli = await startCli([], {
      env: {
        KAFKA_CREDENTIALS: kafkaCredentials([{
          kafka_cluster_id: "single",
          "bootstrap.servers": info.plaintextBootstrap,
          "security.protocol": "PLAINTEXT",
        }]),
        TOPIC_FILTER: seeded.prefix,
        USE_KAFKA_WRITER: "True",
        KAFKA_WRITER_TOPIC_NAME: topic,
      },
    });
    const run = await cli.result;
    assertEquals(run.code, 3, run.stderr);
    assertMatch(
      run.stderr,
      /single: results could not be written to .*KAFKA_WRITER_TOPIC_REPLICATION_FACTOR/,
    );
    const files = [...Deno.readDirSync(join(cli.cwd, "reports"))].map((e) => e.name);
    assertEquals(files.filter((f) => f.startsWith("single-")).length, 4, files.join());
    const k = new KafkaCluster(plaintextConnection(info));
    try {
      const names = await k.admin.listTopics();
      assert(!names.includes(topic), "no results topic was created");
    } finally {
      await k.close();
    }
  } finally {
    await seeded.cleanup();
  }
});
