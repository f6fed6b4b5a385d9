// Cluster discovery with a Confluent Cloud API key, end to end: the real CLI against the
// Confluent Cloud API emulator (dev/confluent_cloud/) and the local broker, whose SASL users
// the emulator hands out as the temporary keys. Keys are created, used and deleted; none is
// left behind after a success, a cluster that fails, a 403, or a kill with SIGTERM; the key's
// secret never reaches the output; results go to the results topic when asked.
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { startCli } from "../support/cli.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { startCloudEmulator } from "../../dev/confluent_cloud/emulator.ts";
import { KafkaCluster, LATEST } from "../../src/kafka/cluster.ts";
import { plaintextConnection } from "../support/testbed.ts";

const CLOUD = { apiKey: "CLOUDKEY1234", apiSecret: "cloud-secret-5678" };
const SECRET = "analyst-secret";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

/** Base64 of `key:secret`, as HTTP basic sends it: must never be printed either. */
const basic = (key: string, secret: string) => btoa(`${key}:${secret}`);

Deno.test("discovery: keys created, used and deleted; 403 and filters skip; no secret printed", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "disc");
  const resultsTopic = `${seeded.prefix}results`;
  const emulator = startCloudEmulator({
    ...CLOUD,
    environments: [{ id: "env-one", displayName: "one" }, { id: "env-two", displayName: "two" }],
    clusters: [
      // The local broker, reached the way Confluent Cloud is: SASL_SSL with the new key.
      {
        id: "lkc-local",
        environment: "env-one",
        displayName: "local",
        bootstrapEndpoint: `SASL_SSL://${info.saslSslBootstrap}`,
      },
      {
        id: "lkc-denied",
        environment: "env-one",
        displayName: "denied",
        bootstrapEndpoint: "SASL_SSL://localhost:1",
      },
      // A closed port: its analysis fails, its key is deleted all the same.
      {
        id: "lkc-gone",
        environment: "env-one",
        displayName: "gone",
        bootstrapEndpoint: `SASL_SSL://127.0.0.1:${freePort()}`,
      },
      {
        id: "lkc-other",
        environment: "env-two",
        displayName: "other",
        bootstrapEndpoint: "SASL_SSL://localhost:2",
      },
    ],
    issueKey: () => ({ key: "analyst", secret: SECRET }),
    forbiddenClusters: ["lkc-denied"],
  });
  try {
    const cli = await startCli([], {
      env: {
        USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS: "True",
        CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
          confluent_cloud_api_key: CLOUD.apiKey,
          confluent_cloud_api_secret: CLOUD.apiSecret,
        }),
        CONFLUENT_CLOUD_API_URL: emulator.url,
        PRINCIPAL_ID: "sa-recommender",
        ENVIRONMENT_FILTER: "env-one",
        TOPIC_FILTER: seeded.prefix,
        REQUEST_TIMEOUT_SECONDS: "5",
        // Confluent Cloud's certificates chain to public CAs; the test bed's to its own.
        DENO_CERT: info.caFile,
        USE_KAFKA_WRITER: "True",
        KAFKA_WRITER_TOPIC_NAME: resultsTopic,
        KAFKA_WRITER_TOPIC_REPLICATION_FACTOR: "1",
        // Clusters one after the other: every key the emulator hands out is `analyst`.
        MAX_CLUSTER_WORKERS: "1",
      },
    });
    const run = await cli.result;
    // lkc-gone failed (exit 3); lkc-denied was skipped with the 403; lkc-other filtered out.
    assertEquals(run.code, 3, run.stderr);
    assertMatch(
      run.stderr,
      /cluster lkc-denied skipped: .*403|cluster lkc-denied skipped: .*Forbidden/i,
    );
    assert(!run.stderr.includes("lkc-other"), "ENVIRONMENT_FILTER keeps env-two out");
    assertStringIncludes(run.stderr, "clusters analysed: 2, succeeded: 1, failed: 1");
    assertMatch(run.stderr, /lkc-local: 1 result record\(s\) written to /);
    // Every key created was deleted; only the clusters analysed got one.
    assertEquals(emulator.liveKeys(), []);
    assertEquals(emulator.createdKeys().map((k) => k.resource).sort(), ["lkc-gone", "lkc-local"]);
    for (const text of [run.stderr, run.stdout]) {
      for (const s of [SECRET, CLOUD.apiSecret, basic(CLOUD.apiKey, CLOUD.apiSecret)]) {
        assert(!text.includes(s), `a secret was printed: ${s}`);
      }
    }
    const files = [...Deno.readDirSync(join(cli.cwd, "reports"))].map((e) => e.name);
    assert(files.some((f) => f.startsWith("lkc-local-") && f.endsWith(".json")), files.join());
    // The results topic holds one record per analysed topic.
    const k = new KafkaCluster(plaintextConnection(info));
    try {
      const refs = Array.from(
        { length: 6 },
        (_, partition) => ({ topic: resultsTopic, partition }),
      );
      const end = await k.offsetsAt(refs, LATEST);
      assertEquals(
        [...end.values()].reduce((a, b) => a + Number(b), 0),
        seeded.profile.topics.length,
      );
    } finally {
      await k.admin.deleteTopics({ topics: [resultsTopic] }).catch(() => {});
      await k.close();
    }
  } finally {
    await emulator.close();
    await seeded.cleanup();
  }
});

Deno.test("discovery: SIGTERM mid-analysis deletes the live key, then exits 143", async () => {
  const info = await localBroker();
  // A broker that accepts connections and never answers: the analysis waits on it.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of silent) held.push(c);
  })();
  const emulator = startCloudEmulator({
    ...CLOUD,
    environments: [{ id: "env-one", displayName: "one" }],
    clusters: [{
      id: "lkc-stuck",
      environment: "env-one",
      displayName: "stuck",
      bootstrapEndpoint: `SASL_SSL://127.0.0.1:${silent.addr.port}`,
    }],
    issueKey: () => ({ key: "analyst", secret: SECRET }),
  });
  try {
    const cli = await startCli([], {
      env: {
        USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS: "True",
        CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
          confluent_cloud_api_key: CLOUD.apiKey,
          confluent_cloud_api_secret: CLOUD.apiSecret,
        }),
        CONFLUENT_CLOUD_API_URL: emulator.url,
        PRINCIPAL_ID: "u-operator",
        REQUEST_TIMEOUT_SECONDS: "120",
        DENO_CERT: info.caFile,
      },
    });
    await cli.waitForLine(/temporary API key analyst created/, 60_000);
    assertEquals(emulator.liveKeys().length, 1);
    cli.kill("SIGTERM");
    const result = await cli.result;
    assertEquals(result.code, 143, result.stderr);
    assertMatch(result.stderr, /SIGTERM: stopping; deleting 1 temporary API key/);
    assertEquals(emulator.liveKeys(), []);
    assert(!result.stderr.includes(SECRET));
  } finally {
    await emulator.close();
    silent.close();
    await accepting.catch(() => {});
    for (const c of held) {
      try {
        c.close();
      } catch { /* closed */ }
    }
  }
});

Deno.test("discovery: a refused Cloud API key is exit 2 naming CONFLUENT_CLOUD_CREDENTIAL, no key made", async () => {
  const emulator = startCloudEmulator({
    ...CLOUD,
    environments: [{ id: "env-one", displayName: "one" }],
    clusters: [],
  });
  try {
    const cli = await startCli([], {
      env: {
        USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS: "True",
        CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
          confluent_cloud_api_key: CLOUD.apiKey,
          confluent_cloud_api_secret: "wrong-secret-1234",
        }),
        CONFLUENT_CLOUD_API_URL: emulator.url,
        PRINCIPAL_ID: "sa-recommender",
      },
    });
    const run = await cli.result;
    assertEquals(run.code, 2, run.stderr);
    assertMatch(
      run.stderr,
      /CONFLUENT_CLOUD_CREDENTIAL: the Confluent Cloud API .* refused .* 401/,
    );
    for (const s of ["wrong-secret-1234", basic(CLOUD.apiKey, "wrong-secret-1234")]) {
      assert(!run.stderr.includes(s), `a secret was printed: ${s}`);
    }
    assertEquals(emulator.createdKeys(), []);
  } finally {
    await emulator.close();
  }
});
