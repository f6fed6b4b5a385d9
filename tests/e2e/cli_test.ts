// The CLI's contract with its user, without a broker: help, version, configuration
// mistakes (exit 2, every problem named, no secret echoed), .env and precedence, and an
// unreachable cluster (exit 3, reason given).
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";

const SECRET = "s3cr3t-Pa55-do-not-print";

Deno.test("--help lists every variable with its flag and default, on stdout, exit 0", async () => {
  const r = await runCli(["--help"]);
  assertEquals(r.code, 0);
  for (
    const v of [
      "KAFKA_CREDENTIALS",
      "CONFLUENT_CLOUD_CREDENTIAL",
      "USE_AWS_SECRETS_MANAGER",
      "CONFLUENT_CLOUD_API_SECRET_PATH",
      "KAFKA_API_SECRET_PATHS",
      "INCLUDE_INTERNAL_TOPICS",
      "TOPIC_FILTER",
      "MIN_RECOMMENDED_PARTITIONS",
      "MIN_CONSUMPTION_THROUGHPUT",
      "REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR",
      "USE_SAMPLE_RECORDS",
      "SAMPLING_DAYS",
      "SAMPLING_BATCH_SIZE",
      "SAMPLING_MAX_CONSECUTIVE_NULLS",
      "SAMPLING_TIMEOUT_SECONDS",
      "SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES",
      "MAX_CLUSTER_WORKERS",
      "MAX_WORKERS_PER_CLUSTER",
      "CONSUMER_THROUGHPUT_PER_PARTITION",
      "PRODUCER_THROUGHPUT_PER_PARTITION",
      "PARTITION_ROUNDING",
      "OUTPUT_DIR",
    ]
  ) {
    assertStringIncludes(r.stdout, v);
    assertStringIncludes(r.stdout, `--${v.toLowerCase().replaceAll("_", "-")}`);
  }
  assertStringIncludes(r.stdout, "Default: 10485760");
  assertStringIncludes(r.stdout, "--log-level");
  assertStringIncludes(r.stdout, "--quiet");
  assertStringIncludes(r.stdout, "--env-file");
});

Deno.test("--version prints the name and version", async () => {
  const r = await runCli(["--version"]);
  assertEquals(r.code, 0);
  assertMatch(r.stdout, /^kafka-partition-recommender \d+\.\d+\.\d+\n$/);
});

Deno.test("configuration mistakes: every problem at once, exit 2, no secret echoed, no stack", async () => {
  const r = await runCli([
    "--sampling-days",
    "seven",
    "--partition-rounding",
    "squares",
    "--no-such-flag",
  ], {
    env: {
      KAFKA_CREDENTIALS: kafkaCredentials([
        {
          kafka_cluster_id: "a",
          "bootstrap.servers": "h:9092",
          "sasl.username": "u",
          "sasl.password": SECRET,
        },
        { kafka_cluster_id: "b", "sasl.username": "u", "sasl.password": SECRET },
      ]),
      REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR: "-1",
    },
  });
  assertEquals(r.code, 2, r.stderr);
  for (
    const fragment of [
      "SAMPLING_DAYS",
      "PARTITION_ROUNDING",
      "--no-such-flag",
      "REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR",
      "item 2",
      "bootstrap.servers",
    ]
  ) {
    assertStringIncludes(r.stderr, fragment);
  }
  assert(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET), "the secret is never echoed");
  assert(!r.stderr.includes("    at "), "no stack trace without --verbose");
});

Deno.test("invalid KAFKA_CREDENTIALS JSON is reported by position, never quoted", async () => {
  const r = await runCli([], { env: { KAFKA_CREDENTIALS: `[{"sasl.password":"${SECRET}"` } });
  assertEquals(r.code, 2);
  assertStringIncludes(r.stderr, "KAFKA_CREDENTIALS");
  assert(!r.stderr.includes(SECRET));
});

Deno.test(".env in the working directory is read; the environment overrides it; flags override both", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "kpr-cli-" });
  await Deno.writeTextFile(join(cwd, ".env"), "SAMPLING_DAYS=oops-from-dotenv\nTOPIC_FILTER=x\n");
  const fromFile = await runCli([], { cwd, env: { KAFKA_CREDENTIALS: "[]" } });
  assertEquals(fromFile.code, 2);
  assertStringIncludes(fromFile.stderr, "oops-from-dotenv");
  const envWins = await runCli([], {
    cwd,
    env: { KAFKA_CREDENTIALS: "[]", SAMPLING_DAYS: "oops-from-env" },
  });
  assertStringIncludes(envWins.stderr, "oops-from-env");
  assert(!envWins.stderr.includes("oops-from-dotenv"));
  const flagWins = await runCli(["--sampling-days=oops-from-flag"], {
    cwd,
    env: { SAMPLING_DAYS: "oops-from-env" },
  });
  assertStringIncludes(flagWins.stderr, "oops-from-flag");
  assert(!flagWins.stderr.includes("oops-from-env"));
  const missing = await runCli(["--env-file", join(cwd, "nope.env")], { cwd });
  assertEquals(missing.code, 2);
  assertStringIncludes(missing.stderr, "nope.env");
});

Deno.test("an unreachable cluster is reported with its reason and the run exits 3", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  const cwd = await Deno.makeTempDir({ prefix: "kpr-cli-" });
  const r = await runCli([], {
    cwd,
    env: {
      KAFKA_CREDENTIALS: kafkaCredentials([{
        kafka_cluster_id: "gone",
        "bootstrap.servers": `127.0.0.1:${port}`,
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.username": "u",
        "sasl.password": SECRET,
      }]),
    },
  });
  assertEquals(r.code, 3, r.stderr);
  assertStringIncludes(r.stderr, "cluster gone failed");
  assertStringIncludes(r.stderr, "clusters analysed: 1, succeeded: 0, failed: 1");
  assert(!r.stderr.includes(SECRET));
});
