// The pure parts of the results topic writer (src/writer/): the record key and its decoding,
// the record value (the JSON report's topic plus the run's identity), retention.ms from
// days, the size-bounded sends, and the producer options that make retries harmless.
import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { fixtureReport, T0 } from "./_report_fixture.ts";
import { kafka } from "../../src/deps/kafka.ts";
import { toJsonReport } from "../../src/report/json.ts";
import { inBatches, MAX_SEND_BYTES } from "../../src/writer/_batches.ts";
import {
  parseResultKey,
  resultKey,
  resultRecords,
  RESULTS_SCHEMA_VERSION,
  resultValue,
} from "../../src/writer/result_record.ts";
import {
  describeRetention,
  RETAIN_FOREVER_MS,
  retentionMsFromDays,
} from "../../src/writer/retention.ts";
import {
  DEFAULT_RESULTS_TOPIC,
  resultsProducerOptions,
  WRITER_RETRIES,
} from "../../src/writer/results_topic.ts";
import type { KafkaConnection } from "../../src/kafka/connection.ts";

const identity = { analysisTime: T0, clusterId: "lkc-1", method: "sampling" as const };

Deno.test("resultKey() is the compact JSON array [cluster id, topic]", () => {
  assertEquals(resultKey("lkc-1", "orders"), '["lkc-1","orders"]');
  assertEquals(resultKey("lkc-1", 'a,b "c"'), '["lkc-1","a,b \\"c\\""]');
});

Deno.test("parseResultKey() gives back what resultKey() encoded, whatever the names hold", () => {
  for (
    const [clusterId, topic] of [
      ["lkc-1", "orders"],
      ["my cluster", 'a,b "c"'],
      ["lkc-1", '=HYPERLINK("x")'],
      ["ü-ß", "_j3.partition_recommender.results"],
      ["", "-rm"],
    ]
  ) {
    assertEquals(parseResultKey(resultKey(clusterId!, topic!)), { clusterId, topic });
  }
});

Deno.test("resultKey() tells apart names that a separator would confuse", () => {
  assert(resultKey("a", "b,c") !== resultKey("a,b", "c"));
  assert(resultKey("a.b", "c") !== resultKey("a", "b.c"));
});

Deno.test("parseResultKey() refuses keys resultKey() cannot have written", () => {
  for (const key of ["", "orders", '["lkc-1"]', '["lkc-1","a","b"]', '{"a":1}', "[1,2]"]) {
    assertThrows(() => parseResultKey(key), Error, "not a results key");
  }
});

Deno.test("resultValue() is the JSON report's topic, preceded by the run's identity", () => {
  const report = fixtureReport();
  const json = toJsonReport(report);
  for (const t of report.topics) {
    const value = resultValue(identity, t);
    const { schema_version, analysis_time, cluster_id, method, ...topic } = value;
    assertEquals(
      { schema_version, analysis_time, cluster_id, method },
      {
        schema_version: 1,
        analysis_time: "2026-09-08T00:17:42.500Z",
        cluster_id: "lkc-1",
        method: "sampling",
      },
    );
    assertEquals(topic, json.topics.find((x) => x.topic_name === t.topicName));
    assertEquals(
      Object.keys(value).slice(0, 5),
      ["schema_version", "analysis_time", "cluster_id", "method", "topic_name"],
    );
  }
  assertEquals(RESULTS_SCHEMA_VERSION, 1);
});

Deno.test("resultRecords(): one per topic, by name, JSON values, timestamped at the analysis time", () => {
  const report = fixtureReport();
  const records = resultRecords(identity, report.topics);
  const names = report.topics.map((t) => t.topicName).sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  assertEquals(records.map((r) => parseResultKey(r.key).topic), names);
  assertEquals(new Set(records.map((r) => r.key)).size, records.length);
  for (const r of records) {
    assertEquals(r.timestamp, T0);
    const value = JSON.parse(r.value);
    assertEquals(value.topic_name, parseResultKey(r.key).topic);
    assertEquals(value.cluster_id, "lkc-1");
  }
});

Deno.test("resultRecords() passes every value through the scrubber", () => {
  const report = fixtureReport();
  const records = resultRecords(
    identity,
    report.topics,
    (text) => text.replaceAll("TOPIC_AUTHORIZATION_FAILED", "***"),
  );
  const broken = records.find((r) => parseResultKey(r.key).topic === "broken")!;
  assertEquals(JSON.parse(broken.value).error, "Cannot describe topic: ***");
});

Deno.test("retentionMsFromDays(): 0 is forever (-1), days are 86,400,000 ms each", () => {
  assertEquals(retentionMsFromDays(0), RETAIN_FOREVER_MS);
  assertEquals(retentionMsFromDays(0), -1);
  assertEquals(retentionMsFromDays(1), 86_400_000);
  assertEquals(retentionMsFromDays(7), 604_800_000);
  assertEquals(retentionMsFromDays(365), 31_536_000_000);
  assertEquals(retentionMsFromDays(0.5), 43_200_000);
  // So small it would round to 0 ms, which Kafka would read as "delete at once".
  assertEquals(retentionMsFromDays(1e-12), 1);
});

Deno.test("retentionMsFromDays() refuses negative and non-finite days, naming the setting", () => {
  for (const days of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assertThrows(
      () => retentionMsFromDays(days),
      RangeError,
      "KAFKA_WRITER_TOPIC_DATA_RETENTION_IN_DAYS",
    );
  }
});

Deno.test("describeRetention() reads like a person would say it", () => {
  assertEquals(describeRetention(-1), "forever");
  assertEquals(describeRetention(86_400_000), "1 day");
  assertEquals(describeRetention(604_800_000), "7 days");
  assertEquals(describeRetention(36 * 3_600_000), "36 h");
  assertEquals(describeRetention(1500), "1500 ms");
});

Deno.test("inBatches() keeps order and stays within the bound; a larger item goes alone", () => {
  const size = (n: number) => n;
  assertEquals(inBatches([], size, 10), []);
  assertEquals(inBatches([4, 4, 4, 4], size, 10), [[4, 4], [4, 4]]);
  assertEquals(inBatches([3, 3, 4, 1], size, 10), [[3, 3, 4], [1]]);
  assertEquals(inBatches([2, 25, 2], size, 10), [[2], [25], [2]]);
  // Half of Kafka's default max.message.bytes: a send's batch for one partition always fits.
  assertEquals(MAX_SEND_BYTES, 512 * 1024);
});

Deno.test("the defaults are the KAFKA_WRITER_TOPIC_* defaults users know", () => {
  assertEquals(DEFAULT_RESULTS_TOPIC, {
    name: "_j3.partition_recommender.results",
    partitions: 6,
    replicationFactor: 3,
    retentionDays: 0,
  });
});

Deno.test("resultsProducerOptions(): idempotent, acks=all, a bounded number of retries, no auto-creation", () => {
  const connection: KafkaConnection = {
    clusterId: "lkc-1",
    bootstrapServers: ["localhost:9092"],
    securityProtocol: "PLAINTEXT",
    sasl: null,
    caPem: null,
  };
  const o = resultsProducerOptions(connection);
  assertEquals(o.idempotent, true);
  assertEquals(o.acks, kafka.ProduceAcks.ALL);
  assertEquals(o.acks, -1);
  assertEquals(o.maxInflights, 1);
  assertEquals(o.autocreateTopics, false);
  assertEquals(o.partitioner, kafka.compatibilityPartitioner);
  // The analyzer's tuning has no client retries; the writer needs them, and a finite number
  // (the client makes an idempotent producer's 0 or 1 "forever").
  assertEquals(o.retries, WRITER_RETRIES);
  assert(WRITER_RETRIES > 1);
  assertMatch(String(o.bootstrapBrokers), /localhost:9092/);
});

Deno.test("docs/results-topic.md names every field of a record's value", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/results-topic.md", import.meta.url));
  const value = resultValue(identity, fixtureReport().topics[0]!);
  const missing = Object.keys(value).filter((k) => !doc.includes(`| \`${k}\``));
  assertEquals(missing, [], "fields without a row in the schema table");
  assertMatch(doc, /\["lkc-abc123","orders"\]/);
});
