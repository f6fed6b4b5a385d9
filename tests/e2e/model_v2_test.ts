// Model v2 end to end, the CLI against the real broker: the peak minute of a topic with
// minute-level bursts, hot partitions of a topic with a hot key, distinct keys and keys kept
// by the change, real consumer groups (members, lag, idle consumers, the consumer_group term),
// every term and the reason, and the throughput-increase gate. Each is checked against what
// the test wrote (the declared workload's ground truth, the groups and offsets it committed),
// and the broker's groups are the same before and after the analyzer ran.
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import {
  allGroups,
  type CommitOffset,
  GroupMembers,
  testAdmin,
  waitForStableGroup,
} from "../support/consumer_groups.ts";
import { localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import { partitionHourly, peakMinuteTruth } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { profileSchema } from "../../dev/workload/profile.ts";
import type { JsonReport, JsonTopic } from "../../src/report/json.ts";

const MINUTE = 60_000;

const PROFILE = profileSchema.parse({
  description: "Model v2 end to end",
  days: 2,
  seed: 41,
  topics: [
    {
      name: "bursty",
      partitions: 2,
      // Half of the daily peak hour's records in its 18th minute (the peak minute is looked
      // for inside the busiest hours).
      traffic: {
        recordsPerHour: 600,
        dailyPeak: { hourUtc: 3, multiplier: 3 },
        valueBytes: { min: 50, max: 150 },
        minuteBursts: [{ hourUtc: 3, minute: 17, share: 0.5 }],
      },
    },
    {
      name: "hot",
      partitions: 4,
      traffic: {
        recordsPerHour: 40,
        valueBytes: { min: 20, max: 80 },
        keys: { kind: "hot", cardinality: 50, hotShare: 0.3 },
      },
    },
    {
      name: "fewkeys",
      partitions: 3,
      traffic: {
        recordsPerHour: 30,
        valueBytes: { min: 20, max: 80 },
        keys: { kind: "uniform", cardinality: 3 },
      },
    },
    {
      name: "grouped",
      partitions: 3,
      traffic: { recordsPerHour: 30, valueBytes: { min: 20, max: 80 } },
    },
  ],
});

/** The hour the CLI will take as its window's end: wait out an hour turning over mid-test. */
async function steadyHour(): Promise<number> {
  const left = HOUR_MS - Date.now() % HOUR_MS;
  if (left < 3 * MINUTE) await new Promise((r) => setTimeout(r, left + 5_000));
  return Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
}

/** Hours in which a partition had more than twice the mean of the topic's partitions. */
function hotHours(perPartition: number[][]): number {
  const hours = perPartition[0]!.length;
  let hot = 0;
  for (let j = 0; j < hours; j++) {
    const counts = perPartition.map((p) => p[j]!);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > 0 && counts.some((c) => c > 2 * (total / counts.length))) hot++;
  }
  return hot;
}

Deno.test("Model v2 against the real broker: peak minute, hot partitions, keys, consumer groups, reasons and the gate", async () => {
  const info = await localBroker();
  const anchor = await steadyHour();
  const seeded = await seedFresh(PROFILE, "v2", { anchor });
  const topic = (name: string) => seeded.profile.topics.find((t) => t.name.endsWith(name))!;
  const connection = plaintextConnection(info);
  const admin = testAdmin(connection);
  const members = new GroupMembers(connection);
  const broker = { host: "127.0.0.1", port: Number(info.plaintextBootstrap.split(":")[1]) };
  const idleGroup = `${seeded.prefix}idle`;
  const smallGroup = `${seeded.prefix}small`;
  try {
    // Two groups on `grouped`: 8 members on 3 partitions (idle ones), and 2 members; each
    // commits offset 1 on every partition.
    const grouped = topic("grouped");
    await members.join(idleGroup, "classic", [grouped.name], 8);
    await members.join(smallGroup, "classic", [grouped.name], 2);
    await waitForStableGroup(admin, broker, idleGroup, "classic", 8);
    await waitForStableGroup(admin, broker, smallGroup, "classic", 2);
    const offsets: CommitOffset[] = [0, 1, 2].map((partition) => ({
      topic: grouped.name,
      partition,
      offset: 1,
    }));
    await members.commit(idleGroup, offsets);
    await members.commit(smallGroup, offsets);
    const groupsBefore = await allGroups(admin);

    const run = (failOn: string) =>
      runCli(["--json", "--format", "", "--topic-filter", seeded.prefix, "--fail-on", failOn], {
        env: {
          KAFKA_CREDENTIALS: kafkaCredentials([{
            kafka_cluster_id: "v2",
            "bootstrap.servers": info.plaintextBootstrap,
            "security.protocol": "PLAINTEXT",
          }]),
          PARTITIONS_FOR_LARGEST_GROUP: "True",
          PEAK_WINDOW: "minute",
        },
      });
    const gated = await run("throughput-increase");
    assertEquals(await allGroups(admin), groupsBefore, "the analyzer created or removed a group");
    const [report] = JSON.parse(gated.stdout) as JsonReport[];
    const byName = new Map(
      report!.topics.map((t) => [t.topic_name.slice(seeded.prefix.length), t]),
    );
    const get = (name: string): JsonTopic => byName.get(name)!;
    const window = { start: anchor - 7 * 24 * HOUR_MS, end: anchor };

    // Peak minute: the burst's minute, exactly; PEAK_WINDOW=minute sizes on it.
    const bursty = get("bursty");
    const peak = peakMinuteTruth(seeded.profile, topic("bursty"), anchor, window, { topHours: 3 })!;
    assertEquals(new Date(peak.minuteStart).toISOString().slice(11, 19), "03:17:00");
    // 1,800 records in the peak hour: 900 in the burst, and the other 900 spread 15 a minute.
    assertEquals(peak.records, 915);
    assertEquals(bursty.peak_minute_start, new Date(peak.minuteStart).toISOString());
    assertEquals(bursty.peak_minute_records_per_second, peak.records / 60);
    assertEquals(bursty.peak_window, "minute");
    assertEquals(bursty.required_records_per_second, (peak.records / 60) * 3);
    assertEquals(bursty.required_bytes_per_second, bursty.peak_minute_bytes_per_second! * 3);
    const minuteBytes = (peak.records * bursty.avg_record_bytes!) / 60;
    assertAlmostEquals(bursty.peak_minute_bytes_per_second!, minuteBytes, minuteBytes * 1e-9);

    // Hot partitions: the hours the ground truth says, by model.md's rule.
    const hot = get("hot");
    const truthHot = hotHours(partitionHourly(seeded.profile, topic("hot"), anchor, window));
    assert(truthHot > 0, "the hot key makes some hours hot");
    assertEquals(hot.hot_partition_hours, truthHot);
    assertEquals(hot.hot_partition_ingress, true);
    assertEquals(report!.summary.hot_partition_ingress_count >= 1, true);

    // Keys: 3 distinct keys, fewer than the 6 partitions recommended; 3 → 6 keeps half.
    const fewkeys = get("fewkeys");
    assertEquals(fewkeys.distinct_keys, 3);
    assertEquals([fewkeys.recommended_partitions, fewkeys.reason], [6, "minimum"]);
    assert(fewkeys.warnings.includes("few_keys"), fewkeys.warnings.join());
    assertEquals(fewkeys.keys_kept_pct, 50);
    assertEquals(hot.distinct_keys, 50);
    assert(!hot.warnings.includes("few_keys"));

    // Consumer groups: as the test made them; the largest sets the count.
    const g = get("grouped");
    const logEnd = partitionHourly(seeded.profile, grouped, anchor, window).map((p) =>
      p.reduce((a, b) => a + b, 0)
    );
    const lag = logEnd.reduce((sum, end) => sum + (end - 1), 0);
    assertEquals(g.consumer_groups, [
      { group_id: idleGroup, state: "Stable", members: 8, lag },
      { group_id: smallGroup, state: "Stable", members: 2, lag },
    ]);
    assertEquals([g.largest_group_members, g.consumer_lag], [8, 2 * lag]);
    assertEquals([g.recommended_partitions, g.reason], [8, "consumer_group"]);
    assertEquals(g.terms?.consumer_group, 8);
    assertEquals(g.terms?.minimum, 6);
    assert(g.warnings.includes("idle_consumers"));
    assertEquals(report!.notes, []);

    // The gate: every increase here is traffic-light, except the group's, which is not a
    // policy floor: throughput-increase trips on it alone.
    assertEquals(gated.code, 4, gated.stderr);
    const byPolicy = report!.topics.filter((t) =>
      t.action === "increase" && t.reason === "minimum"
    );
    assert(byPolicy.length >= 3, "the minimum raises the 2-, 3- and 4-partition topics");
  } finally {
    await members.close();
    await admin.close();
    await seeded.cleanup();
  }
});

Deno.test("--fail-on throughput-increase ignores increases that only reach MIN_RECOMMENDED_PARTITIONS; --fail-on increase does not", async () => {
  const info = await localBroker();
  const anchor = await steadyHour();
  const light = profileSchema.parse({
    description: "one light topic below the minimum",
    days: 1,
    seed: 3,
    topics: [{
      name: "light",
      partitions: 3,
      traffic: { recordsPerHour: 10, valueBytes: { min: 10, max: 20 } },
    }],
  });
  const seeded = await seedFresh(light, "gate", { anchor });
  try {
    const run = (failOn: string) =>
      runCli(["--format", "", "--topic-filter", seeded.prefix, "--fail-on", failOn], {
        env: {
          KAFKA_CREDENTIALS: kafkaCredentials([{
            kafka_cluster_id: "gate",
            "bootstrap.servers": info.plaintextBootstrap,
            "security.protocol": "PLAINTEXT",
          }]),
        },
      });
    const policy = await run("throughput-increase");
    assertEquals(policy.code, 0, policy.stderr);
    assert(/3 → 6 partitions, increase \(minimum\)/.test(policy.stderr), policy.stderr);
    const any = await run("increase");
    assertEquals(any.code, 4, any.stderr);
  } finally {
    await seeded.cleanup();
  }
});
