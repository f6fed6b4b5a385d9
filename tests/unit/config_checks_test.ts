// The configuration checks that stop a run before any cluster is contacted: upper bounds on
// numbers, the request timeout and Metrics API deadline, the Metrics API URL, OUTPUT_DIR's
// text, kafka_cluster_id (control characters, length, report file names shared by two
// clusters) from KAFKA_CREDENTIALS and from AWS Secrets Manager, damaged CA files, and the
// credential files that replace secret flag values.

import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { helpText, loadConfig } from "../../src/config/mod.ts";
import { resolveAwsCredentials, type SecretsClient } from "../../src/config/aws_secrets.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { MAX_CLUSTER_ID_LENGTH } from "../../src/config/settings.ts";
import type { PendingRunConfig } from "../../src/config/types.ts";
import {
  CA_PEM,
  CREDENTIALS,
  CWD,
  DAMAGED_PEM,
  entry,
  fakeEnv,
  fakeFiles,
  load,
  problems,
  problemWith,
  SECRET,
} from "./_config_fixtures.ts";

const K = { KAFKA_CREDENTIALS: CREDENTIALS };
const creds = (...entries: unknown[]) => ({ KAFKA_CREDENTIALS: JSON.stringify(entries) });

// --- numbers --------------------------------------------------------------------------

Deno.test("bounds: SAMPLING_DAYS above 3650 and WORKERS above 64 are refused, naming the range", async () => {
  const list = await problems({
    env: {
      ...K,
      SAMPLING_DAYS: "36500",
      WORKERS: "1000",
      MAX_CLUSTER_WORKERS: "65",
      MAX_WORKERS_PER_CLUSTER: "100",
    },
  });
  assertEquals(list, [
    'SAMPLING_DAYS: "36500" is more than 3650; use a whole number of days from 1 to 3650, e.g. 7',
    'MAX_CLUSTER_WORKERS: "65" is more than 64; use a whole number of clusters from 1 to 64, ' +
    "e.g. 3",
    'MAX_WORKERS_PER_CLUSTER: "100" is more than 64; use a whole number of workers from 1 to 64, ' +
    "e.g. 8",
    'WORKERS: "1000" is more than 64; use a whole number of workers from 1 to 64, e.g. 4',
  ]);
});

Deno.test("bounds: 1e9 is out of range, 1e400 too large, 0x10 not decimal; 1e3 is a thousand", async () => {
  const list = await problems({
    env: { ...K, SAMPLING_DAYS: "1e9", MIN_SAMPLE_RECORDS: "1e400", SAMPLING_BATCH_SIZE: "0x10" },
  });
  assertEquals(list.length, 3, list.join("\n"));
  assertStringIncludes(problemWith(list, "SAMPLING_DAYS"), '"1e9" is more than 3650');
  assertStringIncludes(problemWith(list, "MIN_SAMPLE_RECORDS"), '"1e400" is too large; use');
  assertStringIncludes(
    problemWith(list, "SAMPLING_BATCH_SIZE"),
    '"0x10" is not a whole number in decimal digits; use',
  );
  const { settings } = await load({ env: { ...K, SAMPLING_BATCH_SIZE: "1e3" } });
  assertEquals(settings.sampling.batchSize, 1000);
});

Deno.test("bounds: every number setting has an upper bound, shown in --help", () => {
  const flat = helpText().replace(/\s+/g, " ");
  for (
    const text of [
      "Accepted: from 1 to 3650.",
      "Accepted: from 1 to 64.",
      "Accepted: > 0 and ≤ 3600.",
      "Accepted: > 0 and ≤ 86400.",
      "Accepted: from 1 to 1000000.",
    ]
  ) assertStringIncludes(flat, text);
});

Deno.test("REQUEST_TIMEOUT_SECONDS and METRICS_API_DEADLINE_SECONDS: seconds in, milliseconds out, bounded", async () => {
  const { settings } = await load({
    argv: ["--request-timeout-seconds", "2.5"],
    env: { ...K, METRICS_API_DEADLINE_SECONDS: "60" },
  });
  assertEquals([settings.requestTimeoutMs, settings.metricsApiDeadlineMs], [2_500, 60_000]);
  const list = await problems({
    env: { ...K, REQUEST_TIMEOUT_SECONDS: "0", METRICS_API_DEADLINE_SECONDS: "86401" },
  });
  assertEquals(list, [
    'REQUEST_TIMEOUT_SECONDS: "0" is not more than 0; use a number of seconds > 0 and ≤ 3600, ' +
    "e.g. 30",
    'METRICS_API_DEADLINE_SECONDS: "86401" is more than 86400; use a number of seconds > 0 and ' +
    "≤ 86400, e.g. 900",
  ]);
});

// --- URL and OUTPUT_DIR -----------------------------------------------------------------

Deno.test("CONFLUENT_METRICS_API_URL must be an http(s) URL, named in the problem", async () => {
  assertEquals(await problems({ env: { ...K, CONFLUENT_METRICS_API_URL: "not a url" } }), [
    'CONFLUENT_METRICS_API_URL: "not a url" is not a URL; use one like ' +
    "https://api.telemetry.confluent.cloud",
  ]);
  assertEquals(await problems({ argv: ["--confluent-metrics-api-url", "ftp://host/x"] }), [
    'CONFLUENT_METRICS_API_URL (--confluent-metrics-api-url): "ftp://host/x" is not an http or ' +
    "https URL; use one like https://api.telemetry.confluent.cloud",
  ]);
  const withPassword = await problems({
    env: { ...K, CONFLUENT_METRICS_API_URL: `https://key:${SECRET}@proxy.example` },
  });
  assertEquals(withPassword.length, 1);
  assertStringIncludes(withPassword[0]!, "holds a user name or password");
  const ok = await load({ env: { ...K, CONFLUENT_METRICS_API_URL: "http://127.0.0.1:8080/" } });
  assertEquals(ok.settings.metricsApiUrl, "http://127.0.0.1:8080/");
});

Deno.test("OUTPUT_DIR with a comma (it would widen the --allow-write grant) or a control character is refused", async () => {
  assertEquals(await problems({ env: { ...K, OUTPUT_DIR: "out,/elsewhere" } }), [
    'OUTPUT_DIR: "out,/elsewhere" contains a comma, which Deno\'s --allow-write reads as a list ' +
    "separator (it would grant each part as a folder); use a folder name without commas",
  ]);
  assertEquals(await problems({ argv: ["--output-dir", "out\nINFO forged"] }), [
    'OUTPUT_DIR (--output-dir): "out\\nINFO forged" contains a control character (a line break, ' +
    "tab or similar)",
  ]);
  // A space is allowed: the task cannot grant such a path, which the write probe reports.
  assertEquals(
    (await load({ env: { ...K, OUTPUT_DIR: "my reports" } })).settings.outputDir,
    "my reports",
  );
});

Deno.test("loadConfig() joins the file system checks' problems to the others, all at once", async () => {
  const seen: string[] = [];
  const err = await loadConfig(
    [],
    fakeEnv({ ...K, SAMPLING_DAYS: "0", OUTPUT_DIR: "out" }),
    fakeFiles({}),
    CWD,
    {
      outputDir: (dir, label) => {
        seen.push(dir);
        return Promise.resolve([`${label}: probe says no`]);
      },
      appendFiles: () => Promise.resolve(["GITHUB_OUTPUT: probe says no"]),
    },
  ).catch((e) => e);
  assert(err instanceof ConfigError);
  assertEquals(err.problems, [
    'SAMPLING_DAYS: "0" is less than 1; use a whole number of days from 1 to 3650, e.g. 7',
    "OUTPUT_DIR: probe says no",
    "GITHUB_OUTPUT: probe says no",
  ]);
  assertEquals(seen, ["out"]);
});

Deno.test("loadConfig() probes no output folder when no report file is written (--format '')", async () => {
  const loaded = await loadConfig(["--format", ""], fakeEnv(K), fakeFiles({}), CWD, {
    outputDir: () => Promise.reject(new Error("must not probe")),
    appendFiles: () => Promise.resolve([]),
  });
  assert("config" in loaded);
});

// --- cluster ids --------------------------------------------------------------------------

Deno.test("kafka_cluster_id with a line break is refused, and shown escaped so it forges no line", async () => {
  const list = await problems({ env: creds(entry({ kafka_cluster_id: "a\nINFO forged" })) });
  assertEquals(list, [
    'KAFKA_CREDENTIALS: item 1 (a\\nINFO forged) "kafka_cluster_id" contains a control ' +
    "character (a line break, tab or similar), which would forge lines in logs and the job " +
    "summary; remove it",
  ]);
  assert(!list[0]!.includes("\n"));
});

Deno.test(`kafka_cluster_id: at most ${MAX_CLUSTER_ID_LENGTH} characters, so every report file name fits in 255 bytes`, async () => {
  await load({ env: creds(entry({ kafka_cluster_id: "x".repeat(MAX_CLUSTER_ID_LENGTH) })) });
  const list = await problems({
    env: creds(entry({ kafka_cluster_id: "x".repeat(MAX_CLUSTER_ID_LENGTH + 72) })),
  });
  assertEquals(list.length, 1);
  assertStringIncludes(
    list[0]!,
    `"kafka_cluster_id" is 200 characters long; at most ${MAX_CLUSTER_ID_LENGTH} are allowed, ` +
      "since it starts the name of every report file",
  );
  assertStringIncludes(list[0]!, `item 1 (${"x".repeat(60)}…)`);
});

Deno.test("kafka_cluster_id: a/b and a_b, or LKC-1 and lkc-1, would share report files: refused naming both", async () => {
  const slash = await problems({
    env: creds(entry({ kafka_cluster_id: "a/b" }), entry({ kafka_cluster_id: "a_b" })),
  });
  assertEquals(slash, [
    "KAFKA_CREDENTIALS: item 2 (a_b) would write the same report files as item 1 (a/b) " +
    '(a_b-recommender-…), since file names turn characters other than letters, digits, ".", ' +
    '"_" and "-" into "_" and some file systems ignore case; give the two clusters ids that ' +
    "differ otherwise",
  ]);
  const cased = await problems({
    env: creds(entry({ kafka_cluster_id: "LKC-1" }), entry({ kafka_cluster_id: "lkc-1" })),
  });
  assertEquals(cased.length, 1);
  assertStringIncludes(
    cased[0]!,
    "item 2 (lkc-1) would write the same report files as item 1 (LKC-1)",
  );
  // The same id twice keeps its own message.
  const same = await problems({ env: creds(entry(), entry()) });
  assertStringIncludes(same[0]!, 'item 2 (lkc-1) has the same "kafka_cluster_id" as item 1');
});

Deno.test("kafka_cluster_id checks apply to entries from AWS Secrets Manager, once fetched", async () => {
  const stored: Record<string, string> = {
    one: JSON.stringify(entry({ kafka_cluster_id: "team/a" })),
    two: JSON.stringify(entry({ kafka_cluster_id: "team_a" })),
    three: JSON.stringify(entry({ kafka_cluster_id: "x\ry" })),
  };
  const client: SecretsClient = {
    getSecretValue: (id) => Promise.resolve({ SecretString: stored[id] }),
  };
  const config: PendingRunConfig = {
    settings: (await load()).settings,
    credentials: null,
    secrets: [],
  };
  config.settings.useAwsSecretsManager = true;
  config.settings.kafkaApiSecretPaths = ["one", "two", "three"].map((secretName) => ({
    regionName: "eu-west-1",
    secretName,
  }));
  const e = await resolveAwsCredentials(config, {
    clientFor: () => client,
    readFile: () => Promise.reject(new Deno.errors.NotFound("none")),
    cwd: CWD,
    env: () => undefined,
  }).catch((e) => e);
  assert(e instanceof ConfigError);
  assertEquals(e.problems.length, 2, e.problems.join("\n"));
  assertStringIncludes(
    e.problems[0]!,
    'KAFKA_API_SECRET_PATHS: item 2: secret "two" in eu-west-1 (team_a) would write the same ' +
      'report files as item 1: secret "one" in eu-west-1 (team/a)',
  );
  assertStringIncludes(e.problems[1]!, '(x\\ry) "kafka_cluster_id" contains a control character');
  for (const p of e.problems) assert(!p.includes(SECRET));
});

// --- CA files ---------------------------------------------------------------------------

Deno.test("ssl.ca.location with PEM markers but no certificate inside is refused, naming the item and file", async () => {
  const list = await problems({
    env: creds(entry({ "ssl.ca.location": "ca.pem" })),
    files: { [`${CWD}/ca.pem`]: DAMAGED_PEM },
  });
  assertEquals(list.length, 1);
  assertStringIncludes(
    list[0]!,
    `KAFKA_CREDENTIALS: item 1 (lkc-1) "ssl.ca.location" file ca.pem (looked for ${CWD}/ca.pem) ` +
      "is damaged: its certificate cannot be parsed (",
  );
  assertStringIncludes(
    list[0]!,
    "use the PEM file of the CA that signed the brokers' certificates",
  );
  const two = await problems({
    env: creds(entry({ "ssl.ca.location": "/ca.pem" })),
    files: { "/ca.pem": CA_PEM + DAMAGED_PEM },
  });
  assertStringIncludes(two[0]!, "certificate 2 of 2 cannot be parsed");
  const key = await problems({
    env: creds(entry({ "ssl.ca.location": "/key.pem" })),
    files: { "/key.pem": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n" },
  });
  assertStringIncludes(key[0]!, "/key.pem holds no certificate");
});

// --- credential files --------------------------------------------------------------------

Deno.test("--kafka-credentials-file and KAFKA_CREDENTIALS_FILE read the JSON from a file, its secrets scrubbed", async () => {
  const files = { [`${CWD}/secrets/kafka.json`]: CREDENTIALS };
  const byFlag = await load({
    argv: ["--kafka-credentials-file", "secrets/kafka.json"],
    env: {},
    files,
  });
  assertEquals(byFlag.credentials.clusters.map((c) => c.clusterId), ["lkc-1"]);
  assertEquals(byFlag.secrets, [SECRET, `KEY:${SECRET}`]);
  const byEnv = await load({ env: { KAFKA_CREDENTIALS_FILE: "secrets/kafka.json" }, files });
  assertEquals(byEnv.credentials.clusters.map((c) => c.clusterId), ["lkc-1"]);
  const cloud = await load({
    argv: ["--method", "metrics-api", "--confluent-cloud-credential-file", "/run/cloud.json"],
    env: K,
    files: {
      "/run/cloud.json": JSON.stringify({
        confluent_cloud_api_key: "CK",
        confluent_cloud_api_secret: SECRET,
      }),
    },
  });
  assertEquals(cloud.credentials.confluentCloud, { apiKey: "CK", apiSecret: SECRET });
  assertEquals(cloud.secrets, [SECRET, `KEY:${SECRET}`, `CK:${SECRET}`]);
});

Deno.test("a credentials file: the flag beats the variable; the same source twice is a problem; problems name the file", async () => {
  const other = JSON.stringify([entry({ kafka_cluster_id: "from-file" })]);
  const files = { [`${CWD}/k.json`]: other };
  const flagWins = await load({ argv: ["--kafka-credentials-file", "k.json"], env: K, files });
  assertEquals(flagWins.credentials.clusters[0]?.clusterId, "from-file");
  const envWins = await load({
    env: K,
    files: { ...files, [`${CWD}/.env`]: "KAFKA_CREDENTIALS_FILE=k.json\n" },
  });
  assertEquals(envWins.credentials.clusters[0]?.clusterId, "lkc-1");
  assertEquals(await problems({ env: { ...K, KAFKA_CREDENTIALS_FILE: "k.json" }, files }), [
    "KAFKA_CREDENTIALS and KAFKA_CREDENTIALS_FILE are both set; give the JSON one way only",
  ]);
  assertEquals(await problems({ argv: ["--kafka-credentials-file", "nope.json"], env: {} }), [
    "KAFKA_CREDENTIALS_FILE (--kafka-credentials-file) nope.json does not exist " +
    `(looked for ${CWD}/nope.json)`,
  ]);
  const invalid = await problems({
    argv: ["--kafka-credentials-file", "/k.json"],
    env: {},
    files: { "/k.json": JSON.stringify([{ kafka_cluster_id: "a", "sasl.password": SECRET }]) },
  });
  assertStringIncludes(
    invalid[0]!,
    'KAFKA_CREDENTIALS_FILE (--kafka-credentials-file) /k.json: item 1 (a) has no "bootstrap.servers"',
  );
});

Deno.test("a credentials file Deno may not read names the variable and KPR_ALLOW_READ", async () => {
  const e = await loadConfig(
    ["--kafka-credentials-file", "/etc/kpr/kafka.json"],
    fakeEnv({}),
    () => Promise.reject(new Deno.errors.NotCapable("Requires read access")),
    CWD,
  ).catch((e) => e);
  assert(e instanceof ConfigError);
  assertEquals(e.problems, [
    "KAFKA_CREDENTIALS_FILE (--kafka-credentials-file) /etc/kpr/kafka.json cannot be read: " +
    "Deno's permissions do not allow it; `deno task analyze` grants it when " +
    "KAFKA_CREDENTIALS_FILE is set in the environment or .env, or add it to KPR_ALLOW_READ; " +
    "with `deno run`, add --allow-read=/etc/kpr/kafka.json",
  ]);
});

Deno.test("--help says secrets are not flag values and names the file flags instead", () => {
  const flat = helpText().replace(/\s+/g, " ");
  assertStringIncludes(flat, "(environment or .env only) KAFKA_CREDENTIALS");
  assertStringIncludes(flat, "Not accepted as a flag (--kafka-credentials)");
  assertStringIncludes(flat, "pass --kafka-credentials-file PATH (or KAFKA_CREDENTIALS_FILE)");
  assertStringIncludes(flat, "Not accepted as a flag (--confluent-cloud-credential)");
  assertStringIncludes(flat, "--confluent-cloud-credential-file PATH");
  assertStringIncludes(flat, "--request-timeout-seconds X REQUEST_TIMEOUT_SECONDS");
});
