// Fault cases in what users give the analyzer: secrets on the command line, and settings
// that are wrong, out of range, or would widen a permission grant. Each is refused with exit
// 2, naming the setting and how to fix it, before any cluster is contacted (a listener that
// stands in for the cluster counts the connections: none), and no secret is echoed.
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";

const SECRET = "s3cr3t-Pa55-do-not-print";

Deno.test("fault: a secret given as a flag value is refused with exit 2, echoed nowhere, naming the file flag", async () => {
  const json = kafkaCredentials([{
    kafka_cluster_id: "a",
    "bootstrap.servers": "127.0.0.1:1",
    "sasl.username": "u",
    "sasl.password": SECRET,
  }]);
  const cloud = JSON.stringify({
    confluent_cloud_api_key: "K",
    confluent_cloud_api_secret: SECRET,
  });
  for (
    const [args, file] of [
      [["--kafka-credentials", json], "--kafka-credentials-file PATH"],
      [[`--kafka-credentials=${json}`], "--kafka-credentials-file PATH"],
      [["--confluent-cloud-credential", cloud], "--confluent-cloud-credential-file PATH"],
    ] as const
  ) {
    const r = await runCli([...args], { env: { KAFKA_CREDENTIALS: json } });
    assertEquals(r.code, 2, r.stderr);
    assertStringIncludes(r.stderr, `${args[0].split("=")[0]} is not accepted`);
    assertStringIncludes(r.stderr, file);
    assert(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET), "never echoed");
  }
});

Deno.test("fault: OUTPUT_DIR with a comma, clashing, long and forged cluster ids, days and workers past their caps, a bad URL, a damaged CA file, GitHub files in a missing folder: exit 2 naming each, before any cluster is contacted", async () => {
  // The cluster's bootstrap: a listener that counts who connects.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })();
  const cwd = await Deno.makeTempDir({ prefix: "kpr-cli-" });
  await Deno.writeTextFile(
    join(cwd, "ca.pem"),
    "-----BEGIN CERTIFICATE-----\nMIIBgarbage\n-----END CERTIFICATE-----\n",
  );
  const entry = (id: string, extra: Record<string, string> = {}) => ({
    kafka_cluster_id: id,
    "bootstrap.servers": `127.0.0.1:${listener.addr.port}`,
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.username": "u",
    "sasl.password": SECRET,
    ...extra,
  });
  try {
    const r = await runCli([], {
      cwd,
      env: {
        KAFKA_CREDENTIALS: kafkaCredentials([
          entry("team/a"),
          entry("team_a"),
          entry("x".repeat(200)),
          entry("line\nINFO forged"),
          entry("tls", { "security.protocol": "SASL_SSL", "ssl.ca.location": "ca.pem" }),
        ]),
        OUTPUT_DIR: "out,/elsewhere",
        SAMPLING_DAYS: "36500",
        WORKERS: "1000",
        CONFLUENT_METRICS_API_URL: "not a url",
        GITHUB_OUTPUT: join(cwd, "missing-folder", "output"),
        GITHUB_STEP_SUMMARY: join(cwd, "missing-folder", "summary.md"),
      },
    });
    assertEquals(r.code, 2, r.stderr);
    for (
      const fragment of [
        "10 configuration problems",
        'OUTPUT_DIR: "out,/elsewhere" contains a comma',
        'SAMPLING_DAYS: "36500" is more than 3650',
        'WORKERS: "1000" is more than 64',
        'CONFLUENT_METRICS_API_URL: "not a url" is not a URL',
        "item 2 (team_a) would write the same report files as item 1 (team/a)",
        '"kafka_cluster_id" is 200 characters long; at most 128',
        'item 4 (line\\nINFO forged) "kafka_cluster_id" contains a control character',
        'item 5 (tls) "ssl.ca.location" file ca.pem',
        "is damaged: its certificate cannot be parsed",
        "GITHUB_OUTPUT: the folder of",
        "GITHUB_STEP_SUMMARY: the folder of",
      ]
    ) assertStringIncludes(r.stderr, fragment);
    assert(!r.stderr.includes("\nINFO forged"), "the id's line break is not printed raw");
    assert(!r.stderr.includes(SECRET));
    assertEquals(connections, 0, "no cluster was contacted");
    assertEquals([...Deno.readDirSync(cwd)].map((e) => e.name), ["ca.pem"], "nothing written");
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
});

Deno.test("fault: an OUTPUT_DIR that cannot be created is exit 2 naming the setting, before any cluster is contacted", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })();
  const cwd = await Deno.makeTempDir({ prefix: "kpr-cli-" });
  await Deno.writeTextFile(join(cwd, "taken"), "a file, not a folder");
  try {
    const r = await runCli(["--output-dir", "taken/reports"], {
      cwd,
      env: {
        KAFKA_CREDENTIALS: kafkaCredentials([{
          kafka_cluster_id: "c",
          "bootstrap.servers": `127.0.0.1:${listener.addr.port}`,
          "security.protocol": "PLAINTEXT",
        }]),
      },
    });
    assertEquals(r.code, 2, r.stderr);
    assertStringIncludes(
      r.stderr,
      `OUTPUT_DIR (--output-dir): taken/reports (${cwd}/taken/reports) cannot be created: ` +
        `${cwd}/taken is a file`,
    );
    assertEquals(connections, 0);
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
});
