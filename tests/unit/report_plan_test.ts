// The apply plan (src/report/plan.ts): the commands per topic to increase, the safe order for
// keyed topics, the decrease advice, shell quoting, and a snapshot of a whole plan. After an
// intended change: `deno test -A --update-snapshots tests/unit/report_plan_test.ts`, then read
// the diff of __snapshots__/report_plan_test.ts.snap.

import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { summarizeCluster, type TopicResult } from "../../src/model/mod.ts";
import { type ClusterReport, renderMarkdown } from "../../src/report/mod.ts";
import { NEVER_RUNS, planSection, renderPlan } from "../../src/report/plan.ts";
import { shellQuote } from "../../src/report/_shell.ts";
import { fixtureReport, GOLDEN_MEASUREMENTS } from "./_report_fixture.ts";

const golden = fixtureReport({}, GOLDEN_MEASUREMENTS);
const orders = golden.topics.find((t) => t.topicName === "orders")!;
const keep = golden.topics.find((t) => t.topicName === "-rm")!;

/** The golden report with these topics only, and their summary. */
function withTopics(topics: TopicResult[], overrides: Partial<ClusterReport> = {}): ClusterReport {
  return { ...golden, topics, summary: summarizeCluster(topics), ...overrides };
}

/** `orders` as a topic whose sampled records had no key. */
function unkeyed(name: string): TopicResult {
  return {
    ...orders,
    topicName: name,
    warnings: orders.warnings.filter((w) => w !== "keyed_topic"),
  };
}

/** The lines of the numbered steps, in order. */
function steps(plan: string): string[] {
  return plan.split("\n").filter((l) => /^\d\. /.test(l));
}

Deno.test("renderPlan(): a keyed increase gets the six steps in the safe order, commands in step 4", () => {
  const plan = renderPlan(withTopics([orders]));
  const expected = [
    "1. Set `auto.offset.reset=earliest` on every consumer",
    "2. Let the consumers catch up",
    "3. Pause the producers that write keyed records",
    "4. Increase the partitions:",
    "5. Wait until every producer and consumer sees 9 partitions",
    "6. Resume the producers.",
  ];
  assertEquals(steps(plan).map((s, i) => s.startsWith(expected[i]!) ? expected[i] : s), expected);
  assertStringIncludes(plan, "### `orders`: 6 → 9 partitions\n");
  assertStringIncludes(
    plan,
    "4. Increase the partitions:\n\n   ```sh\n" +
      '   kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --command-config ' +
      "client.properties --alter --topic orders --partitions 9\n" +
      "   # or, with the Confluent CLI:\n" +
      "   confluent kafka topic update orders --cluster lkc-test01 --config num.partitions=9\n" +
      "   ```\n",
  );
  // 6 → 9 keeps min(6, 9) / lcm(6, 9) = 6 / 18 of the keys.
  assertStringIncludes(plan, "keeps about 33.3 % of the keys on their partition");
  assertStringIncludes(plan, "`metadata.max.age.ms`");
  assertStringIncludes(plan, "5 minutes by default");
  assertStringIncludes(plan, "the sample puts the need between 8 and 10 partitions");
});

Deno.test("renderPlan(): a keyed increase names its consumer groups, their lag and few_keys", () => {
  const plan = renderPlan(withTopics([{
    ...orders,
    consumerGroups: [{ groupId: "billing", state: "Stable", members: 3, lag: 120 }],
    consumerLag: 120,
    distinctKeys: 4,
    warnings: [...orders.warnings, "few_keys"],
  }]));
  assertStringIncludes(plan, "every consumer of the topic (groups with offsets on it: `billing`)");
  assertStringIncludes(plan, "lag on the topic is 0 (120 records at the analysis)");
  assertStringIncludes(plan, "the sample saw only 4 distinct keys, fewer than 9 partitions");
});

Deno.test("renderPlan(): an unkeyed increase is the command alone, with the ordering note", () => {
  const plan = renderPlan(withTopics([unkeyed("clicks")]));
  assertEquals(steps(plan), []);
  assertStringIncludes(plan, "No sampled record carried a key, so no key changes partition");
  assertStringIncludes(plan, "Kafka orders records within a partition only");
  assertStringIncludes(
    plan,
    '```sh\nkafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --command-config ' +
      "client.properties --alter --topic clicks --partitions 9\n",
  );
  assert(!plan.includes("% of the keys"), "no key share for a topic without keys");
});

Deno.test("renderPlan(): keys unknown (no records read) get the keyed order, said to be a precaution", () => {
  const plan = renderPlan(withTopics([{ ...unkeyed("metered"), avgPayloadBytes: null }], {
    method: "metrics_api",
  }));
  assertStringIncludes(plan, "Keys unknown: this source read no records");
  assertStringIncludes(plan, "If keyed: Going from 6 to 9 partitions keeps about 33.3 %");
  assertEquals(steps(plan).length, 6);
});

Deno.test("renderPlan(): a compacted keyed topic is warned that moved keys' old values remain", () => {
  const plan = renderPlan(withTopics([{ ...orders, isCompacted: true }]));
  assertStringIncludes(plan, "Compacted: a moved key's older values stay on its old partition");
  assert(!renderPlan(withTopics([orders])).includes("Compacted:"));
});

Deno.test("renderPlan(): decreases are explained once and listed; kept topics only counted", () => {
  const over = golden.topics.find((t) => t.action === "over_partitioned")!;
  const other = { ...over, topicName: "zz-wide", partitions: 24 };
  const plan = renderPlan(withTopics([other, keep, over]));
  assertEquals(plan.split("Kafka cannot decrease a topic's partition count").length, 2);
  assertStringIncludes(
    plan,
    '- `=HYPERLINK("x")`: 12 partitions, 6 needed\n- `zz-wide`: 24 partitions, 6 needed\n',
  );
  assert(!plan.includes("kafka-topics.sh"), "nothing to run for a decrease");
  assert(!plan.includes("`-rm`"), "a kept topic is not listed");
  assertStringIncludes(
    plan,
    "3 topics: 0 to increase (0 partitions to add), 2 over-partitioned, 1 to keep",
  );
});

Deno.test("renderPlan(): nothing to do, and a cluster that failed, say so with no commands", () => {
  const calm = renderPlan(withTopics([keep]));
  assertStringIncludes(calm, "Nothing to apply: no topic needs a different partition count.");
  assert(!calm.includes("kafka-topics.sh"));
  const failed = renderPlan(withTopics([], { error: "Cannot connect: ECONNREFUSED" }));
  assertStringIncludes(failed, "The cluster could not be analysed (Cannot connect: ECONNREFUSED)");
  for (const plan of [calm, failed]) {
    assertStringIncludes(plan, NEVER_RUNS);
    assert(!plan.includes("```"), plan);
  }
});

Deno.test("renderPlan(): the header has the cluster, the analysis time and the never-runs line once", () => {
  const plan = renderPlan(golden);
  assert(plan.startsWith("# Apply plan: `lkc-test01`\n\nAnalysed at 2026-09-08T00:17:42.500Z "));
  assertEquals(plan.split("The tool never runs these commands.").length, 2);
  assertEquals(renderPlan(golden), plan); // no clock: the same report gives the same text
});

Deno.test("shellQuote(): plain words as they are, anything else one single-quoted word", () => {
  assertEquals(shellQuote("orders.v1_x-2"), "orders.v1_x-2");
  assertEquals(shellQuote("host1:9092,host2:9092"), "host1:9092,host2:9092");
  assertEquals(shellQuote("a b"), "'a b'");
  assertEquals(shellQuote("$(rm -rf ~)"), "'$(rm -rf ~)'");
  assertEquals(shellQuote("it's"), "'it'\\''s'");
  assertEquals(shellQuote("a\\.b"), "'a\\.b'");
  assertEquals(shellQuote(""), "''");
  // A line break would split the command: bash's $'…' keeps it on one line.
  assertEquals(shellQuote("a\nb'c"), "$'a\\x0ab\\'c'");
});

Deno.test("renderPlan(): topic names are quoted, regex-escaped for kafka-topics, never read as flags", () => {
  const plan = renderPlan(withTopics([unkeyed("a.b"), unkeyed("-rm"), unkeyed("it's $HOME")]));
  // kafka-topics.sh matches --topic as a regular expression: "a.b" would also alter "aXb".
  assertStringIncludes(plan, "--alter --topic 'a\\.b' --partitions 9");
  assertStringIncludes(plan, "confluent kafka topic update a.b --cluster lkc-test01");
  assertStringIncludes(plan, "reads `--topic` as a regular expression");
  assertStringIncludes(plan, "--alter --topic -rm --partitions 9");
  assertStringIncludes(
    plan,
    "confluent kafka topic update --cluster lkc-test01 --config num.partitions=9 -- -rm",
  );
  assertStringIncludes(plan, "--alter --topic 'it'\\''s \\$HOME' --partitions 9");
  assertStringIncludes(plan, "confluent kafka topic update 'it'\\''s $HOME' --cluster");
});

Deno.test("renderPlan(): given bootstrap servers and a command config, the commands use them", () => {
  const plan = renderPlan(withTopics([unkeyed("clicks")]), {
    bootstrapServers: ["b1.example:9092", "b2.example:9092"],
    commandConfig: "my client.properties",
  });
  assertStringIncludes(
    plan,
    "kafka-topics.sh --bootstrap-server b1.example:9092,b2.example:9092 " +
      "--command-config 'my client.properties' --alter",
  );
  assert(!plan.includes("BOOTSTRAP_SERVERS"), "no placeholder when the servers are known");
});

Deno.test("renderPlan(): the Confluent CLI only for Confluent Cloud clusters, said once otherwise", () => {
  const selfManaged = renderPlan(withTopics([orders], { clusterId: "prod-eu" }));
  assert(!selfManaged.includes("confluent kafka topic update orders"));
  assertStringIncludes(selfManaged, "The Confluent CLI can change a partition count only on");
  const forced = renderPlan(withTopics([orders], { clusterId: "prod-eu" }), {
    confluentCloud: true,
  });
  assertStringIncludes(forced, "confluent kafka topic update orders --cluster prod-eu");
  const cloud = renderPlan(withTopics([orders]));
  assertStringIncludes(cloud, "--config num.partitions=N` sets the count, on Confluent Cloud");
  assertStringIncludes(cloud, "`PATCH /kafka/v3/clusters/lkc-test01/topics/<topic>`");
});

Deno.test("the Markdown report ends with planSection(): How to apply, without a second title", () => {
  const section = planSection(golden);
  assert(section.startsWith("## How to apply\n\n" + NEVER_RUNS + "\n"));
  assert(renderMarkdown(golden).endsWith("\n\n" + section));
  assert(!section.includes("# Apply plan"));
  assertStringIncludes(section, "#### `orders`: 6 → 9 partitions\n");
  assertEquals(planSection(withTopics([])), "");
});

Deno.test("renderPlan() of the golden cluster matches its snapshot", async (t) => {
  await t.assertSnapshot(renderPlan(golden));
  await t.assertSnapshot(
    renderPlan(
      withTopics([
        unkeyed("a.b"),
        {
          ...orders,
          isCompacted: true,
          distinctKeys: 4,
          warnings: [...orders.warnings, "few_keys"],
        },
      ], { clusterId: "prod-eu" }),
      { bootstrapServers: ["b1:9092"] },
    ),
  );
});
