// Fault cases on the network between the analyzer and the 3-broker test bed, made by the
// Toxiproxy in front of every advertised listener: a bootstrap server that accepts
// connections and never answers, connections reset mid-run, and brokers the run may not
// reach. Each checks the exit code, the time bound, the message naming what was wrong, and
// that the reports are complete.
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, startCli } from "../support/cli.ts";
import { allProxies, testCluster, toxiproxyOf } from "../support/testbed.ts";
import {
  assertMatchesTruth,
  assertMetFault,
  metadataWithoutFault,
  readJsonReport,
  saslSslCredentials,
  seedCluster,
} from "./_cluster_run.ts";

Deno.test("fault: a bootstrap server that accepts and never answers fails within 30 s, naming it (exit 3)", async () => {
  const info = await testCluster();
  const node = info.nodes[0]!;
  const proxy = toxiproxyOf(info);
  try {
    // TCP and the TLS handshake's first bytes go through; nothing ever comes back.
    await proxy.addToxic(node.proxies.saslSsl, {
      name: "blackhole",
      type: "timeout",
      attributes: { timeout: 0 },
    });
    const run = await startCli(["--fail-on", "increase"], {
      env: {
        KAFKA_CREDENTIALS: kafkaCredentials([{
          kafka_cluster_id: "blackholed",
          "bootstrap.servers": node.proxiedSaslSslBootstrap,
          "sasl.username": "analyst",
          "sasl.password": "analyst-secret",
          "ssl.ca.location": info.caFile,
        }]),
      },
    });
    const r = await run.result;
    // A failed cluster exits 3, even with a --fail-on gate that cannot trip.
    assertEquals(r.code, 3, r.stderr);
    // 30 s is the request timeout; the process's own start and end add a few seconds. The
    // client used to retry at two nested levels: 279 s.
    assert(r.elapsedMs < 40_000, `failed after ${Math.round(r.elapsedMs / 1000)} s`);
    assertStringIncludes(r.stderr, node.proxiedSaslSslBootstrap);
    assertStringIncludes(r.stderr, "no answer within 30 s");
    // Its reports are written all the same, saying why.
    const files = [...Deno.readDirSync(join(run.cwd, "reports"))].map((e) => e.name);
    assertEquals(files.filter((f) => f.startsWith("blackholed-")).length, 4, files.join(", "));
    const report = await readJsonReport(join(run.cwd, "reports"));
    assertStringIncludes(report.error ?? "", node.proxiedSaslSslBootstrap);
  } finally {
    await proxy.reset();
  }
});

Deno.test("fault: connections reset mid-run are opened again: exit 0, records equal ground truth", async () => {
  const info = await testCluster();
  const seeded = await seedCluster(info, "leader_moves_profile.json", "reset");
  const proxy = toxiproxyOf(info);
  try {
    // Every broker reached through the proxy, each response 20 ms late, so the run is still
    // measuring when the resets come.
    const credentials = kafkaCredentials([{
      kafka_cluster_id: "resets",
      "bootstrap.servers": info.bootstrap.proxiedSaslSsl.join(","),
      "sasl.username": "analyst",
      "sasl.password": "analyst-secret",
      "ssl.ca.location": info.caFile,
    }]);
    const calm = await metadataWithoutFault(seeded, credentials);
    const slow = await proxy.addToxicToAll(allProxies(info), {
      name: "slow",
      type: "latency",
      attributes: { latency: 20 },
    });
    const run = await startCli(["--topic-filter", seeded.prefix, "--verbose"], {
      env: { KAFKA_CREDENTIALS: credentials },
    });
    await run.waitForLine(/topic\(s\) to analyse/);
    // For two seconds every connection is reset as soon as data flows (TCP RST).
    const reset = await proxy.addToxicToAll(allProxies(info), {
      name: "reset",
      type: "reset_peer",
      attributes: { timeout: 0 },
    });
    await new Promise((r) => setTimeout(r, 2_000));
    await reset();
    await slow();
    const r = await run.result;
    assertEquals(r.code, 0, r.stderr);
    assertMetFault(r.stderr, calm, "the resets");
    assertMatchesTruth(await readJsonReport(join(run.cwd, "reports")), seeded);
  } finally {
    await proxy.reset();
    await seeded.cleanup();
  }
});

Deno.test("fault: advertised brokers outside the run's permissions are named, with KPR_ALLOW_NET (exit 3)", async () => {
  const info = await testCluster();
  const first = info.nodes[0]!.saslSslBootstrap;
  const others = info.nodes.slice(1).map((n) => n.saslSslBootstrap);
  const run = await startCli([], {
    env: {
      KAFKA_CREDENTIALS: saslSslCredentials(info, "scoped").replace(
        info.bootstrap.saslSsl.join(","),
        first,
      ),
    },
    // Everything but the network, which reaches the bootstrap server only.
    permissions: [
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      `--allow-net=${first}`,
    ],
  });
  const r = await run.result;
  assertEquals(r.code, 3, r.stderr);
  for (const host of others) assertStringIncludes(r.stderr, host);
  assertMatch(r.stderr, /KPR_ALLOW_NET=/);
  assert(!r.stderr.includes("escalate"), r.stderr);
});
