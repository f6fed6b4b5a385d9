// Unit tests for credential resolution: KAFKA_CREDENTIALS entries (the reference tool's shape
// plus protocol, mechanism and CA file), CONFLUENT_CLOUD_CREDENTIAL, and AWS Secrets Manager
// paths. Every failing case also checks (in problems()) that the password is never echoed.

import { assertEquals, assertStringIncludes } from "../assert.ts";
import {
  CA_PEM,
  CWD,
  entry,
  load,
  loadAny,
  problems,
  problemWith,
  SECRET,
} from "./_config_fixtures.ts";

const creds = (...entries: unknown[]) => ({ KAFKA_CREDENTIALS: JSON.stringify(entries) });

Deno.test("KAFKA_CREDENTIALS: a reference-shaped entry means SASL_SSL with PLAIN and the system CAs", async () => {
  const config = await load({ env: creds(entry()) });
  assertEquals(config.credentials.clusters, [{
    clusterId: "lkc-1",
    bootstrapServers: ["broker-1:9092", "broker-2:9092"],
    securityProtocol: "SASL_SSL",
    sasl: { mechanism: "PLAIN", username: "KEY", password: SECRET },
    caPem: null,
  }]);
  assertEquals(config.credentials.confluentCloud, null);
  assertEquals(config.secrets, [SECRET, `KEY:${SECRET}`]);
});

Deno.test("KAFKA_CREDENTIALS: a PLAINTEXT entry needs only kafka_cluster_id and bootstrap.servers", async () => {
  const config = await load({
    env: creds({
      kafka_cluster_id: "local",
      "bootstrap.servers": "localhost:9092",
      "security.protocol": "PLAINTEXT",
    }),
  });
  assertEquals(config.credentials.clusters, [{
    clusterId: "local",
    bootstrapServers: ["localhost:9092"],
    securityProtocol: "PLAINTEXT",
    sasl: null,
    caPem: null,
  }]);
});

Deno.test("KAFKA_CREDENTIALS: SCRAM mechanisms over SASL_PLAINTEXT, names in any case", async () => {
  const config = await load({
    env: creds(
      entry({ "security.protocol": "sasl_plaintext", "sasl.mechanism": "SCRAM-SHA-512" }),
      entry({ kafka_cluster_id: "lkc-2", "sasl.mechanism": "scram-sha-256" }),
    ),
  });
  const [a, b] = config.credentials.clusters;
  assertEquals([a?.securityProtocol, a?.sasl?.mechanism], ["SASL_PLAINTEXT", "SCRAM-SHA-512"]);
  assertEquals([b?.securityProtocol, b?.sasl?.mechanism], ["SASL_SSL", "SCRAM-SHA-256"]);
});

Deno.test("KAFKA_CREDENTIALS: ssl.ca.location is read relative to the working directory", async () => {
  const config = await load({
    env: creds(entry({ "ssl.ca.location": "certs/ca.pem" })),
    files: { [`${CWD}/certs/ca.pem`]: CA_PEM },
  });
  assertEquals(config.credentials.clusters[0]?.caPem, CA_PEM);
  const absolute = await load({
    env: creds(entry({ "ssl.ca.location": "/etc/kafka/ca.pem" })),
    files: { "/etc/kafka/ca.pem": CA_PEM },
  });
  assertEquals(absolute.credentials.clusters[0]?.caPem, CA_PEM);
});

Deno.test("KAFKA_CREDENTIALS: a missing CA file is a problem naming the entry and the path", async () => {
  const list = await problems({ env: creds(entry({ "ssl.ca.location": "ca.pem" })) });
  assertEquals(list, [
    `KAFKA_CREDENTIALS: item 1 (lkc-1) "ssl.ca.location" file ca.pem does not exist ` +
    `(looked for ${CWD}/ca.pem)`,
  ]);
});

Deno.test("KAFKA_CREDENTIALS: a CA file that is not PEM is a problem", async () => {
  const list = await problems({
    env: creds(entry({ "ssl.ca.location": "/ca.der" })),
    files: { "/ca.der": "\x30\x82binary" },
  });
  assertEquals(list, [
    'KAFKA_CREDENTIALS: item 1 (lkc-1) "ssl.ca.location" file /ca.der is not a PEM file ' +
    '(no "-----BEGIN CERTIFICATE-----" line)',
  ]);
});

Deno.test("KAFKA_CREDENTIALS: SASL_SSL without sasl.username is a problem", async () => {
  const e = entry();
  delete e["sasl.username"];
  const list = await problems({ env: creds(entry({ kafka_cluster_id: "ok" }), e) });
  assertEquals(list, [
    'KAFKA_CREDENTIALS: item 2 (lkc-1) has no "sasl.username" (security.protocol SASL_SSL needs it)',
  ]);
});

Deno.test("KAFKA_CREDENTIALS: no bootstrap.servers, reported by item number", async () => {
  const e = entry({ kafka_cluster_id: "lkc-2" });
  delete e["bootstrap.servers"];
  const list = await problems({ env: creds(entry(), e) });
  assertStringIncludes(
    problemWith(list, "bootstrap"),
    'KAFKA_CREDENTIALS: item 2 (lkc-2) has no "bootstrap.servers"',
  );
});

Deno.test("KAFKA_CREDENTIALS: an unknown protocol or mechanism is named without echoing it", async () => {
  const list = await problems({
    env: creds(entry({ "security.protocol": "TLS", "sasl.mechanism": `GSSAPI-${SECRET}` })),
  });
  assertEquals(list, [
    'KAFKA_CREDENTIALS: item 1 (lkc-1) "security.protocol" is not one of PLAINTEXT, SSL, ' +
    "SASL_PLAINTEXT, SASL_SSL",
    'KAFKA_CREDENTIALS: item 1 (lkc-1) "sasl.mechanism" is not one of PLAIN, SCRAM-SHA-256, ' +
    "SCRAM-SHA-512",
  ]);
});

Deno.test("KAFKA_CREDENTIALS: wrong types, empty values and misspelt keys", async () => {
  const list = await problems({
    env: creds({
      kafka_cluster_id: "",
      "bootstrap.servers": "broker:9092",
      "sasl.usrname": "KEY",
      "sasl.password": 12345,
    }),
  });
  assertEquals(list, [
    'KAFKA_CREDENTIALS: item 1 "kafka_cluster_id" is empty',
    'KAFKA_CREDENTIALS: item 1 "sasl.password" is not a string',
    'KAFKA_CREDENTIALS: item 1 has "sasl.usrname"; did you mean "sasl.username"?',
    'KAFKA_CREDENTIALS: item 1 has no "sasl.username" (security.protocol SASL_SSL needs it)',
  ]);
});

Deno.test("KAFKA_CREDENTIALS: duplicate cluster ids and bad host:port entries", async () => {
  const list = await problems({
    env: creds(entry(), entry({ "bootstrap.servers": "good:9092, bad:port:1" })),
  });
  assertEquals(list, [
    'KAFKA_CREDENTIALS: item 2 (lkc-1) has the same "kafka_cluster_id" as item 1; each cluster ' +
    "needs its own",
    'KAFKA_CREDENTIALS: item 2 (lkc-1) "bootstrap.servers" entry 2 is not host:port, e.g. ' +
    "broker-1:9092",
  ]);
});

Deno.test("KAFKA_CREDENTIALS: a host without a port gets librdkafka's 9092; scheme prefixes are dropped", async () => {
  const config = await load({
    env: creds(entry({ "bootstrap.servers": "SASL_SSL://b1:9093,b2" })),
  });
  assertEquals(config.credentials.clusters[0]?.bootstrapServers, ["b1:9093", "b2:9092"]);
});

Deno.test("KAFKA_CREDENTIALS: not a list, an empty list, a list of non-objects", async () => {
  const single = await problems({ env: { KAFKA_CREDENTIALS: JSON.stringify(entry()) } });
  assertStringIncludes(
    single[0]!,
    "KAFKA_CREDENTIALS is not a JSON list (wrap the single entry in [ ])",
  );
  const empty = await problems({ env: { KAFKA_CREDENTIALS: "[]" } });
  assertStringIncludes(empty[0]!, "KAFKA_CREDENTIALS is an empty list");
  const strings = await problems({ env: { KAFKA_CREDENTIALS: JSON.stringify([SECRET]) } });
  assertStringIncludes(strings[0]!, "KAFKA_CREDENTIALS: item 1 is not a JSON object");
});

Deno.test("KAFKA_CREDENTIALS: invalid JSON gives the position, never a snippet", async () => {
  // What V8's JSON.parse would put in its message: `Unexpected token 's', "[{"sasl.pa"... `.
  const text = `[{"sasl.password": ${SECRET}}]`;
  const list = await problems({ env: { KAFKA_CREDENTIALS: text } });
  assertEquals(list, ["KAFKA_CREDENTIALS is not valid JSON (at position 19)"]);
  const fromFile = await problems({
    argv: ["--kafka-credentials-file", "creds.json"],
    env: {},
    files: { [`${CWD}/creds.json`]: `[{"sasl.password": "${SECRET}"` },
  });
  assertEquals(fromFile, [
    "KAFKA_CREDENTIALS_FILE (--kafka-credentials-file) creds.json is not valid JSON " +
    "(at position 32)",
  ]);
});

Deno.test("KAFKA_CREDENTIALS is required unless AWS Secrets Manager is used", async () => {
  const list = await problems({ env: {} });
  assertEquals(list.length, 1);
  assertStringIncludes(
    list[0]!,
    "KAFKA_CREDENTIALS (or KAFKA_CREDENTIALS_FILE / --kafka-credentials-file) is not set;",
  );
});

// --- CONFLUENT_CLOUD_CREDENTIAL ---------------------------------------------------------

Deno.test("CONFLUENT_CLOUD_CREDENTIAL is required with --method metrics-api only", async () => {
  await load({ argv: ["--method", "sampling"] });
  const list = await problems({ argv: ["--method", "metrics-api"] });
  assertEquals(list.length, 1);
  assertStringIncludes(
    list[0]!,
    "CONFLUENT_CLOUD_CREDENTIAL (or CONFLUENT_CLOUD_CREDENTIAL_FILE / " +
      "--confluent-cloud-credential-file) is not set;",
  );
});

Deno.test("CONFLUENT_CLOUD_CREDENTIAL problems name the key, not the value", async () => {
  const base = { KAFKA_CREDENTIALS: JSON.stringify([entry()]), USE_SAMPLE_RECORDS: "False" };
  const missing = await problems({
    env: {
      ...base,
      CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({ confluent_cloud_api_key: SECRET }),
    },
  });
  assertEquals(missing, ['CONFLUENT_CLOUD_CREDENTIAL has no "confluent_cloud_api_secret"']);
  const broken = await problems({
    env: { ...base, CONFLUENT_CLOUD_CREDENTIAL: `{"k": ${SECRET}` },
  });
  assertEquals(broken, ["CONFLUENT_CLOUD_CREDENTIAL is not valid JSON (at position 6)"]);
});

// --- AWS Secrets Manager ----------------------------------------------------------------

const PATH = { region_name: "eu-west-1", secret_name: "kafka/prod" };

Deno.test("USE_AWS_SECRETS_MANAGER leaves credentials to be fetched and validates the paths", async () => {
  const config = await loadAny({
    env: {
      USE_AWS_SECRETS_MANAGER: "True",
      KAFKA_API_SECRET_PATHS: JSON.stringify([PATH]),
      // Not used with AWS Secrets Manager, but its password is still scrubbed from output.
      KAFKA_CREDENTIALS: JSON.stringify([entry()]),
    },
  });
  assertEquals(config.credentials, null);
  assertEquals(config.settings.useAwsSecretsManager, true);
  assertEquals(config.settings.kafkaApiSecretPaths, [{
    regionName: "eu-west-1",
    secretName: "kafka/prod",
  }]);
  assertEquals(config.settings.confluentCloudApiSecretPath, null);
  assertEquals(config.secrets, [SECRET, `KEY:${SECRET}`]);
});

Deno.test("USE_AWS_SECRETS_MANAGER needs KAFKA_API_SECRET_PATHS, well-formed", async () => {
  const unset = await problems({ env: { USE_AWS_SECRETS_MANAGER: "1" } });
  assertEquals(unset.length, 1);
  assertStringIncludes(
    unset[0]!,
    "KAFKA_API_SECRET_PATHS (or --kafka-api-secret-paths) is not set;",
  );
  const bad = await problems({
    argv: ["--use-aws-secrets-manager"],
    env: { KAFKA_API_SECRET_PATHS: JSON.stringify([PATH, { region_name: "x" }, "y"]) },
  });
  assertEquals(bad, [
    'KAFKA_API_SECRET_PATHS: item 2 has no "secret_name"',
    'KAFKA_API_SECRET_PATHS: item 3 is not a JSON object like {"region_name": "us-east-1", ' +
    '"secret_name": "NAME"}',
  ]);
});

Deno.test("USE_AWS_SECRETS_MANAGER with metrics-api needs CONFLUENT_CLOUD_API_SECRET_PATH", async () => {
  const env = { USE_AWS_SECRETS_MANAGER: "True", KAFKA_API_SECRET_PATHS: JSON.stringify([PATH]) };
  const list = await problems({ argv: ["--method", "metrics-api"], env });
  assertEquals(list.length, 1);
  assertStringIncludes(
    list[0]!,
    "CONFLUENT_CLOUD_API_SECRET_PATH (or --confluent-cloud-api-secret-path) is not set",
  );
  const config = await loadAny({
    argv: ["--method", "metrics-api"],
    env: { ...env, CONFLUENT_CLOUD_API_SECRET_PATH: JSON.stringify(PATH) },
  });
  assertEquals(config.settings.confluentCloudApiSecretPath, {
    regionName: "eu-west-1",
    secretName: "kafka/prod",
  });
});
