import { assertEquals } from "../assert.ts";
import {
  chunkLimitsFor,
  chunkTopics,
  MAX_CHUNK_PARTITIONS,
  MIN_CHUNK_PARTITIONS,
} from "../../src/plan/chunks.ts";
import type { TopicPlan } from "../../src/plan/cluster_plan.ts";
import { isInternalTopic, selectTopics } from "../../src/plan/topic_filter.ts";

const topic = (name: string, partitions: number): TopicPlan => ({
  name,
  topicId: name,
  leaders: Array(partitions).fill(1),
  isCompacted: false,
  retentionMs: -1,
});

Deno.test("selectTopics() matches TOPIC_FILTER substrings ignoring case; empty means all", () => {
  const names = ["Orders", "payments", "orders_dlq", "_schemas", "__consumer_offsets"];
  assertEquals(selectTopics(names, [], false), ["Orders", "payments", "orders_dlq"]);
  assertEquals(selectTopics(names, ["ORDER"], false), ["Orders", "orders_dlq"]);
  assertEquals(selectTopics(names, ["pay", "dlq"], false), ["payments", "orders_dlq"]);
  assertEquals(selectTopics(names, [""], false), ["Orders", "payments", "orders_dlq"]);
});

Deno.test("selectTopics() keeps internal (underscore) topics only with INCLUDE_INTERNAL_TOPICS", () => {
  const names = ["a", "_schemas", "__consumer_offsets"];
  assertEquals(selectTopics(names, [], true), names);
  assertEquals(selectTopics(names, ["schema"], true), ["_schemas"]);
  assertEquals(isInternalTopic("_confluent-metrics"), true);
  assertEquals(isInternalTopic("my_topic"), false);
});

Deno.test("chunkTopics() keeps chunks under the partition and topic limits, never splitting a topic", () => {
  const topics = [topic("a", 4), topic("b", 4), topic("c", 10), topic("d", 1), topic("e", 1)];
  assertEquals(
    chunkTopics(topics, { maxPartitions: 8, maxTopics: 10 }).map((c) => c.map((t) => t.name)),
    [["a", "b"], ["c"], ["d", "e"]],
  );
  assertEquals(
    chunkTopics(topics, { maxPartitions: 100, maxTopics: 2 }).map((c) => c.map((t) => t.name)),
    [["a", "b"], ["c", "d"], ["e"]],
  );
  assertEquals(chunkTopics([], { maxPartitions: 8, maxTopics: 2 }), []);
});

Deno.test("chunkLimitsFor(): two chunks a worker, from MIN_ to MAX_CHUNK_PARTITIONS", () => {
  const topics = (n: number) => Array.from({ length: n }, (_, i) => topic(`t${i}`, 6));
  // 100 topics × 6: one chunk, so one worker measures it whatever the pool's size.
  assertEquals(chunkTopics(topics(100), chunkLimitsFor(topics(100), 2)).length, 1);
  assertEquals(chunkLimitsFor(topics(100), 2).maxPartitions, MIN_CHUNK_PARTITIONS);
  // 1,000 topics × 6 = 6,000 partitions over 2 workers: four chunks of 1,500.
  assertEquals(chunkLimitsFor(topics(1000), 2).maxPartitions, 1500);
  assertEquals(chunkTopics(topics(1000), chunkLimitsFor(topics(1000), 2)).length, 4);
  // 10,000 topics × 6 = 60,000 partitions: capped, so that a worker's memory is too.
  assertEquals(MAX_CHUNK_PARTITIONS, 2000);
  assertEquals(chunkLimitsFor(topics(10_000), 1).maxPartitions, 2000);
  // 333 topics (1,998 partitions) a chunk: 31 chunks.
  assertEquals(chunkTopics(topics(10_000), chunkLimitsFor(topics(10_000), 1)).length, 31);
});
