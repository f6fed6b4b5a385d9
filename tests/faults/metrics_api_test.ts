// Fault cases of the Confluent Cloud Metrics API method, against a real local HTTP server
// that misbehaves the way the API can: a rate limit that asks to wait a day. The run must not
// sleep for hours: the client's deadline per cluster (METRICS_API_DEADLINE_SECONDS) fails it at
// once, saying so; the cluster is reported (exit 3) with its reports written.
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, startCli } from "../support/cli.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { readJsonReport } from "./_cluster_run.ts";

Deno.test("fault: a Metrics API 429 asking to wait a day fails at once, naming METRICS_API_DEADLINE_SECONDS (exit 3)", async () => {
  const info = await localBroker();
  // A topic, so the run has something to ask the API about.
  const seeded = await seedFresh(fixture("sampler_profile.json"), "ratelim");
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    requests++;
    return new Response(
      JSON.stringify({ errors: [{ status: "429", detail: "Too many requests" }] }),
      {
        status: 429,
        headers: { "content-type": "application/json", "retry-after": "86400" },
      },
    );
  });
  try {
    const run = await startCli([], {
      env: {
        KAFKA_CREDENTIALS: kafkaCredentials([{
          kafka_cluster_id: "rate-limited",
          "bootstrap.servers": info.plaintextBootstrap,
          "security.protocol": "PLAINTEXT",
        }]),
        USE_SAMPLE_RECORDS: "False",
        CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
          confluent_cloud_api_key: "KEY1",
          confluent_cloud_api_secret: "cloud-secret-value",
        }),
        CONFLUENT_METRICS_API_URL: `http://127.0.0.1:${server.addr.port}`,
        TOPIC_FILTER: seeded.prefix,
      },
    });
    const r = await run.result;
    assertEquals(r.code, 3, r.stderr);
    assert(r.elapsedMs < 20_000, `took ${Math.round(r.elapsedMs / 1000)} s`);
    assertEquals(requests, 1, "asked once, then gave up instead of waiting");
    assertStringIncludes(r.stderr, "86400 s");
    assertStringIncludes(r.stderr, "METRICS_API_DEADLINE_SECONDS");
    const report = await readJsonReport(join(run.cwd, "reports"));
    assertStringIncludes(report.error ?? "", "METRICS_API_DEADLINE_SECONDS");
  } finally {
    await server.shutdown();
    await seeded.cleanup();
  }
});
