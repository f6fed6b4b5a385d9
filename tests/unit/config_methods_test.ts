// The settings of the Prometheus and replay methods and of saved measurements: what each
// method requires, the Prometheus URL, selector and credentials (environment, .env, files,
// AWS Secrets Manager; never a flag value, never echoed, always scrubbed), KAFKA_CREDENTIALS
// entries without bootstrap.servers, and the file checks of SAVE_MEASUREMENTS and
// MEASUREMENTS_FILE.

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { helpText, loadConfig, parseArgs } from "../../src/config/mod.ts";
import { resolveAwsCredentials, type SecretsClient } from "../../src/config/aws_secrets.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { preflight } from "../../src/cli/preflight.ts";
import { extraPermissions } from "../../src/permission_flags.ts";
import {
  CREDENTIALS,
  CWD,
  fakeEnv,
  fakeFiles,
  load,
  loadAny,
  problems,
  problemWith,
  SECRET,
} from "./_config_fixtures.ts";

const K = { KAFKA_CREDENTIALS: CREDENTIALS };
const P = { ...K, PROMETHEUS_URL: "http://prometheus:9090" };
const prometheus = ["--method", "prometheus"];

Deno.test("--method prometheus needs PROMETHEUS_URL, an http(s) URL without a password in it", async () => {
  assertStringIncludes(
    problemWith(await problems({ argv: prometheus }), "PROMETHEUS_URL"),
    "PROMETHEUS_URL (or --prometheus-url) is not set; --method prometheus reads the brokers' " +
      "metrics from it",
  );
  assertEquals(await problems({ argv: [...prometheus, "--prometheus-url", "not a url"] }), [
    'PROMETHEUS_URL (--prometheus-url): "not a url" is not a URL; use one like ' +
    "http://prometheus:9090",
  ]);
  assertEquals(await problems({ argv: prometheus, env: { ...K, PROMETHEUS_URL: "prom:9090" } }), [
    'PROMETHEUS_URL: "prom:9090" is not an http or https URL; use one like http://prometheus:9090',
  ]);
  const withPassword = await problems({
    argv: prometheus,
    env: { ...K, PROMETHEUS_URL: `https://admin:${SECRET}@prom.example` },
  });
  assertEquals(withPassword, [
    "PROMETHEUS_URL: holds a user name or password; give PROMETHEUS_BEARER_TOKEN, or " +
    "PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD instead and use one like http://prometheus:9090",
  ]);
  const { settings, credentials } = await load({ argv: prometheus, env: P });
  assertEquals(settings.method, "prometheus");
  assertEquals(settings.prometheus, {
    url: "http://prometheus:9090",
    metrics: "auto",
    selector: "",
    secretPath: null,
  });
  assertEquals(credentials.prometheus, null);
  // Other methods do not need it.
  await load({ argv: ["--method", "sampling"] });
});

Deno.test("PROMETHEUS_METRICS takes auto, jmx, kafka-exporter or redpanda, in any case", async () => {
  const r = await load({ argv: prometheus, env: { ...P, PROMETHEUS_METRICS: "Kafka_Exporter" } });
  assertEquals(r.settings.prometheus.metrics, "kafka_exporter");
  assertEquals(await problems({ argv: [...prometheus, "--prometheus-metrics=strimzi"], env: P }), [
    'PROMETHEUS_METRICS (--prometheus-metrics): "strimzi" is not one of auto, jmx, ' +
    "kafka-exporter, redpanda; use one of auto, jmx, kafka-exporter, redpanda",
  ]);
});

Deno.test("PROMETHEUS_SELECTOR: PromQL label matchers (=, !=, =~, !~), kept joined by commas", async () => {
  for (
    const [given, kept] of [
      ['cluster="prod"', 'cluster="prod"'],
      [' cluster = "prod" , env=~"eu-.*",', 'cluster = "prod",env=~"eu-.*"'],
      [`job!="x,y", __name__!~'kafka_.+'`, `job!="x,y",__name__!~'kafka_.+'`],
      ['team="a \\"b\\""', 'team="a \\"b\\""'],
    ] as const
  ) {
    const r = await load({ env: { ...K, PROMETHEUS_SELECTOR: given } });
    assertEquals(r.settings.prometheus.selector, kept, given);
  }
  for (
    const bad of ["prod", "cluster=prod", '{cluster="prod"}', 'cluster="prod" env="eu"', '1x="a"']
  ) {
    const [problem] = await problems({ env: { ...K, PROMETHEUS_SELECTOR: bad } });
    assertStringIncludes(
      problem!,
      `PROMETHEUS_SELECTOR: ${JSON.stringify(bad)} is not a comma-separated list of PromQL label ` +
        "matchers",
    );
  }
});

Deno.test("Prometheus credentials: a bearer token, or a user name and password, from the environment or .env", async () => {
  const token = await load({ argv: prometheus, env: { ...P, PROMETHEUS_BEARER_TOKEN: SECRET } });
  assertEquals(token.credentials.prometheus, { bearerToken: SECRET });
  assert(token.secrets.includes(SECRET));
  const basic = await load({
    argv: prometheus,
    env: { ...P, PROMETHEUS_USERNAME: "grafana" },
    files: { [`${CWD}/.env`]: `PROMETHEUS_PASSWORD='${SECRET}'\n` },
  });
  assertEquals(basic.credentials.prometheus, { username: "grafana", password: SECRET });
  // The password, and `user:password` as HTTP Basic encodes it.
  assert(basic.secrets.includes(SECRET) && basic.secrets.includes(`grafana:${SECRET}`));
});

Deno.test("Prometheus credentials from files: a final line break is not part of them", async () => {
  const r = await load({
    argv: [...prometheus, "--prometheus-bearer-token-file", "/run/secrets/token"],
    env: P,
    files: { "/run/secrets/token": `${SECRET}\n` },
  });
  assertEquals(r.credentials.prometheus, { bearerToken: SECRET });
  const basic = await load({
    argv: prometheus,
    env: { ...P, PROMETHEUS_USERNAME: "u", PROMETHEUS_PASSWORD_FILE: "pw.txt" },
    files: { [`${CWD}/pw.txt`]: "prom-pa55\r\n" },
  });
  assertEquals(basic.credentials.prometheus, { username: "u", password: "prom-pa55" });
  assertEquals(basic.secrets.slice(-2), ["prom-pa55", "u:prom-pa55"]);
  assertEquals(
    await problems({
      argv: prometheus,
      env: { ...P, PROMETHEUS_BEARER_TOKEN_FILE: "/empty" },
      files: { "/empty": "\n" },
    }),
    ["PROMETHEUS_BEARER_TOKEN_FILE /empty is empty"],
  );
});

Deno.test("Prometheus credentials: a token and a password together, or half a pair, is a problem that echoes neither", async () => {
  const both = await problems({
    argv: prometheus,
    env: {
      ...P,
      PROMETHEUS_BEARER_TOKEN: SECRET,
      PROMETHEUS_USERNAME: "u",
      PROMETHEUS_PASSWORD: SECRET,
    },
  });
  assertEquals(both, [
    "PROMETHEUS_BEARER_TOKEN and PROMETHEUS_USERNAME / PROMETHEUS_PASSWORD are both set; give a " +
    "bearer token or a user name and password, not both",
  ]);
  assertEquals(await problems({ argv: [...prometheus, "--prometheus-username", "u"], env: P }), [
    "PROMETHEUS_USERNAME (--prometheus-username) is set but PROMETHEUS_PASSWORD (or " +
    "PROMETHEUS_PASSWORD_FILE / --prometheus-password-file) is not; give both",
  ]);
  assertEquals(await problems({ argv: prometheus, env: { ...P, PROMETHEUS_PASSWORD: SECRET } }), [
    "PROMETHEUS_PASSWORD is set but PROMETHEUS_USERNAME (or --prometheus-username) is not; give both",
  ]);
});

Deno.test("Prometheus secrets are refused as flag values, in every spelling, and never echoed", () => {
  for (
    const [argv, file] of [
      [["--prometheus-bearer-token", SECRET], "--prometheus-bearer-token-file"],
      [[`--prometheus-bearer-token=${SECRET}`], "--prometheus-bearer-token-file"],
      [["--prometheus-password", SECRET], "--prometheus-password-file"],
    ] as const
  ) {
    const { values, problems } = parseArgs(argv);
    assertEquals(values.size, 0);
    assertEquals(problems.length, 1, problems.join("\n"));
    assert(!problems[0]!.includes(SECRET), problems[0]);
    assertStringIncludes(problems[0]!, `put the value in a file and pass ${file} PATH`);
  }
});

Deno.test("Prometheus secrets are scrubbed even when another method runs", async () => {
  const r = await load({
    env: {
      ...K,
      PROMETHEUS_BEARER_TOKEN: "tok-123",
      PROMETHEUS_USERNAME: "u",
      PROMETHEUS_PASSWORD: "pw-456",
    },
  });
  assertEquals(r.credentials.prometheus, null);
  for (const s of ["tok-123", "pw-456", "u:pw-456"]) assert(r.secrets.includes(s), s);
});

Deno.test("KAFKA_CREDENTIALS entries may leave out bootstrap.servers with --method prometheus only", async () => {
  const noServers = JSON.stringify([{ kafka_cluster_id: "prod-eu" }]);
  const r = await load({ argv: prometheus, env: { ...P, KAFKA_CREDENTIALS: noServers } });
  assertEquals(r.credentials.clusters, [{
    clusterId: "prod-eu",
    bootstrapServers: [],
    securityProtocol: "SASL_SSL",
    sasl: { mechanism: "PLAIN", username: "", password: "" },
    caPem: null,
  }]);
  assertStringIncludes(
    (await problems({ env: { KAFKA_CREDENTIALS: noServers } }))[0]!,
    'KAFKA_CREDENTIALS: item 1 (prod-eu) has no "bootstrap.servers"',
  );
});

Deno.test("--method replay needs MEASUREMENTS_FILE (--measurements) and no credentials at all", async () => {
  assertEquals(await problems({ argv: ["--method", "replay"], env: {} }), [
    "MEASUREMENTS_FILE (or --measurements) is not set; --method replay reads the measurements " +
    "that --save-measurements wrote from it",
  ]);
  for (const argv of [["--measurements", "run.json"], ["--measurements-file=run.json"]]) {
    const r = await loadAny({ argv: ["--method", "replay", ...argv], env: {} });
    assertEquals(r.settings.measurementsFile, "run.json");
    assertEquals(r.credentials, { clusters: [], confluentCloud: null, prometheus: null });
  }
  // Not even from AWS Secrets Manager: a replay runs offline.
  const aws = await loadAny({
    argv: ["--method", "replay"],
    env: { USE_AWS_SECRETS_MANAGER: "True", MEASUREMENTS_FILE: "run.json" },
  });
  assertEquals(aws.credentials?.clusters, []);
});

Deno.test("AWS Secrets Manager: PROMETHEUS_SECRET_PATH is checked, and its secret read with the clusters", async () => {
  const path = { region_name: "eu-west-1", secret_name: "prom" };
  const env = {
    USE_AWS_SECRETS_MANAGER: "True",
    KAFKA_API_SECRET_PATHS: JSON.stringify([{ ...path, secret_name: "kafka" }]),
    PROMETHEUS_URL: "https://prom.example",
  };
  assertEquals(
    await problems({
      argv: prometheus,
      env: { ...env, PROMETHEUS_SECRET_PATH: '{"region_name": "x", "secret_nam": "y"}' },
    }),
    [
      'PROMETHEUS_SECRET_PATH has no "secret_name"',
      'PROMETHEUS_SECRET_PATH has "secret_nam"; did you mean "secret_name"?',
    ],
  );
  const pending = await loadAny({
    argv: prometheus,
    env: { ...env, PROMETHEUS_SECRET_PATH: JSON.stringify(path) },
  });
  assert(pending.credentials === null);
  assertEquals(pending.settings.prometheus.secretPath, {
    regionName: "eu-west-1",
    secretName: "prom",
  });
  const stored: Record<string, string> = {
    kafka: JSON.stringify({ kafka_cluster_id: "k" }),
    prom: JSON.stringify({ username: "grafana", password: SECRET }),
  };
  const client: SecretsClient = {
    getSecretValue: (id) => Promise.resolve({ SecretString: stored[id] }),
  };
  const run = await resolveAwsCredentials(
    { ...pending, credentials: null },
    { clientFor: () => client, env: () => undefined },
  );
  assertEquals(run.credentials.prometheus, { username: "grafana", password: SECRET });
  assertEquals(run.credentials.clusters.map((c) => [c.clusterId, c.bootstrapServers]), [["k", []]]);
  assert(run.secrets.includes(`grafana:${SECRET}`));
  stored.prom = JSON.stringify({ bearer_tokn: SECRET });
  const e = await resolveAwsCredentials(
    { ...pending, credentials: null, secrets: [] },
    { clientFor: () => client, env: () => undefined },
  ).catch((e) => e);
  assert(e instanceof ConfigError);
  assertEquals(e.problems, [
    'PROMETHEUS_SECRET_PATH: secret "prom" in eu-west-1 has no "username"',
    'PROMETHEUS_SECRET_PATH: secret "prom" in eu-west-1 has no "password"',
    'PROMETHEUS_SECRET_PATH: secret "prom" in eu-west-1 has "bearer_tokn"; did you mean "bearer_token"?',
  ]);
});

Deno.test("SAVE_MEASUREMENTS: no comma; its folder is created and the file probed, an existing one kept", async () => {
  assertStringIncludes(
    (await problems({ env: { ...K, SAVE_MEASUREMENTS: "a,b.json" } }))[0]!,
    'SAVE_MEASUREMENTS: "a,b.json" contains a comma',
  );
  const dir = await Deno.makeTempDir({ prefix: "kpr-save-" });
  const check = (argv: string[]) =>
    loadConfig(argv, fakeEnv(K), fakeFiles({}), dir, preflight([], dir))
      .then((l) => "config" in l ? l.config.settings.saveMeasurements : null, (e) => e);
  assertEquals(
    await check(["--format=", "--save-measurements", "runs/today.json"]),
    "runs/today.json",
  );
  assertEquals([...Deno.readDirSync(join(dir, "runs"))], [], "the probe leaves nothing behind");
  await Deno.writeTextFile(join(dir, "kept.json"), "saved before");
  assertEquals(await check(["--format=", "--save-measurements", "kept.json"]), "kept.json");
  assertEquals(await Deno.readTextFile(join(dir, "kept.json")), "saved before");
  const e = await check(["--format=", "--save-measurements", "runs"]);
  assert(e instanceof ConfigError);
  assertEquals(e.problems, [
    `SAVE_MEASUREMENTS (--save-measurements): runs (${dir}/runs) is a folder; it must name a file`,
  ]);
});

Deno.test("MEASUREMENTS_FILE must exist and be a readable file, checked before anything runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kpr-replay-" });
  const check = (file: string) =>
    loadConfig(
      ["--method", "replay", "--measurements", file],
      fakeEnv({}),
      fakeFiles({}),
      dir,
      preflight([], dir),
    )
      .catch((e) => e);
  await Deno.writeTextFile(join(dir, "run.json"), "{}");
  assert("config" in await check("run.json"));
  for (
    const [file, why] of [
      ["gone.json", `gone.json (${dir}/gone.json) does not exist`],
      [".", `. (${dir}) is a folder; it must name a file`],
    ] as const
  ) {
    const e = await check(file);
    assert(e instanceof ConfigError);
    assertEquals(e.problems, [`MEASUREMENTS_FILE (--measurements): ${why}`]);
  }
});

Deno.test("the task grants SAVE_MEASUREMENTS (write), MEASUREMENTS_FILE and the token files (read), PROMETHEUS_URL's host", () => {
  const { lists } = extraPermissions({
    npmCache: "/cache",
    sourceDir: undefined,
    cwd: "/work",
    env: (name) =>
      ({ SAVE_MEASUREMENTS: "out/m.json", PROMETHEUS_URL: "http://127.0.0.1:9090" })[name],
    dotenv: { MEASUREMENTS_FILE: "in/m.json", PROMETHEUS_BEARER_TOKEN_FILE: "/run/token" },
  });
  assertEquals(lists.write, ["out/m.json"]);
  for (const p of ["out/m.json", "in/m.json", "/run/token"]) assert(lists.read.includes(p), p);
  assertEquals(lists.net, ["127.0.0.1:9090"]);
});

Deno.test("--help lists the Prometheus, replay and saved-measurements settings", () => {
  const flat = helpText().replace(/\s+/g, " ");
  for (
    const text of [
      "Prometheus:",
      "--method sampling|metrics-api|prometheus|replay",
      "--prometheus-url URL PROMETHEUS_URL",
      "(environment or .env only) PROMETHEUS_BEARER_TOKEN",
      "--prometheus-metrics auto|jmx|kafka-exporter|redpanda",
      "--prometheus-selector MATCHERS PROMETHEUS_SELECTOR",
      "--measurements, --measurements-file FILE MEASUREMENTS_FILE",
      "--save-measurements FILE SAVE_MEASUREMENTS",
    ]
  ) assertStringIncludes(flat, text);
});
