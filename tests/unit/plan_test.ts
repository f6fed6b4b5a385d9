import { assert, assertEquals } from "../assert.ts";
import { chunkTopics, DEFAULT_CHUNK_LIMITS, MIN_CHUNK_PARTITIONS } from "../../src/plan/chunks.ts";
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

Deno.test("DEFAULT_CHUNK_LIMITS: chunks of 1,000 partitions, so a worker's memory is bounded", () => {
  const topics = (n: number) => Array.from({ length: n }, (_, i) => topic(`t${i}`, 6));
  assertEquals(DEFAULT_CHUNK_LIMITS.maxPartitions, MIN_CHUNK_PARTITIONS);
  assertEquals(MIN_CHUNK_PARTITIONS, 1000);
  // 100 topics × 6: one chunk, so one worker (or the planning thread) measures it.
  assertEquals(chunkTopics(topics(100), DEFAULT_CHUNK_LIMITS).length, 1);
  // 1,000 topics × 6 = 6,000 partitions: 166 topics (996 partitions) a chunk.
  assertEquals(chunkTopics(topics(1000), DEFAULT_CHUNK_LIMITS).length, 7);
  // 10,000 topics × 6 = 60,000 partitions: as many chunks, none larger, whatever the workers.
  const big = chunkTopics(topics(10_000), DEFAULT_CHUNK_LIMITS);
  assertEquals(big.length, 61);
  assert(big.every((c) => c.length * 6 <= 1000));
});
