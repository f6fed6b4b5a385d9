// The retry rule of requests to partition leaders (src/kafka/per_leader.ts): only partitions
// that failed retriably are asked again, after a leader refresh; one that stays unreachable
// fails alone once the budget is spent; what retrying cannot fix is not retried. The clock
// and sleep are injected, so the budget is exact and the test takes no time.
import { assert, assertEquals } from "../assert.ts";
import { kafka } from "../../src/deps/kafka.ts";
import { isRetriable, PartitionError } from "../../src/kafka/errors.ts";
import { type Answer, perLeader, type RetryContext } from "../../src/kafka/per_leader.ts";
import type { BrokerNode, LeaderPartition } from "../../src/kafka/types.ts";

const node = (nodeId: number): BrokerNode => ({ nodeId, host: `b${nodeId}`, port: 9092 });
const part = (topic: string, partition: number, leader: number): LeaderPartition => ({
  topic,
  topicId: topic,
  partition,
  leader: node(leader),
});

/** A fake clock and the leaders metadata would report after each refresh. */
function context(moves: Record<string, number> = {}, budgetMs = 60_000) {
  let now = 0;
  const suspects: number[] = [];
  let refreshes = 0;
  const ctx: RetryContext = {
    retryBudgetMs: budgetMs,
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    refreshLeaders: (ps) => {
      refreshes++;
      for (const p of ps) {
        const to = moves[`${p.topic}-${p.partition}`];
        if (to !== undefined) p.leader = node(to);
      }
      return Promise.resolve();
    },
    suspect: (b) => void suspects.push(b.nodeId),
  };
  return { ctx, suspects, refreshes: () => refreshes, elapsed: () => now };
}

const NOT_LEADER = 6;
const TOPIC_AUTHORIZATION_FAILED = 29;

Deno.test("perLeader() asks again only the partition whose leader moved, at its new leader", async () => {
  const { ctx, refreshes } = context({ "t-0": 3 });
  const partitions = [part("t", 0, 1), part("t", 1, 2), part("t", 2, 1)];
  const sent: string[] = [];
  const answers = await perLeader(ctx, partitions, (leader, group) => {
    sent.push(`${leader.nodeId}:${group.map((p) => p.partition).join(",")}`);
    return Promise.resolve(
      group.map((p): Answer<number> =>
        leader.nodeId === 1 && p.partition === 0
          ? { ok: false, error: new PartitionError(NOT_LEADER, "ListOffsets for t[0]") }
          : { ok: true, value: leader.nodeId * 100 + p.partition }
      ),
    );
  });
  assertEquals(answers.map((a) => a.ok ? a.value : "failed"), [300, 201, 102]);
  assertEquals(sent.sort(), ["1:0,2", "2:1", "3:0"]);
  assertEquals(refreshes(), 1);
});

Deno.test("perLeader() fails one unreachable partition alone when its budget is spent", async () => {
  const { ctx, suspects, elapsed } = context({}, 10_000);
  const partitions = [part("t", 0, 1), part("t", 1, 2)];
  let toDead = 0;
  const answers = await perLeader(ctx, partitions, (leader, group) => {
    if (leader.nodeId === 1) {
      toDead++;
      const refused = Object.assign(new Error("connect ECONNREFUSED b1:9092"), {
        code: "ECONNREFUSED",
      });
      return Promise.reject(new kafka.NetworkError("Connection error", { cause: refused }));
    }
    return Promise.resolve(group.map((): Answer<string> => ({ ok: true, value: "fine" })));
  });
  assertEquals(answers[1], { ok: true, value: "fine" });
  assert(!answers[0]!.ok, "the dead leader's partition failed");
  assert(elapsed() <= 10_000, `waited ${elapsed()} ms, within the budget`);
  // 250 ms doubling to 4 s: 0.25 + 0.5 + 1 + 2 + 4 = 7.75 s, and 4 more would pass 10 s.
  assertEquals(toDead, 6);
  assert(suspects.every((n) => n === 1) && suspects.length === 6, "the dead broker is suspected");
});

Deno.test("perLeader() does not retry what retrying cannot fix", async () => {
  const { ctx, refreshes } = context();
  let calls = 0;
  const [answer] = await perLeader(ctx, [part("t", 0, 1)], () => {
    calls++;
    return Promise.resolve([{
      ok: false,
      error: new PartitionError(TOPIC_AUTHORIZATION_FAILED, "ListOffsets for t[0]"),
    }]);
  });
  assertEquals(calls, 1);
  assertEquals(refreshes(), 0);
  assert(answer && !answer.ok);
});

Deno.test("isRetriable(): the network and moving leaders yes; credentials, permissions, ACLs no", () => {
  const yes = [
    new PartitionError(NOT_LEADER, "x"),
    new PartitionError(5, "x"), // LEADER_NOT_AVAILABLE
    new PartitionError(3, "x"), // UNKNOWN_TOPIC_OR_PARTITION while metadata settles
    new kafka.TimeoutError("Request timed out", { canRetry: true }),
    new kafka.NetworkError("Connection closed"),
    Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    new kafka.MultipleErrors("x", [new kafka.NetworkError("Connection closed")]),
  ];
  const no = [
    new PartitionError(TOPIC_AUTHORIZATION_FAILED, "x"),
    new kafka.AuthenticationError("SASL authentication failed"),
    new Deno.errors.NotCapable('Requires net access to "b1:9092"'),
    new kafka.NetworkError("Connection to localhost:9094 failed.", {
      cause: Object.assign(new Error("getaddrinfo EPERM localhost"), { code: "EPERM" }),
    }),
    new kafka.NetworkError("Connection error", {
      cause: new Error("invalid peer certificate: UnknownIssuer"),
    }),
    new Error("something else"),
  ];
  for (const e of yes) assert(isRetriable(e), `${e.message} is retriable`);
  for (const e of no) assert(!isRetriable(e), `${e.message} is not retriable`);
});
