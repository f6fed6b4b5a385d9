// What the fault cases share: a workload seeded on the 3-broker test bed with replication
// factor 3, the CLI pointed at it the way an operator would (SASL_SSL, every broker in
// bootstrap.servers), and the check of its report against the workload's ground truth.
import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { clusterConnection, type ClusterInfo, fixture } from "../support/testbed.ts";
import { topicTruth } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { loadProfile, withTopicPrefix, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { seedProfile } from "../../dev/workload/seeder.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import type { JsonReport } from "../../src/report/json.ts";

export interface SeededCluster {
  profile: WorkloadProfile;
  anchor: number;
  prefix: string;
  cleanup(): Promise<void>;
}

/** Seeds a uniquely prefixed copy of `profileName` on the cluster, every topic replicated 3. */
export async function seedCluster(
  info: ClusterInfo,
  profileName: string,
  label: string,
): Promise<SeededCluster> {
  const prefix = `kt${Date.now().toString(36)}${label}_`;
  const profile = withTopicPrefix(await loadProfile(fixture(profileName)), prefix);
  const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const connection = await clusterConnection(info, "plaintext");
  await seedProfile(profile, connection, { anchor, replicationFactor: info.replicationFactor });
  return {
    profile,
    anchor,
    prefix,
    async cleanup() {
      const cluster = new KafkaCluster(connection);
      try {
        await cluster.admin.deleteTopics({ topics: profile.topics.map((t) => t.name) });
      } finally {
        await cluster.close();
      }
    },
  };
}

/** KAFKA_CREDENTIALS for the cluster over SASL_SSL, with every broker as a bootstrap server. */
export function saslSslCredentials(info: ClusterInfo, id = "faults"): string {
  return kafkaCredentials([{
    kafka_cluster_id: id,
    "bootstrap.servers": info.bootstrap.saslSsl.join(","),
    "security.protocol": "SASL_SSL",
    "sasl.username": "analyst",
    "sasl.password": "analyst-secret",
    "ssl.ca.location": info.caFile,
  }]);
}

export async function readJsonReport(dir: string): Promise<JsonReport> {
  const name = [...Deno.readDirSync(dir)].map((e) => e.name).find((n) =>
    n.endsWith("-report.json")
  );
  assert(name, `no JSON report in ${dir}`);
  return JSON.parse(await Deno.readTextFile(join(dir, name)));
}

/**
 * Every topic of the workload is in the report, measured, with exactly the records the
 * workload wrote in each hour of its window, and payload sizes within what was written.
 */
export function assertMatchesTruth(report: JsonReport, seeded: SeededCluster): void {
  const byName = new Map(report.topics.map((t) => [t.topic_name, t]));
  // The 7 days (SAMPLING_DAYS and the default retention) of complete hours before the run,
  // from its first hour with records (model.md's S′): found from the truth, not the report, so
  // that a fault which cut the window short cannot shrink the truth it is compared with.
  const end = Math.floor(Date.parse(report.analysis_time) / HOUR_MS) * HOUR_MS;
  const week = { start: end - 7 * 24 * HOUR_MS, end };
  for (const topic of seeded.profile.topics) {
    const got = byName.get(topic.name);
    assert(got, `${topic.name} is missing from the report`);
    assertEquals(got.status, "active", `${topic.name}: ${got.error}`);
    const truth = topicTruth(seeded.profile, topic, seeded.anchor, week);
    const hours = truth.hourly.slice(truth.hourly.findIndex((h) => h.records > 0));
    assert(hours.length > 0, `${topic.name}: the workload wrote records in the window`);
    assertEquals(
      [got.window_start, got.window_end].map(Date.parse),
      [hours[0]!.hourStart, end],
      `${topic.name}: the window`,
    );
    assertEquals(got.records_in_window, truth.records, `${topic.name}: records in the window`);
    assertEquals(
      got.hourly.map((h) => [Date.parse(h.hour_start), h.records]),
      hours.map((h) => [h.hourStart, h.records]),
      `${topic.name}: records per hour`,
    );
    const sizes = topic.traffic!.valueBytes;
    const payload = got.avg_payload_bytes ?? 0;
    assert(
      payload >= sizes.min && payload <= sizes.max + 32,
      `${topic.name}: ${payload} payload bytes per record, written ${sizes.min}-${sizes.max}`,
    );
  }
}

/** A run's Kafka requests by API, from the line `--verbose` logs at its end. */
function kafkaRequests(stderr: string): Record<string, number> {
  const m = /Kafka requests: (\{.*\})/.exec(stderr);
  assert(m, "no 'Kafka requests' line: the run needs --verbose");
  return JSON.parse(m[1]!);
}

/**
 * The Metadata requests of a run over the seeded topics with nothing wrong: a run that met a
 * fault looks its leaders up again, so it sends more (a fault struck after the run had read
 * everything would prove nothing). assertMetFault compares a run with it.
 */
export async function metadataWithoutFault(
  seeded: SeededCluster,
  credentials: string,
): Promise<number> {
  const r = await runCli(["--topic-filter", seeded.prefix, "--verbose"], {
    env: { KAFKA_CREDENTIALS: credentials },
  });
  assertEquals(r.code, 0, r.stderr);
  return kafkaRequests(r.stderr)["Metadata"] ?? 0;
}

/** The run (its `--verbose` stderr) sent more Metadata requests than `calm`: it met `fault`. */
export function assertMetFault(stderr: string, calm: number, fault: string): void {
  const metadata = kafkaRequests(stderr)["Metadata"] ?? 0;
  assert(metadata > calm, `the run met ${fault}: ${metadata} Metadata requests, ${calm} without`);
}
