// Many clusters in one run: the local broker over SASL_SSL, a second broker started for this
// test over PLAINTEXT, and a third entry pointing at a closed port. Each reachable cluster
// gets its reports, the unreachable one is reported with its reason (in the log, and in its
// own summary CSV and JSON report, so nothing is lost), the run ends with the multi-cluster
// summary and exits 3. Also: live progress on a terminal, plain lines off it.
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { fixture, localBroker, plaintextConnection } from "../support/testbed.ts";
import { brokerOptionsFromEnv, ensureBroker, stopBroker } from "../../dev/kafka/broker.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { loadProfile, withTopicPrefix } from "../../dev/workload/profile.ts";
import { seedProfile } from "../../dev/workload/seeder.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import type { JsonReport } from "../../src/report/json.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

Deno.test("three clusters: two analysed with their reports, one unreachable; exit 3", async () => {
  const first = await localBroker();
  const base = brokerOptionsFromEnv(Deno.env);
  const secondOptions = {
    ...base,
    name: "e2e-second",
    plaintextPort: freePort(),
    controllerPort: freePort(),
    saslSslPort: freePort(),
  };
  const second = await ensureBroker(secondOptions);
  const prefix = `kt${Date.now().toString(36)}multi_`;
  const profile = withTopicPrefix(await loadProfile(fixture("sampler_profile.json")), prefix);
  const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  try {
    await Promise.all(
      [first, second].map((b) => seedProfile(profile, plaintextConnection(b), { anchor })),
    );
    const cwd = await Deno.makeTempDir({ prefix: "kpr-multi-" });
    const run = await runCli(["--topic-filter", prefix], {
      cwd,
      env: {
        KAFKA_CREDENTIALS: kafkaCredentials([
          {
            kafka_cluster_id: "first",
            "bootstrap.servers": first.saslSslBootstrap,
            "sasl.username": "analyst",
            "sasl.password": "analyst-secret",
            "ssl.ca.location": first.caFile,
          },
          {
            kafka_cluster_id: "second",
            "bootstrap.servers": second.plaintextBootstrap,
            "security.protocol": "PLAINTEXT",
          },
          {
            kafka_cluster_id: "gone",
            "bootstrap.servers": `127.0.0.1:${freePort()}`,
            "security.protocol": "PLAINTEXT",
          },
        ]),
      },
    });
    assertEquals(run.code, 3, run.stderr);
    assertEquals(run.stdout, "");
    assertStringIncludes(run.stderr, "clusters analysed: 3, succeeded: 2, failed: 1");
    assertMatch(run.stderr, /cluster gone failed: .*ECONNREFUSED/);
    const files = [...Deno.readDirSync(join(cwd, "reports"))].map((e) => e.name).sort();
    assertEquals(files.filter((f) => f.startsWith("first-")).length, 4);
    assertEquals(files.filter((f) => f.startsWith("second-")).length, 4);
    // The failed cluster's reports say why it has no topics.
    const gone = files.filter((f) => f.startsWith("gone-"));
    assertEquals(gone.length, 4, gone.join(", "));
    const summary = await Deno.readTextFile(
      join(cwd, "reports", gone.find((f) => f.endsWith("-summary-report.csv"))!),
    );
    assertMatch(summary, /\nerror,[^\n]*ECONNREFUSED/);
    const goneJson: JsonReport = JSON.parse(
      await Deno.readTextFile(join(cwd, "reports", gone.find((f) => f.endsWith(".json"))!)),
    );
    assertMatch(goneJson.error ?? "", /ECONNREFUSED/);
    assertEquals(goneJson.topics, []);
    for (const id of ["first", "second"]) {
      const report: JsonReport = JSON.parse(
        await Deno.readTextFile(
          join(cwd, "reports", files.find((f) => f.startsWith(`${id}-`) && f.endsWith(".json"))!),
        ),
      );
      assertEquals(report.topics.map((t) => [t.topic_name, t.records_in_window]), [[
        `${prefix}busy`,
        12_000,
      ]]);
    }
  } finally {
    for (const b of [first, second]) {
      const k = new KafkaCluster(plaintextConnection(b));
      await k.admin.deleteTopics({ topics: profile.topics.map((t) => t.name) }).catch(() => {});
      await k.close();
    }
    await stopBroker(secondOptions);
  }
});

Deno.test("progress: a live status line on a terminal, none when stderr is not one", async () => {
  const info = await localBroker();
  // A real topic, so that a worker measures it on the terminal too: a worker must never stop
  // at a permission prompt there (`deno run` without --no-prompt may prompt on a terminal).
  const prefix = `kt${Date.now().toString(36)}tty_`;
  const profile = withTopicPrefix(await loadProfile(fixture("sampler_profile.json")), prefix);
  await seedProfile(profile, plaintextConnection(info), {
    anchor: Math.floor(Date.now() / HOUR_MS) * HOUR_MS,
  });
  const env = {
    KAFKA_CREDENTIALS: kafkaCredentials([{
      kafka_cluster_id: "tty",
      "bootstrap.servers": info.plaintextBootstrap,
      "security.protocol": "PLAINTEXT",
    }]),
    TOPIC_FILTER: prefix,
  };
  try {
    const plain = await runCli([], { env });
    assertEquals(plain.code, 0, plain.stderr);
    assert(!plain.stderr.includes("\x1b[2K"), "no terminal control codes off a terminal");

    // `script` gives the CLI a real pseudo-terminal for stdin and stderr; the topics are
    // measured on a worker, as a larger cluster's are.
    const cwd = await Deno.makeTempDir({ prefix: "kpr-tty-" });
    const main = new URL("../support/main_on_workers.ts", import.meta.url).pathname;
    const command = `${Deno.execPath()} run --unstable-worker-options -A ${main} 2>&1`;
    const child = new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      cwd,
      env: { ...env, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // A prompt would wait for an answer forever: fail with what it printed instead.
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    const out = await child.output().finally(() => clearTimeout(timer));
    const text = new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 0, text);
    assert(!/Deno requests/.test(text), `no permission prompt on a terminal:\n${text}`);
    assertStringIncludes(text, "\r\x1b[2Kanalysing: tty");
    assertStringIncludes(text, "clusters analysed: 1, succeeded: 1, failed: 0");
  } finally {
    const k = new KafkaCluster(plaintextConnection(info));
    await k.admin.deleteTopics({ topics: profile.topics.map((t) => t.name) }).catch(() => {});
    await k.close();
  }
});
