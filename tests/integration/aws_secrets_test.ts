// Credentials from AWS Secrets Manager, against a real local moto server reached the SDK's
// standard way (AWS_ENDPOINT_URL_SECRETS_MANAGER): secrets resolve to the same credentials
// KAFKA_CREDENTIALS would give, the CLI analyses the local broker with them, and every way a
// secret can be wrong is one clear configuration error (exit 2) that names the secret and
// region, shows no stack, and never a secret value.
import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../assert.ts";
import { runCli } from "../support/cli.ts";
import { createSecret, freePort, type Moto, startMoto } from "../support/moto.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { resolveAwsCredentials } from "../../src/config/aws_secrets.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { PendingRunConfig } from "../../src/config/types.ts";
import type { JsonReport } from "../../src/report/json.ts";
import { CA_PEM } from "../unit/_config_fixtures.ts";

// Distinctive values, so that finding one in any output is unambiguous.
const PASSWORD = "moto-pa55-XYZ";
const API_SECRET = "moto-api-5ecret-XYZ";
// A real certificate: CA files are parsed when the configuration is loaded.
const PEM = CA_PEM;

async function withMoto(fn: (moto: Moto) => Promise<void>, env?: Record<string, string>) {
  const moto = await startMoto(env === undefined ? {} : { env });
  try {
    await fn(moto);
  } finally {
    await moto.stop();
  }
}

/** The AWS environment of a run: moto's endpoint, dummy keys, and no host ~/.aws files. */
function awsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

const AWS_VARIABLES = [
  ...Object.keys(awsEnv("")),
  "AWS_ENDPOINT_URL",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
];

/** Runs `fn` with these AWS variables (and no others) in this process, which the SDK reads. */
async function withAwsEnv(vars: Record<string, string>, fn: () => Promise<void>) {
  const saved = new Map(AWS_VARIABLES.map((name) => [name, Deno.env.get(name)]));
  for (const name of AWS_VARIABLES) Deno.env.delete(name);
  for (const [name, value] of Object.entries(vars)) Deno.env.set(name, value);
  try {
    await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
}

/** A validated configuration whose credentials are still in Secrets Manager. */
async function pendingConfig(vars: Record<string, string>): Promise<PendingRunConfig> {
  const env = { USE_AWS_SECRETS_MANAGER: "True", ...vars };
  const loaded = await loadConfig([], { get: (n) => env[n as keyof typeof env] }, (path) => {
    throw new Deno.errors.NotFound(path);
  }, "/");
  assert("config" in loaded && loaded.config.credentials === null);
  return loaded.config as PendingRunConfig;
}

const paths = (...items: [region: string, name: string][]) =>
  JSON.stringify(items.map(([region_name, secret_name]) => ({ region_name, secret_name })));

function assertNoSecrets(text: string, values: string[]) {
  for (const v of values) assert(!text.includes(v), `a secret value leaked:\n${text}`);
}

Deno.test("two Kafka secrets (in two regions) and the Confluent secret resolve to the credentials KAFKA_CREDENTIALS would give", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kpr-aws-" });
  await Deno.writeTextFile(join(dir, "ca.pem"), PEM);
  await withMoto(async ({ endpoint }) => {
    await createSecret(endpoint, "us-east-1", "kpr/sasl", {
      kafka_cluster_id: "lkc-sasl",
      "bootstrap.servers": "broker-1:9094,broker-2",
      "sasl.username": "analyst",
      "sasl.password": PASSWORD,
      "sasl.mechanism": "scram-sha-512",
      "ssl.ca.location": "ca.pem",
    });
    // Same name in another region: only region_name tells them apart.
    await createSecret(endpoint, "eu-west-1", "kpr/sasl", {
      kafka_cluster_id: "local-plain",
      "bootstrap.servers": "127.0.0.1:9092",
      "security.protocol": "PLAINTEXT",
    });
    await createSecret(endpoint, "us-east-1", "kpr/confluent", {
      confluent_cloud_api_key: "CCKEY",
      confluent_cloud_api_secret: API_SECRET,
    });
    const config = await pendingConfig({
      KAFKA_API_SECRET_PATHS: paths(["us-east-1", "kpr/sasl"], ["eu-west-1", "kpr/sasl"]),
      CONFLUENT_CLOUD_API_SECRET_PATH: JSON.stringify({
        region_name: "us-east-1",
        secret_name: "kpr/confluent",
      }),
      USE_SAMPLE_RECORDS: "False",
    });
    await withAwsEnv(awsEnv(endpoint), async () => {
      const run = await resolveAwsCredentials(config, { cwd: dir });
      assertEquals(run.credentials, {
        clusters: [
          {
            clusterId: "lkc-sasl",
            bootstrapServers: ["broker-1:9094", "broker-2:9092"],
            securityProtocol: "SASL_SSL",
            sasl: { mechanism: "SCRAM-SHA-512", username: "analyst", password: PASSWORD },
            caPem: PEM,
          },
          {
            clusterId: "local-plain",
            bootstrapServers: ["127.0.0.1:9092"],
            securityProtocol: "PLAINTEXT",
            sasl: null,
            caPem: null,
          },
        ],
        confluentCloud: { apiKey: "CCKEY", apiSecret: API_SECRET },
        prometheus: null,
      });
      assertEquals(run.settings, config.settings);
      // Every password and the whole secret texts are known to the scrubber.
      for (const v of [PASSWORD, API_SECRET]) assert(run.secrets.includes(v), v);
      assert(run.secrets.some((s) => s.includes('"kafka_cluster_id":"local-plain"')));
    });
  });
});

Deno.test("--method prometheus: clusters without bootstrap.servers and the Prometheus credential come from Secrets Manager, scrubbed", async () => {
  await withMoto(async ({ endpoint }) => {
    await createSecret(endpoint, "us-east-1", "kpr/prom-cluster", {
      kafka_cluster_id: "prom-only",
    });
    await createSecret(endpoint, "eu-west-1", "kpr/prometheus", {
      username: "grafana",
      password: PASSWORD,
    });
    await createSecret(endpoint, "us-east-1", "kpr/prom-token", { bearer_token: API_SECRET });
    await createSecret(endpoint, "us-east-1", "kpr/prom-broken", { user: "x", password: PASSWORD });
    const config = (secret: [string, string]) =>
      loadConfig(["--method", "prometheus"], {
        get: (n) =>
          ({
            USE_AWS_SECRETS_MANAGER: "True",
            KAFKA_API_SECRET_PATHS: paths(["us-east-1", "kpr/prom-cluster"]),
            PROMETHEUS_URL: "http://127.0.0.1:9090",
            PROMETHEUS_SECRET_PATH: JSON.stringify({
              region_name: secret[0],
              secret_name: secret[1],
            }),
          })[n],
      }, (path) =>
        Promise.reject(new Deno.errors.NotFound(path)), "/").then((l) => {
          assert("config" in l && l.config.credentials === null);
          return l.config as PendingRunConfig;
        });
    await withAwsEnv(awsEnv(endpoint), async () => {
      const basic = await resolveAwsCredentials(await config(["eu-west-1", "kpr/prometheus"]));
      assertEquals(basic.credentials.clusters.map((c) => [c.clusterId, c.bootstrapServers]), [
        ["prom-only", []],
      ]);
      assertEquals(basic.credentials.prometheus, { username: "grafana", password: PASSWORD });
      for (const v of [PASSWORD, `grafana:${PASSWORD}`]) assert(basic.secrets.includes(v), v);
      const token = await resolveAwsCredentials(await config(["us-east-1", "kpr/prom-token"]));
      assertEquals(token.credentials.prometheus, { bearerToken: API_SECRET });
      assert(token.secrets.includes(API_SECRET));
      const broken = await config(["us-east-1", "kpr/prom-broken"]);
      const e = await assertRejects(() => resolveAwsCredentials(broken), ConfigError);
      assertEquals(e.problems, [
        'PROMETHEUS_SECRET_PATH: secret "kpr/prom-broken" in us-east-1 has no "username"',
      ]);
      assertNoSecrets(e.message, [PASSWORD]);
      assert(
        broken.secrets.includes(PASSWORD),
        "read values are scrubbed even though the run stops",
      );
    });
  });
});

Deno.test("every broken secret is reported at once, naming the secret, its region and the missing keys", async () => {
  await withMoto(async ({ endpoint }) => {
    await createSecret(endpoint, "us-east-1", "kpr/no-keys", {
      kafka_cluster_id: "lkc-partial",
      "sasl.password": PASSWORD,
    });
    await createSecret(endpoint, "us-east-1", "kpr/not-json", `password=${PASSWORD}`);
    await createSecret(endpoint, "us-east-1", "kpr/binary", new TextEncoder().encode(PASSWORD));
    await createSecret(endpoint, "us-east-1", "kpr/list", [{ kafka_cluster_id: "x" }]);
    await createSecret(endpoint, "us-east-1", "kpr/confluent", { confluent_cloud_api_key: "K" });
    const config = await pendingConfig({
      KAFKA_API_SECRET_PATHS: paths(
        ["us-east-1", "kpr/missing"],
        ["us-east-1", "kpr/no-keys"],
        ["us-east-1", "kpr/not-json"],
        ["us-east-1", "kpr/binary"],
        ["us-east-1", "kpr/list"],
      ),
      CONFLUENT_CLOUD_API_SECRET_PATH: JSON.stringify({
        region_name: "us-east-1",
        secret_name: "kpr/confluent",
      }),
      USE_SAMPLE_RECORDS: "False",
    });
    await withAwsEnv(awsEnv(endpoint), async () => {
      const e = await assertRejects(() => resolveAwsCredentials(config), ConfigError);
      assertEquals(e.problems, [
        'KAFKA_API_SECRET_PATHS: item 1: secret "kpr/missing" in us-east-1 was not found; ' +
        'check its "secret_name" and "region_name", and that the AWS credentials are for the ' +
        "account that holds it",
        'KAFKA_API_SECRET_PATHS: item 2: secret "kpr/no-keys" in us-east-1 (lkc-partial) has no ' +
        '"bootstrap.servers" (host:port, comma-separated)',
        'KAFKA_API_SECRET_PATHS: item 2: secret "kpr/no-keys" in us-east-1 (lkc-partial) has no ' +
        '"sasl.username" (security.protocol SASL_SSL needs it)',
        'KAFKA_API_SECRET_PATHS: item 3: secret "kpr/not-json" in us-east-1 is not JSON; store ' +
        '{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", "sasl.username": ' +
        '"KEY", "sasl.password": "SECRET"}',
        'KAFKA_API_SECRET_PATHS: item 4: secret "kpr/binary" in us-east-1 holds binary data ' +
        "(SecretBinary), not text; store the JSON " +
        '{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", "sasl.username": ' +
        '"KEY", "sasl.password": "SECRET"} as its text',
        'KAFKA_API_SECRET_PATHS: item 5: secret "kpr/list" in us-east-1 is not a JSON object ' +
        'like {"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", …}',
        'CONFLUENT_CLOUD_API_SECRET_PATH: secret "kpr/confluent" in us-east-1 has no ' +
        '"confluent_cloud_api_secret"',
      ]);
      assertNoSecrets(e.message, [PASSWORD]);
      // Read values are scrubbed even though the run stops.
      assert(config.secrets.includes(PASSWORD));
      assert(config.secrets.includes(`password=${PASSWORD}`));
    });
  });
});

Deno.test("an endpoint that accepts connections but never answers fails within the timeout", async () => {
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  const endpoint = `http://127.0.0.1:${silent.addr.port}`;
  try {
    const config = await pendingConfig({ KAFKA_API_SECRET_PATHS: paths(["us-east-1", "s"]) });
    await withAwsEnv(awsEnv(endpoint), async () => {
      const started = Date.now();
      const e = await assertRejects(
        () => resolveAwsCredentials(config, { timeoutMs: 500 }),
        ConfigError,
      );
      const took = Date.now() - started;
      assert(took < 3_000, `took ${took} ms`);
      assertStringIncludes(
        e.problems[0] ?? "",
        `item 1: secret "s" in us-east-1 cannot be read: the Secrets Manager endpoint ` +
          `${endpoint} (AWS_ENDPOINT_URL_SECRETS_MANAGER) cannot be reached (no answer within 0.5 s`,
      );
    });
  } finally {
    silent.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});

Deno.test("credentials AWS refuses are named, with the variables to check", async () => {
  // With INITIAL_NO_AUTH_ACTION_COUNT=0 moto checks signatures against its IAM users.
  await withMoto(async ({ endpoint }) => {
    const config = await pendingConfig({ KAFKA_API_SECRET_PATHS: paths(["us-east-1", "s"]) });
    await withAwsEnv({ ...awsEnv(endpoint), AWS_ACCESS_KEY_ID: "AKIAUNKNOWNKEY4242" }, async () => {
      const e = await assertRejects(() => resolveAwsCredentials(config), ConfigError);
      assertEquals(e.problems, [
        'KAFKA_API_SECRET_PATHS: item 1: secret "s" in us-east-1 cannot be read: AWS refused ' +
        "the credentials (access key AKIA…4242 from AWS_ACCESS_KEY_ID) (HTTP 403); check " +
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or AWS_PROFILE, and " +
        "that they have not expired",
      ]);
    });
  }, { INITIAL_NO_AUTH_ACTION_COUNT: "0" });
});

Deno.test("no AWS credentials at all is one problem saying how to provide them", async () => {
  const config = await pendingConfig({ KAFKA_API_SECRET_PATHS: paths(["us-east-1", "s"]) });
  const env = awsEnv(`http://127.0.0.1:${freePort()}`);
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  await withAwsEnv(env, async () => {
    const e = await assertRejects(() => resolveAwsCredentials(config), ConfigError);
    assertStringIncludes(
      e.problems[0] ?? "",
      'secret "s" in us-east-1 cannot be read: no AWS credentials were found; set ' +
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    );
  });
});

// --- through the CLI ----------------------------------------------------------------------

/** The CLI's environment for a run that reads its clusters from Secrets Manager. */
function cliEnv(endpoint: string, secretNames: string[], extra: Record<string, string> = {}) {
  return {
    ...awsEnv(endpoint),
    USE_AWS_SECRETS_MANAGER: "True",
    KAFKA_API_SECRET_PATHS: paths(...secretNames.map((n): [string, string] => ["us-east-1", n])),
    ...extra,
  };
}

async function readDir(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile) files.set(e.name, await Deno.readTextFile(join(dir, e.name)));
  }
  return files;
}

Deno.test("the CLI analyses the local broker with credentials from Secrets Manager (exit 0), and a wrong password in a secret leaks nowhere (exit 3)", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "aws");
  try {
    await withMoto(async ({ endpoint }) => {
      const entry = {
        kafka_cluster_id: "aws-cluster",
        "bootstrap.servers": info.saslSslBootstrap,
        "sasl.username": "analyst",
        "sasl.password": "analyst-secret",
        "ssl.ca.location": info.caFile,
      };
      await createSecret(endpoint, "us-east-1", "kpr/good", entry);
      await createSecret(endpoint, "us-east-1", "kpr/wrong-password", {
        ...entry,
        kafka_cluster_id: "aws-wrong",
        "sasl.password": PASSWORD,
      });

      const cwd = await Deno.makeTempDir({ prefix: "kpr-cli-" });
      const ok = await runCli([], {
        cwd,
        env: cliEnv(endpoint, ["kpr/good"], { TOPIC_FILTER: seeded.prefix }),
      });
      assertEquals(ok.code, 0, ok.stderr);
      const reports = await readDir(join(cwd, "reports"));
      const jsonName = [...reports.keys()].find((n) => n.endsWith("-report.json"));
      assert(jsonName?.startsWith("aws-cluster-") && jsonName, [...reports.keys()].join(", "));
      const report: JsonReport = JSON.parse(reports.get(jsonName)!);
      assertEquals(report.topics.map((t) => [t.topic_name, t.status]), [
        [`${seeded.prefix}busy`, "active"],
      ]);
      assert((report.topics[0]?.records_in_window ?? 0) > 0);
      assertNoSecrets(ok.stdout + ok.stderr + [...reports.values()].join("\n"), [
        "analyst-secret",
      ]);

      const badCwd = await Deno.makeTempDir({ prefix: "kpr-cli-" });
      const bad = await runCli([], {
        cwd: badCwd,
        env: cliEnv(endpoint, ["kpr/wrong-password"], { TOPIC_FILTER: seeded.prefix }),
      });
      // The only cluster refused the password: a configuration problem, exit 2.
      assertEquals(bad.code, 2, bad.stderr);
      assertStringIncludes(bad.stderr, "cluster aws-wrong failed");
      assertStringIncludes(bad.stderr, "SASL authentication failed");
      const badReports = await readDir(join(badCwd, "reports")).catch(() => new Map());
      assertNoSecrets(bad.stdout + bad.stderr + [...badReports.values()].join("\n"), [PASSWORD]);
    });
  } finally {
    await seeded.cleanup();
  }
});

Deno.test("through the CLI, a missing secret, one missing keys, one that is not JSON and an unreachable endpoint each exit 2 with a clear message, no stack and no secret", async (t) => {
  await withMoto(async ({ endpoint }) => {
    await createSecret(endpoint, "us-east-1", "kpr/no-keys", {
      kafka_cluster_id: "lkc-partial",
      "sasl.username": "u",
      "sasl.password": PASSWORD,
    });
    await createSecret(endpoint, "us-east-1", "kpr/not-json", `{password: ${PASSWORD}`);
    const closed = `http://127.0.0.1:${freePort()}`;
    const cases: [string, Record<string, string>, string[]][] = [
      ["a missing secret", cliEnv(endpoint, ["kpr/missing"]), [
        'KAFKA_API_SECRET_PATHS: item 1: secret "kpr/missing" in us-east-1 was not found',
      ]],
      ["a secret missing keys", cliEnv(endpoint, ["kpr/no-keys"]), [
        'item 1: secret "kpr/no-keys" in us-east-1 (lkc-partial) has no "bootstrap.servers"',
      ]],
      ["a secret that is not JSON", cliEnv(endpoint, ["kpr/not-json"]), [
        'item 1: secret "kpr/not-json" in us-east-1 is not JSON; store {"kafka_cluster_id"',
      ]],
      ["an unreachable endpoint", cliEnv(closed, ["kpr/any"]), [
        `item 1: secret "kpr/any" in us-east-1 cannot be read: the Secrets Manager endpoint ` +
        `${closed} (AWS_ENDPOINT_URL_SECRETS_MANAGER) cannot be reached (the connection was ` +
        "refused); check AWS_ENDPOINT_URL_SECRETS_MANAGER and the network (proxy, firewall)",
      ]],
    ];
    for (const [what, env, expected] of cases) {
      await t.step(what, async () => {
        for (const args of [[], ["--verbose"]]) {
          const started = Date.now();
          const r = await runCli(args, { env });
          assertEquals(r.code, 2, r.stderr);
          assert(Date.now() - started < 20_000, `${what} took ${Date.now() - started} ms`);
          assertStringIncludes(r.stderr, "a configuration problem");
          for (const text of expected) assertStringIncludes(r.stderr, text);
          assert(!r.stderr.includes("    at "), `a stack trace was printed:\n${r.stderr}`);
          assertNoSecrets(r.stdout + r.stderr, [PASSWORD]);
        }
      });
    }
  });
});

Deno.test("a permission the AWS SDK lacks is a configuration error naming the flag, not a stack", async () => {
  await withMoto(async ({ endpoint }) => {
    const port = new URL(endpoint).port;
    // The SDK reads os.release() for its user agent: --allow-sys=osRelease is left out.
    const r = await runCli([], {
      env: cliEnv(endpoint, ["kpr/any"]),
      permissions: [
        `--allow-net=127.0.0.1:${port}`,
        "--allow-env",
        "--allow-read",
        "--allow-write",
      ],
    });
    assertEquals(r.code, 2, r.stderr);
    assertStringIncludes(
      r.stderr,
      'secret "kpr/any" in us-east-1 cannot be read: Deno\'s permissions do not allow it ' +
        '(Requires sys access to "osRelease", run again with the --allow-sys flag)',
    );
    assert(!r.stderr.includes("    at "), r.stderr);
  });
});
