// End to end under exactly the permissions of `deno task analyze`: its fixed flags are read
// from deno.json and its `$(…)` command is run as the task runs it, with the user's
// additions given the documented way (KPR_ALLOW_NET, KPR_ALLOW_READ, OUTPUT_DIR). The
// analysis then succeeds against the local broker, and a broker, an output folder or a
// variable outside the permissions fails with a message naming the flag, not a stack.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { childEnv } from "../support/child_env.ts";
import { type CliResult, kafkaCredentials, runCli } from "../support/cli.ts";
import { createSecret, startMoto } from "../support/moto.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { startEmulator } from "../../dev/metrics_api/emulator.ts";
import type { JsonReport } from "../../src/report/json.ts";
import { RUN_FLAGS } from "../../src/permissions.ts";

const ROOT = new URL("../../", import.meta.url);
/** Flags of the task that runCli passes itself. */
// The non-permission flags of every run (the V8 memory flag, --no-prompt, worker options).
const RUN_CLI_FLAGS: readonly string[] = RUN_FLAGS;

/** The analyze task's fixed flags and the command whose output adds to them. */
async function analyzeTask(): Promise<{ fixed: string[]; extraCommand: string }> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const task: string = config.tasks.analyze;
  const m = /^deno run (.+?) \$\((.+)\) main\.ts$/.exec(task);
  assert(m?.[1] && m[2], `unexpected analyze task: ${task}`);
  return { fixed: m[1].split(" "), extraCommand: m[2] };
}

/** The permission flags `deno task analyze` gives a run with this environment, in `cwd`. */
async function taskPermissions(env: Record<string, string>, cwd: string): Promise<string[]> {
  const { fixed, extraCommand } = await analyzeTask();
  for (const flag of RUN_CLI_FLAGS) assert(fixed.includes(flag), `the task lacks ${flag}`);
  // The task runs in the project folder, these runs in `cwd`: the helper is named by its path.
  const helper = fileURLToPath(new URL("src/permission_flags.ts", ROOT));
  const command = extraCommand.replace("src/permission_flags.ts", helper);
  assert(command !== extraCommand, `the task no longer runs src/permission_flags.ts`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--eval", command],
    cwd,
    clearEnv: true,
    env: childEnv(env),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, `the task's permission command failed: ${stderr}`);
  assert(!stderr.includes("permission_flags:"), stderr);
  const extra = new TextDecoder().decode(out.stdout).trim().split(/\s+/).filter((f) => f !== "");
  const flags = [...fixed.filter((f) => !RUN_CLI_FLAGS.includes(f)), ...extra];
  // Every grant is scoped: a bare --allow-x (or -A) would allow everything of its kind.
  for (const flag of flags) assert(/^--allow-[a-z]+=\S+$/.test(flag), `unscoped flag ${flag}`);
  return flags;
}

async function runAsTask(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<CliResult & { cwd: string; permissions: string[] }> {
  const dir = cwd ?? await Deno.makeTempDir({ prefix: "kpr-perm-" });
  const permissions = await taskPermissions(env, dir);
  const r = await runCli(args, { env, cwd: dir, permissions });
  return { ...r, cwd: dir, permissions };
}

async function readJsonReport(dir: string): Promise<JsonReport> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  assertEquals(names.length, 4, `reports in ${dir}: ${names.join(", ")}`);
  const json = names.find((n) => n.endsWith("-report.json"));
  assert(json, `no JSON report in ${dir}`);
  return JSON.parse(await Deno.readTextFile(join(dir, json)));
}

function assertNoStack(r: CliResult) {
  const out = r.stdout + r.stderr;
  assert(!out.includes("    at "), `a stack trace was printed:\n${out}`);
  assert(!/NotCapable|PermissionDenied/.test(out), `a bare permission error was printed:\n${out}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("the analysis runs under exactly the analyze task's permissions", async (t) => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("testbed_profile.json"), "perm");
  const topics = seeded.profile.topics.filter((x) => !x.name.startsWith("_")).length;
  try {
    await t.step("PLAINTEXT broker added with KPR_ALLOW_NET, reports in ./reports", async () => {
      const cwd = await Deno.makeTempDir({ prefix: "kpr-perm-" });
      const githubOutput = join(cwd, "github-output");
      const r = await runAsTask([], {
        KAFKA_CREDENTIALS: kafkaCredentials([{
          kafka_cluster_id: "perm-plain",
          "bootstrap.servers": info.plaintextBootstrap,
          "security.protocol": "PLAINTEXT",
        }]),
        TOPIC_FILTER: seeded.prefix,
        KPR_ALLOW_NET: info.plaintextBootstrap,
        // Not granted by the task: the Kafka client's debug output stays off.
        DEBUG: "*",
        // As a GitHub Actions runner sets it: granted, and appended to.
        GITHUB_OUTPUT: githubOutput,
      }, cwd);
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(await Deno.readTextFile(githubOutput), "partitions_to_add");
      const report = await readJsonReport(join(r.cwd, "reports"));
      assertEquals(report.cluster_id, "perm-plain");
      assertEquals(report.topics.length, topics);
      // Every codec of the profile was read: the WASM codecs load from Deno's npm cache.
      for (const topic of report.topics) assertEquals(topic.error, null, topic.topic_name);
      assert(!r.stderr.includes("plt:kafka"), r.stderr);
      const env = r.permissions.filter((f) => f.startsWith("--allow-env="));
      assert(!env.some((f) => f.slice("--allow-env=".length).split(",").includes("DEBUG")));
    });

    await t.step("SASL_SSL with the CA file in KPR_ALLOW_READ, reports in OUTPUT_DIR", async () => {
      const r = await runAsTask([], {
        KAFKA_CREDENTIALS: kafkaCredentials([{
          kafka_cluster_id: "perm-tls",
          "bootstrap.servers": info.saslSslBootstrap,
          "sasl.username": "analyst",
          "sasl.password": "analyst-secret",
          "ssl.ca.location": info.caFile,
        }]),
        TOPIC_FILTER: seeded.prefix,
        OUTPUT_DIR: "out/kafka",
        KPR_ALLOW_NET: info.saslSslBootstrap,
        KPR_ALLOW_READ: info.caFile,
      });
      assertEquals(r.code, 0, r.stderr);
      assert(!(await exists(join(r.cwd, "reports"))));
      const report = await readJsonReport(join(r.cwd, "out/kafka"));
      assertEquals(report.topics.length, topics);
      for (const topic of report.topics) assertEquals(topic.error, null, topic.topic_name);
      assert(!(r.stdout + r.stderr).includes("analyst-secret"));
    });

    await t.step(
      "the Metrics API method, its URL granted from CONFLUENT_METRICS_API_URL",
      async () => {
        const emulator = startEmulator({
          profile: seeded.profile,
          anchor: seeded.anchor,
          clusterId: "perm-metrics",
          apiKey: "PERMKEY",
          apiSecret: "perm-metrics-s3cret",
        });
        try {
          const r = await runAsTask([], {
            KAFKA_CREDENTIALS: kafkaCredentials([{
              kafka_cluster_id: "perm-metrics",
              "bootstrap.servers": info.plaintextBootstrap,
              "security.protocol": "PLAINTEXT",
            }]),
            TOPIC_FILTER: seeded.prefix,
            USE_SAMPLE_RECORDS: "False",
            CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
              confluent_cloud_api_key: "PERMKEY",
              confluent_cloud_api_secret: "perm-metrics-s3cret",
            }),
            CONFLUENT_METRICS_API_URL: emulator.url,
            KPR_ALLOW_NET: info.plaintextBootstrap,
          });
          assertEquals(r.code, 0, r.stderr);
          const report = await readJsonReport(join(r.cwd, "reports"));
          assertEquals(report.method, "metrics_api");
          assertEquals(report.topics.length, topics);
          assert(emulator.requests.length > 0 && emulator.requests.every((q) => q.status === 200));
        } finally {
          await emulator.close();
        }
      },
    );
  } finally {
    await seeded.cleanup();
  }
});

Deno.test("a broker outside the allowed hosts fails naming --allow-net and the host", async () => {
  const info = await localBroker();
  const r = await runAsTask([], {
    KAFKA_CREDENTIALS: kafkaCredentials([{
      kafka_cluster_id: "perm-denied",
      "bootstrap.servers": info.plaintextBootstrap,
      "security.protocol": "PLAINTEXT",
    }]),
  });
  assertEquals(r.code, 3, r.stderr);
  assertStringIncludes(r.stderr, "cluster perm-denied failed");
  assertStringIncludes(r.stderr, `--allow-net=${info.plaintextBootstrap}`);
  assertNoStack(r);
  // The failed cluster's reports are written all the same, and say why.
  const reports = join(r.cwd, "reports");
  const files = [...Deno.readDirSync(reports)].map((e) => e.name);
  assertEquals(files.filter((f) => f.startsWith("perm-denied-")).length, 4, files.join(", "));
  const summary = files.find((f) => f.endsWith("-summary-report.csv"))!;
  assertStringIncludes(await Deno.readTextFile(join(reports, summary)), "--allow-net=");
});

Deno.test("an output folder outside the allowed ones fails before the analysis, naming OUTPUT_DIR, KPR_ALLOW_WRITE and --allow-write", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "permw");
  const elsewhere = join(await Deno.makeTempDir({ prefix: "kpr-perm-other-" }), "reports");
  try {
    // --output-dir on the command line is not seen by the task (KPR_ALLOW_WRITE would be).
    const r = await runAsTask(["--output-dir", elsewhere], {
      KAFKA_CREDENTIALS: kafkaCredentials([{
        kafka_cluster_id: "perm-write",
        "bootstrap.servers": info.plaintextBootstrap,
        "security.protocol": "PLAINTEXT",
      }]),
      TOPIC_FILTER: seeded.prefix,
      KPR_ALLOW_NET: info.plaintextBootstrap,
    });
    assertEquals(r.code, 2, r.stderr);
    assertStringIncludes(
      r.stderr,
      `OUTPUT_DIR (--output-dir): Deno's permissions do not allow writing the reports to ${elsewhere}`,
    );
    assertStringIncludes(r.stderr, "KPR_ALLOW_WRITE");
    assertStringIncludes(r.stderr, `--allow-write=${elsewhere}`);
    assert(!r.stderr.includes("analysis started"), "checked before any cluster is contacted");
    assertNoStack(r);
    assert(!(await exists(elsewhere)), `${elsewhere} was created`);
  } finally {
    await seeded.cleanup();
  }
});

Deno.test("a variable the permissions leave out is a configuration error naming --allow-env", async () => {
  // As a hand-written `deno run` whose --allow-env misses a variable the tool reads.
  const cwd = await Deno.makeTempDir({ prefix: "kpr-perm-" });
  const env = { KAFKA_CREDENTIALS: kafkaCredentials([]), TOPIC_FILTER: "x" };
  const permissions = (await taskPermissions(env, cwd)).map((f) =>
    f.startsWith("--allow-env=")
      ? f.replace(/([=,])TOPIC_FILTER(,|$)/, (_m, before, after) => after === "," ? before : "")
      : f
  );
  assert(!permissions.some((f) => /[=,]TOPIC_FILTER(,|$)/.test(f)));
  const r = await runCli([], { env, cwd, permissions });
  assertEquals(r.code, 2, r.stderr);
  assertStringIncludes(r.stderr, "not allowed to read the environment variable TOPIC_FILTER");
  assertStringIncludes(r.stderr, "--allow-env=");
  assertNoStack(r);
});

Deno.test("credentials from AWS Secrets Manager under the task's permissions", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "permaws");
  const moto = await startMoto();
  try {
    await createSecret(moto.endpoint, "us-east-1", "kpr/perm", {
      kafka_cluster_id: "perm-aws",
      "bootstrap.servers": info.plaintextBootstrap,
      "security.protocol": "PLAINTEXT",
    });
    const r = await runAsTask([], {
      USE_AWS_SECRETS_MANAGER: "True",
      KAFKA_API_SECRET_PATHS: JSON.stringify([{
        region_name: "us-east-1",
        secret_name: "kpr/perm",
      }]),
      TOPIC_FILTER: seeded.prefix,
      // moto's endpoint is granted because the SDK's endpoint variable names it.
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_CONFIG_FILE: "/nonexistent/aws-config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
      AWS_EC2_METADATA_DISABLED: "true",
      KPR_ALLOW_NET: info.plaintextBootstrap,
    });
    assertEquals(r.code, 0, r.stderr);
    assert(r.permissions.includes("--allow-sys=osRelease"), r.permissions.join(" "));
    const report = await readJsonReport(join(r.cwd, "reports"));
    assertEquals(report.cluster_id, "perm-aws");
    assertEquals(report.topics.length, 1);
  } finally {
    await moto.stop();
    await seeded.cleanup();
  }
});

Deno.test("--bootstrap-server under the task: a flag's host is exit 2 naming how to grant it; BOOTSTRAP_SERVER in the environment is granted", async () => {
  const info = await localBroker();
  const host = info.plaintextBootstrap;
  // As a flag the permission helper cannot see it: stopped before any cluster is contacted.
  const flag = await runAsTask(["-b", host, "--topic-filter", "no-topic-has-this-name"], {});
  assertEquals(flag.code, 2, flag.stderr);
  assertStringIncludes(
    flag.stderr,
    `BOOTSTRAP_SERVER (--bootstrap-server): this run may not connect to ${host}`,
  );
  assertStringIncludes(flag.stderr, `KPR_ALLOW_NET=${host}`);
  assert(!flag.stderr.includes("analysis started"), "checked before any cluster is contacted");
  assertNoStack(flag);
  // In the environment, `deno task analyze` grants it.
  const env = await runAsTask(["--topic-filter", "no-topic-has-this-name"], {
    BOOTSTRAP_SERVER: host,
  });
  assertEquals(env.code, 0, env.stderr);
  assertStringIncludes(env.stderr, "clusters analysed: 1, succeeded: 1, failed: 0");
});
