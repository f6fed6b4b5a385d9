// --bootstrap-server and --command-config: Kafka's client properties read into a cluster entry,
// with the same checks as KAFKA_CREDENTIALS and the password kept secret.
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { commandConfigEntry, parseJaas } from "../../src/config/_command_config.ts";
import { CA_PEM, CWD, load, problems, problemWith } from "./_config_fixtures.ts";

const PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
const SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule";

Deno.test("parseJaas(): the module, its flag and quoted or bare options, escapes undone", () => {
  const login = parseJaas(`${PLAIN} required username="KEY" password="a \\"b\\" \\\\ c";`);
  assertEquals(login?.module, PLAIN);
  assertEquals(login?.options.get("username"), "KEY");
  assertEquals(login?.options.get("password"), 'a "b" \\ c');
  assertEquals(
    parseJaas(`${SCRAM} required username=bare password="x"`)?.options.get("username"),
    "bare",
  );
  assertEquals(parseJaas("username=KEY password=SECRET"), null);
  assertEquals(parseJaas(`${PLAIN} required username="KEY" password="unclosed;`), null);
});

Deno.test("commandConfigEntry(): properties become a KAFKA_CREDENTIALS entry; unsupported ones are named", () => {
  const text = [
    "# comments and other client settings are fine",
    "client.id=ops",
    "security.protocol=SASL_SSL",
    "sasl.mechanism=SCRAM-SHA-512",
    `sasl.jaas.config=${SCRAM} required \\`,
    '    username="analyst" password="s3cr3t-pa55";',
    "ssl.truststore.location=/etc/kafka/ca.pem",
    "ssl.truststore.type=PEM",
  ].join("\n");
  const { entry, problems } = commandConfigEntry("prod", "b1:9093,b2:9093", text, "FILE");
  assertEquals(problems, []);
  assertEquals(entry, {
    kafka_cluster_id: "prod",
    "bootstrap.servers": "b1:9093,b2:9093",
    "security.protocol": "SASL_SSL",
    "sasl.mechanism": "SCRAM-SHA-512",
    "sasl.username": "analyst",
    "sasl.password": "s3cr3t-pa55",
    "ssl.ca.location": "/etc/kafka/ca.pem",
  });
  const bad = commandConfigEntry(
    "prod",
    "b1:9093",
    [
      "security.protocol=SASL_SSL",
      "sasl.mechanism=PLAIN",
      `sasl.jaas.config=${SCRAM} required username="u" password="s3cr3t-pa55";`,
      "ssl.truststore.location=/etc/kafka/truststore.jks",
      "ssl.keystore.location=/etc/kafka/keystore.jks",
    ].join("\n"),
    "FILE",
  ).problems.join("\n");
  assertStringIncludes(bad, "sasl.mechanism PLAIN does not go with");
  assertStringIncludes(bad, "is a JKS trust store; set ssl.truststore.type=PEM");
  assertStringIncludes(bad, "ssl.keystore.location is set: client certificates");
  assert(!bad.includes("s3cr3t-pa55"), "no value of the file is quoted");
});

Deno.test("loadConfig() -b and --command-config: one cluster, its password a secret, its CA read", async () => {
  const files = {
    [`${CWD}/client.properties`]: [
      "security.protocol=SASL_SSL",
      `sasl.jaas.config=${PLAIN} required username="KEY" password="s3cr3t-pa55";`,
      "ssl.ca.location=ca.pem",
    ].join("\n"),
    [`${CWD}/ca.pem`]: CA_PEM,
  };
  const config = await load({
    argv: ["-b", "kafka-1.internal:9093", "--command-config", "client.properties"],
    env: {},
    files,
  });
  const [cluster] = config.credentials.clusters;
  assertEquals(cluster?.clusterId, "kafka-1.internal");
  assertEquals(cluster?.bootstrapServers, ["kafka-1.internal:9093"]);
  assertEquals(cluster?.sasl, { mechanism: "PLAIN", username: "KEY", password: "s3cr3t-pa55" });
  assertEquals(cluster?.caPem, CA_PEM);
  assert(config.secrets.includes("s3cr3t-pa55"));
  // --cluster-id names it; without a file the connection is PLAINTEXT, as Kafka's tools do.
  const plain = await load({ argv: ["-b", "127.0.0.1:9092", "--cluster-id", "local"], env: {} });
  assertEquals(plain.credentials.clusters[0]?.clusterId, "local");
  assertEquals(plain.credentials.clusters[0]?.securityProtocol, "PLAINTEXT");
});

Deno.test("loadConfig() -b's problems: a missing file, SASL without a user, a second source of clusters", async () => {
  const list = await problems({
    argv: ["-b", "h:9093", "--command-config", "missing.properties"],
    env: {},
  });
  assertStringIncludes(problemWith(list, "missing.properties"), "does not exist");
  const sasl = await problems({
    argv: ["-b", "h:9093", "--command-config", "c.properties"],
    env: {},
    files: { [`${CWD}/c.properties`]: "security.protocol=SASL_SSL\n" },
  });
  assertStringIncludes(problemWith(sasl, "SASL_SSL needs"), "sasl.jaas.config with the user");
  assertEquals(sasl.length, 1, sasl.join("\n"));
  const both = await problems({ argv: ["-b", "h:9093"] });
  assertStringIncludes(problemWith(both, "both name the clusters"), "KAFKA_CREDENTIALS");
  const orphan = await problems({ argv: ["--command-config", "c.properties"], env: {} });
  assertStringIncludes(problemWith(orphan, "COMMAND_CONFIG"), "give both");
});
