// Unit tests for loadConfig(): defaults, precedence (flags > environment > .env > default),
// value parsing and its messages, and reporting every problem at once.

import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { ConfigError, ENV_NAMES, loadConfig } from "../../src/config/mod.ts";
import type { Settings } from "../../src/config/types.ts";
import {
  CREDENTIALS,
  CWD,
  entry,
  fakeEnv,
  fakeFiles,
  load,
  loadAny,
  problems,
  problemWith,
  SECRET,
} from "./_config_fixtures.ts";

const MIB = 1_048_576;
const K = { KAFKA_CREDENTIALS: CREDENTIALS };

Deno.test("loadConfig() defaults are the reference tool's, plus ours for the new settings", async () => {
  const { settings } = await load();
  const expected: Settings = {
    method: "sampling",
    metricsApiUrl: "https://api.telemetry.confluent.cloud",
    requestTimeoutMs: 30_000,
    metricsApiDeadlineMs: 900_000,
    includeInternalTopics: false,
    topicFilter: [],
    model: {
      samplingDays: 7,
      minRecommendedPartitions: 6,
      minConsumptionThroughput: 10 * MIB,
      requiredThroughputFactor: 3,
      consumerThroughputPerPartition: 10 * MIB,
      producerThroughputPerPartition: null,
      consumerRecordsPerSecondPerPartition: null,
      producerRecordsPerSecondPerPartition: null,
      minPartitionsPerBroker: null,
      partitionsForLargestGroup: false,
      peakWindow: "hour",
      partitionRounding: "none",
      minSampleRecords: 100,
    },
    sampling: {
      batchSize: 10000,
      maxConsecutiveNulls: 50,
      timeoutSeconds: 2,
      maxContinuousFailedBatches: 5,
    },
    maxClusterWorkers: 3,
    maxWorkersPerCluster: 8,
    workers: null,
    workerPermissions: "scoped",
    outputDir: "reports",
    formats: ["csv", "json", "html"],
    json: false,
    failOn: [],
    useAwsSecretsManager: false,
    confluentCloudApiSecretPath: null,
    kafkaApiSecretPaths: [],
    logLevel: "info",
    quiet: false,
    verbose: false,
    prometheus: { url: "", metrics: "auto", selector: "", secretPath: null },
    saveMeasurements: null,
    measurementsFile: null,
    clusterFilter: [],
    discovery: {
      enabled: false,
      principalId: null,
      environmentFilter: [],
      apiUrl: "https://api.confluent.cloud",
    },
    writer: {
      enabled: false,
      topic: "_j3.partition_recommender.results",
      partitions: 6,
      replicationFactor: 3,
      retentionDays: 0,
    },
  };
  assertEquals(settings, expected);
});

// --- precedence ----------------------------------------------------------------------

const DOTENV = `${CWD}/.env`;

Deno.test("loadConfig() precedence: a flag beats the environment", async () => {
  const { settings } = await load({
    argv: ["--sampling-days", "3"],
    env: { ...K, SAMPLING_DAYS: "4" },
  });
  assertEquals(settings.model.samplingDays, 3);
});

Deno.test("loadConfig() precedence: a flag beats .env", async () => {
  const { settings } = await load({
    argv: ["--sampling-days=3"],
    files: { [DOTENV]: "SAMPLING_DAYS=5\n" },
  });
  assertEquals(settings.model.samplingDays, 3);
});

Deno.test("loadConfig() precedence: the environment beats .env", async () => {
  const { settings } = await load({
    env: { ...K, SAMPLING_DAYS: "4" },
    files: { [DOTENV]: "SAMPLING_DAYS=5\n" },
  });
  assertEquals(settings.model.samplingDays, 4);
});

Deno.test("loadConfig() precedence: .env beats the default", async () => {
  const { settings } = await load({ files: { [DOTENV]: "# comment\nSAMPLING_DAYS=5\n" } });
  assertEquals(settings.model.samplingDays, 5);
});

Deno.test("loadConfig() precedence: a flag beats the environment and .env together", async () => {
  const { settings } = await load({
    argv: ["--output-dir", "flag-dir"],
    env: { ...K, OUTPUT_DIR: "env-dir" },
    files: { [DOTENV]: "OUTPUT_DIR=file-dir" },
  });
  assertEquals(settings.outputDir, "flag-dir");
});

Deno.test("loadConfig() reads KAFKA_CREDENTIALS from .env, JSON in single quotes", async () => {
  const config = await load({
    env: {},
    files: { [DOTENV]: `KAFKA_CREDENTIALS='${CREDENTIALS}'\n` },
  });
  assertEquals(config.credentials.clusters.map((c) => c.clusterId), ["lkc-1"]);
});

Deno.test("loadConfig() --env-file replaces ./.env and is relative to the working directory", async () => {
  const { settings } = await load({
    argv: ["--env-file", "conf/prod.env"],
    files: { [DOTENV]: "SAMPLING_DAYS=5", [`${CWD}/conf/prod.env`]: "SAMPLING_DAYS=6" },
  });
  assertEquals(settings.model.samplingDays, 6);
});

Deno.test("loadConfig() --env-file that does not exist is a problem; a missing ./.env is not", async () => {
  const list = await problems({ argv: ["--env-file", "nope.env"] });
  assertEquals(list, [`--env-file nope.env does not exist (looked for ${CWD}/nope.env)`]);
  await load({ files: {} });
});

Deno.test("loadConfig() names .env in problems with values from it", async () => {
  const list = await problems({ files: { [DOTENV]: "SAMPLING_DAYS=seven" } });
  assertEquals(list, [
    'SAMPLING_DAYS (in .env): "seven" is not a whole number; use a whole number of days from 1 to ' +
    "3650, e.g. 7",
  ]);
});

Deno.test("loadConfig() suggests the variable a misspelt .env key was meant to be", async () => {
  const list = await problems({ files: { [DOTENV]: "SAMPLNG_DAYS=3\nOTHER_TOOL_TOKEN=x\n" } });
  assertEquals(list, [
    ".env: SAMPLNG_DAYS is not a setting of this tool; did you mean SAMPLING_DAYS?",
  ]);
});

Deno.test("loadConfig() treats an empty variable as unset, so lower sources and defaults apply", async () => {
  const { settings } = await load({
    env: { ...K, SAMPLING_DAYS: "", OUTPUT_DIR: "  " },
    files: { [DOTENV]: "SAMPLING_DAYS=5" },
  });
  assertEquals(settings.model.samplingDays, 5);
  assertEquals(settings.outputDir, "reports");
});

Deno.test("loadConfig() reads only its own variables, one by one", async () => {
  const env = fakeEnv(K);
  await loadConfig([], env, fakeFiles({}), CWD);
  assertEquals([...env.asked].sort(), [...ENV_NAMES].sort());
});

Deno.test("loadConfig() turns a denied variable into one problem naming the --allow-env flag", async () => {
  const env = {
    get(name: string): string | undefined {
      if (name === "SAMPLING_DAYS" || name === "LOG_LEVEL") throw new Deno.errors.NotCapable("no");
      return name === "KAFKA_CREDENTIALS" ? CREDENTIALS : undefined;
    },
  };
  const e = await loadConfig([], env, fakeFiles({}), CWD).catch((e) => e);
  assert(e instanceof ConfigError);
  assertEquals(e.problems.length, 1);
  assertStringIncludes(e.problems[0]!, "SAMPLING_DAYS, LOG_LEVEL");
  assertStringIncludes(e.problems[0]!, `--allow-env=${ENV_NAMES.join(",")}`);
});

// --- value kinds ---------------------------------------------------------------------

for (
  const [text, value] of [
    ["True", true],
    ["true", true],
    ["1", true],
    ["False", false],
    ["false", false],
    ["0", false],
  ] as const
) {
  Deno.test(`loadConfig() boolean spelling ${text} means ${value}, in the environment and as --x=${text}`, async () => {
    const fromEnv = await load({ env: { ...K, INCLUDE_INTERNAL_TOPICS: text } });
    assertEquals(fromEnv.settings.includeInternalTopics, value);
    const fromFlag = await load({ argv: [`--include-internal-topics=${text}`] });
    assertEquals(fromFlag.settings.includeInternalTopics, value);
  });
}

Deno.test("loadConfig() a bare boolean flag means true, --no-x false, and `--x False` is read as a value", async () => {
  const env = { ...K, INCLUDE_INTERNAL_TOPICS: "False", USE_AWS_SECRETS_MANAGER: "False" };
  assertEquals(
    (await load({ argv: ["--include-internal-topics"], env })).settings.includeInternalTopics,
    true,
  );
  const no = await load({
    argv: ["--no-include-internal-topics"],
    env: { ...K, INCLUDE_INTERNAL_TOPICS: "1" },
  });
  assertEquals(no.settings.includeInternalTopics, false);
  const spaced = await load({
    argv: ["--include-internal-topics", "False", "--sampling-days", "2"],
    env,
  });
  assertEquals(spaced.settings.includeInternalTopics, false);
  assertEquals(spaced.settings.model.samplingDays, 2);
});

Deno.test("loadConfig() rejects a boolean it does not know, saying which spellings work", async () => {
  const list = await problems({ env: { ...K, USE_SAMPLE_RECORDS: "yes" } });
  assertEquals(list, [
    'USE_SAMPLE_RECORDS: "yes" is not True or False; use True or False (or true, false, 1, 0)',
  ]);
});

Deno.test("loadConfig() TOPIC_FILTER splits on commas, trims, lower-cases and drops empties", async () => {
  const { settings } = await load({
    env: { ...K, TOPIC_FILTER: " Orders, PAYMENTS ,,orders, x " },
  });
  assertEquals(settings.topicFilter, ["orders", "payments", "x"]);
});

Deno.test("loadConfig() an empty TOPIC_FILTER matches every topic, and --topic-filter= overrides the environment", async () => {
  assertEquals((await load({ env: { ...K, TOPIC_FILTER: "" } })).settings.topicFilter, []);
  const { settings } = await load({
    argv: ["--topic-filter="],
    env: { ...K, TOPIC_FILTER: "a,b" },
  });
  assertEquals(settings.topicFilter, []);
});

Deno.test("loadConfig() reads numbers: fractions for the factor and the timeout, whole numbers elsewhere", async () => {
  const { settings } = await load({
    env: {
      ...K,
      REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR: "1.5",
      SAMPLING_TIMEOUT_SECONDS: "0.25",
      PRODUCER_THROUGHPUT_PER_PARTITION: "5242880",
      MIN_CONSUMPTION_THROUGHPUT: "0",
    },
  });
  assertEquals(settings.model.requiredThroughputFactor, 1.5);
  assertEquals(settings.sampling.timeoutSeconds, 0.25);
  assertEquals(settings.model.producerThroughputPerPartition, 5242880);
  assertEquals(settings.model.minConsumptionThroughput, 0);
});

Deno.test("loadConfig() says what is wrong with a number and what would be right", async () => {
  const list = await problems({
    env: {
      ...K,
      SAMPLING_DAYS: "seven",
      SAMPLING_BATCH_SIZE: "2.5",
      MIN_RECOMMENDED_PARTITIONS: "0",
      REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR: "0",
    },
  });
  assertEquals(list, [
    'MIN_RECOMMENDED_PARTITIONS: "0" is less than 1; use a whole number of partitions from 1 to ' +
    "10000, e.g. 6",
    'REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR: "0" is not more than 0; use a number > 0 and ≤ 1000, ' +
    "e.g. 3",
    'SAMPLING_DAYS: "seven" is not a whole number; use a whole number of days from 1 to 3650, e.g. 7',
    'SAMPLING_BATCH_SIZE: "2.5" is not a whole number; use a whole number of records from 1 to ' +
    "1000000, e.g. 10000",
  ]);
});

Deno.test("loadConfig() names the flag when a bad value came from one", async () => {
  const list = await problems({ argv: ["--sampling-days", "-1"] });
  assertEquals(list, [
    'SAMPLING_DAYS (--sampling-days): "-1" is less than 1; use a whole number of days from 1 to ' +
    "3650, e.g. 7",
  ]);
});

Deno.test("loadConfig() an empty flag value is a problem unless the setting may be unset", async () => {
  const list = await problems({ argv: ["--sampling-days="] });
  assertEquals(list, [
    "SAMPLING_DAYS (--sampling-days) is empty; use a whole number of days from 1 to 3650, e.g. 7",
  ]);
  const { settings } = await load({
    argv: ["--producer-throughput-per-partition="],
    env: { ...K, PRODUCER_THROUGHPUT_PER_PARTITION: "100" },
  });
  assertEquals(settings.model.producerThroughputPerPartition, null);
});

Deno.test("loadConfig() enums ignore case and treat _ as -", async () => {
  const { settings } = await load({
    env: { ...K, PARTITION_ROUNDING: "POWER_OF_TWO", LOG_LEVEL: "Debug" },
  });
  assertEquals(settings.model.partitionRounding, "power-of-two");
  assertEquals(settings.logLevel, "debug");
  const list = await problems({ argv: ["--partition-rounding", "fibonacci"] });
  assertEquals(list, [
    'PARTITION_ROUNDING (--partition-rounding): "fibonacci" is not one of none, power-of-two, ' +
    "broker-multiple, multiple-of-current; use one of none, power-of-two, broker-multiple, " +
    "multiple-of-current",
  ]);
});

// --- method and logging --------------------------------------------------------------

Deno.test("loadConfig() --method overrides USE_SAMPLE_RECORDS", async () => {
  const confluent = JSON.stringify({
    confluent_cloud_api_key: "K",
    confluent_cloud_api_secret: SECRET,
  });
  const metrics = await load({
    argv: ["--method", "metrics-api"],
    env: { ...K, USE_SAMPLE_RECORDS: "True", CONFLUENT_CLOUD_CREDENTIAL: confluent },
  });
  assertEquals(metrics.settings.method, "metrics_api");
  assertEquals(metrics.credentials.confluentCloud, { apiKey: "K", apiSecret: SECRET });
  const sampling = await load({
    argv: ["--method=sampling"],
    env: { ...K, USE_SAMPLE_RECORDS: "False" },
  });
  assertEquals(sampling.settings.method, "sampling");
  const byEnv = await load({
    env: { ...K, USE_SAMPLE_RECORDS: "False", CONFLUENT_CLOUD_CREDENTIAL: confluent },
  });
  assertEquals(byEnv.settings.method, "metrics_api");
});

Deno.test("loadConfig() --quiet shows warnings and errors only, --verbose debug; both is a problem", async () => {
  assertEquals((await load({ argv: ["-q"] })).settings.logLevel, "warning");
  assertEquals(
    (await load({ argv: ["--quiet"], env: { ...K, LOG_LEVEL: "error" } })).settings.logLevel,
    "error",
  );
  const verbose = await load({ argv: ["-v"] });
  assertEquals([verbose.settings.logLevel, verbose.settings.verbose], ["debug", true]);
  assertEquals(await problems({ argv: ["-q", "-v"] }), [
    "--quiet and --verbose contradict each other; give one",
  ]);
});

// --- help, version, usage ------------------------------------------------------------

Deno.test("loadConfig() --help and -h return the help text, even next to other mistakes", async () => {
  for (const argv of [["--help"], ["-h"], ["--bogus", "--help"]]) {
    const loaded = await loadConfig(argv, fakeEnv({}), fakeFiles({}), CWD);
    assert("help" in loaded);
    assertStringIncludes(loaded.text, "Usage:");
  }
  const version = await loadConfig(["--version"], fakeEnv({}), fakeFiles({}), CWD);
  assertEquals(version, { version: true });
});

Deno.test("loadConfig() reports an unknown flag with the closest known one", async () => {
  const list = await problems({ argv: ["--sampling-day", "3"] });
  assertEquals(list, [
    "unknown option --sampling-day; did you mean --sampling-days?",
  ]);
});

Deno.test("loadConfig() reports every problem at once", async () => {
  const list = await problems({
    argv: ["--sampling-dayz=3", "--max-cluster-workers"],
    env: {
      KAFKA_CREDENTIALS: JSON.stringify([{ kafka_cluster_id: "a", "sasl.password": SECRET }]),
      SAMPLING_TIMEOUT_SECONDS: "soon",
      LOG_LEVEL: "loud",
      USE_SAMPLE_RECORDS: "maybe",
    },
    files: { [DOTENV]: "MAX_WORKERS_PER_CLUSTER=0" },
  });
  for (
    const needle of [
      "--sampling-dayz",
      "--max-cluster-workers needs a value",
      "SAMPLING_TIMEOUT_SECONDS",
      "LOG_LEVEL",
      "USE_SAMPLE_RECORDS",
      "MAX_WORKERS_PER_CLUSTER (in .env)",
      'KAFKA_CREDENTIALS: item 1 (a) has no "bootstrap.servers"',
      'KAFKA_CREDENTIALS: item 1 (a) has no "sasl.username"',
    ]
  ) problemWith(list, needle);
  assertEquals(list.length, 8);
});

Deno.test("loadConfig() collects every password for output scrubbing", async () => {
  const two = JSON.stringify([
    {
      kafka_cluster_id: "a",
      "bootstrap.servers": "h:1",
      "sasl.username": "u",
      "sasl.password": "p1",
    },
    {
      kafka_cluster_id: "b",
      "bootstrap.servers": "h:2",
      "sasl.username": "u",
      "sasl.password": "p2",
    },
  ]);
  const config = await loadAny({ env: { KAFKA_CREDENTIALS: two } });
  // Each password, then `user:password`, which SASL PLAIN and HTTP Basic encode.
  assertEquals(config.secrets, ["p1", "u:p1", "p2", "u:p2"]);
});

Deno.test("loadConfig() reads Model v2's settings from the environment and flags", async () => {
  const { settings } = await load({
    argv: [
      "--min-partitions-per-broker",
      "2",
      "--peak-window",
      "MINUTE",
      "--partition-rounding",
      "multiple_of_current",
      "--fail-on",
      "throughput-increase,increase",
    ],
    env: {
      ...K,
      CONSUMER_RECORDS_PER_SECOND_PER_PARTITION: "5000",
      PRODUCER_RECORDS_PER_SECOND_PER_PARTITION: "1e5",
      PARTITIONS_FOR_LARGEST_GROUP: "True",
    },
  });
  assertEquals(settings.model.consumerRecordsPerSecondPerPartition, 5000);
  assertEquals(settings.model.producerRecordsPerSecondPerPartition, 100_000);
  assertEquals(settings.model.minPartitionsPerBroker, 2);
  assertEquals(settings.model.partitionsForLargestGroup, true);
  assertEquals(settings.model.peakWindow, "minute");
  assertEquals(settings.model.partitionRounding, "multiple-of-current");
  assertEquals(settings.failOn, ["throughput-increase", "increase"]);
});

Deno.test("loadConfig() names each bad Model v2 setting at once, with what would be right", async () => {
  const list = await problems({
    env: {
      ...K,
      CONSUMER_RECORDS_PER_SECOND_PER_PARTITION: "0",
      MIN_PARTITIONS_PER_BROKER: "two",
      PEAK_WINDOW: "second",
      FAIL_ON: "throughput",
    },
  });
  const text = list.join("\n");
  for (
    const name of [
      "CONSUMER_RECORDS_PER_SECOND_PER_PARTITION",
      "MIN_PARTITIONS_PER_BROKER",
      "PEAK_WINDOW",
      "FAIL_ON",
    ]
  ) {
    assertStringIncludes(text, name);
  }
  assertStringIncludes(text, "hour, minute");
  assertStringIncludes(text, "throughput-increase");
  assertEquals(list.length, 4, text);
});

// --- the reference tool's newest settings (issue 16) ----------------------------------

const CLOUD_KEY = JSON.stringify({
  confluent_cloud_api_key: "CLOUDKEY",
  confluent_cloud_api_secret: "cloud-secret",
});

Deno.test("loadConfig() discovery: the Cloud API key and PRINCIPAL_ID instead of KAFKA_CREDENTIALS", async () => {
  const { settings, credentials } = await load({
    env: {
      USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS: "True",
      CONFLUENT_CLOUD_CREDENTIAL: CLOUD_KEY,
      PRINCIPAL_ID: "sa-abc123",
      ENVIRONMENT_FILTER: "env-1, env-2",
      KAFKA_CLUSTER_FILTER: "lkc-9",
    },
  });
  assertEquals(settings.discovery, {
    enabled: true,
    principalId: "sa-abc123",
    environmentFilter: ["env-1", "env-2"],
    apiUrl: "https://api.confluent.cloud",
  });
  assertEquals(settings.clusterFilter, ["lkc-9"]);
  assertEquals(credentials.clusters, []);
  assertEquals(credentials.confluentCloud, { apiKey: "CLOUDKEY", apiSecret: "cloud-secret" });
});

Deno.test("loadConfig() discovery's problems: no Cloud key, no or a bad PRINCIPAL_ID, KAFKA_CREDENTIALS too", async () => {
  const missing = await problems({
    env: { USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS: "True" },
  });
  assertStringIncludes(problemWith(missing, "CONFLUENT_CLOUD_CREDENTIAL"), "discovery");
  assertStringIncludes(problemWith(missing, "PRINCIPAL_ID"), "u-…");
  assert(!missing.some((p) => p.startsWith("KAFKA_CREDENTIALS")), missing.join("\n"));
  const bad = await problems({
    env: {
      ...K,
      USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS: "True",
      CONFLUENT_CLOUD_CREDENTIAL: CLOUD_KEY,
      PRINCIPAL_ID: "admin",
    },
  });
  assertStringIncludes(problemWith(bad, "PRINCIPAL_ID"), '"admin" is not a user (u-…)');
  assertStringIncludes(problemWith(bad, "both set"), "give one of them");
  assertEquals(bad.length, 2, bad.join("\n"));
});

Deno.test("loadConfig() the results topic's settings, and SCHEMA_REGISTRY_CREDENTIAL refused", async () => {
  const { settings } = await load({
    env: {
      ...K,
      USE_KAFKA_WRITER: "True",
      KAFKA_WRITER_TOPIC_NAME: "ops.partition-results",
      KAFKA_WRITER_TOPIC_PARTITION_COUNT: "3",
      KAFKA_WRITER_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_WRITER_TOPIC_DATA_RETENTION_IN_DAYS: "30",
    },
  });
  assertEquals(settings.writer, {
    enabled: true,
    topic: "ops.partition-results",
    partitions: 3,
    replicationFactor: 1,
    retentionDays: 30,
  });
  const list = await problems({
    env: {
      ...K,
      KAFKA_WRITER_TOPIC_NAME: "bad topic",
      KAFKA_WRITER_TOPIC_REPLICATION_FACTOR: "0",
      SCHEMA_REGISTRY_CREDENTIAL: '{"env-1": {"key": "k", "secret": "sr-secret"}}',
    },
  });
  assertStringIncludes(problemWith(list, "KAFKA_WRITER_TOPIC_NAME"), "is not a Kafka topic name");
  assertStringIncludes(problemWith(list, "KAFKA_WRITER_TOPIC_REPLICATION_FACTOR"), "less than 1");
  assertStringIncludes(problemWith(list, "SCHEMA_REGISTRY_CREDENTIAL"), "not supported");
  assert(!list.join("\n").includes("sr-secret"), "the registry's secret is never echoed");
  assertEquals(list.length, 3, list.join("\n"));
});

Deno.test("loadConfig() KAFKA_CREDENTIALS entries may carry environment_id (env-…)", async () => {
  const { credentials } = await load({
    env: { KAFKA_CREDENTIALS: JSON.stringify([entry({ environment_id: "env-abc1" })]) },
  });
  assertEquals(credentials.clusters[0]?.environmentId, "env-abc1");
  const list = await problems({
    env: { KAFKA_CREDENTIALS: JSON.stringify([entry({ environment_id: "lkc-1" })]) },
  });
  assertStringIncludes(problemWith(list, "environment_id"), "use one like env-abc123");
});

Deno.test("loadConfig() the results topic's defaults are the writer's own", async () => {
  const { DEFAULT_RESULTS_TOPIC } = await import("../../src/writer/results_topic.ts");
  const { settings } = await load();
  assertEquals(
    {
      name: settings.writer.topic,
      partitions: settings.writer.partitions,
      replicationFactor: settings.writer.replicationFactor,
      retentionDays: settings.writer.retentionDays,
    },
    { ...DEFAULT_RESULTS_TOPIC },
  );
});
