// What bounds the requests in flight (src/kafka/in_flight.ts, issue 15): the lanes of
// ListOffsets rounds, the Fetch byte budget, the in-flight high-water mark of the request
// counter, and metadata refreshes shared by the many rounds that fail at once when a broker
// goes. No broker and no clock: the request counter is fed through the client's own
// diagnostics channel, the cluster's metadata is a fake.
import { tracingChannel } from "node:diagnostics_channel";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import {
  ByteBudget,
  FETCH_BYTES_IN_FLIGHT,
  fetchBudgetOf,
  lookupLanes,
  LOOKUPS_IN_FLIGHT,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MIN_LOOKUP_LANES,
} from "../../src/kafka/in_flight.ts";
import {
  countKafkaRequests,
  takeInFlightHighWater,
  takeRequestCounts,
} from "../../src/kafka/request_counter.ts";
import { type ClusterMetadata, KafkaCluster } from "../../src/kafka/cluster.ts";
import { clientOptions, DEFAULT_TUNING, tuningFor } from "../../src/kafka/connection.ts";
import type { BrokerNode, LeaderPartition } from "../../src/kafka/types.ts";

Deno.test("lookupLanes(): a week's rounds at once for small chunks, bounded lookups for large", () => {
  // The README example: 12 partitions per request, every one of 167 rounds in flight.
  assert(lookupLanes(12) >= 167, `${lookupLanes(12)}`);
  assertEquals(lookupLanes(1), MAX_IN_FLIGHT_PER_CONNECTION);
  assertEquals(lookupLanes(0), MAX_IN_FLIGHT_PER_CONNECTION);
  // Past the budget: lookups in flight stay within it, and never fewer than the old 4 lanes.
  assertEquals(lookupLanes(600), Math.floor(LOOKUPS_IN_FLIGHT / 600));
  assert(lookupLanes(600) * 600 <= LOOKUPS_IN_FLIGHT);
  assertEquals(lookupLanes(5000), MIN_LOOKUP_LANES);
  assertEquals(lookupLanes(1_000_000), MIN_LOOKUP_LANES);
});

Deno.test("the analyzer's client keeps many requests in flight per connection; producers keep 5", () => {
  const c = {
    clusterId: "x",
    bootstrapServers: ["b:9092"],
    securityProtocol: "PLAINTEXT" as const,
    sasl: null,
    caPem: null,
  };
  assertEquals(clientOptions(c, DEFAULT_TUNING).maxInflights, MAX_IN_FLIGHT_PER_CONNECTION);
  assertEquals(clientOptions(c, tuningFor(5_000)).maxInflights, MAX_IN_FLIGHT_PER_CONNECTION);
  const seeder = { clientId: "s", connectTimeoutMs: 1, requestTimeoutMs: 1, retries: 3 };
  assertEquals(clientOptions(c, seeder).maxInflights, undefined);
});

/** A promise and its resolver. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => resolve = r);
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("ByteBudget: work runs while its bytes fit, first come first served", async () => {
  const budget = new ByteBudget(100);
  const started: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const run = (name: string, bytes: number) => {
    const gate = deferred();
    gates.set(name, gate);
    return budget.use(bytes, async () => {
      started.push(name);
      await gate.promise;
      return name;
    });
  };
  const a = run("a", 60);
  const b = run("b", 30);
  const c = run("c", 50); // does not fit beside a and b
  const d = run("d", 5); // would fit, but waits its turn behind c
  await tick();
  assertEquals(started, ["a", "b"]);
  assertEquals(budget.used, 90);
  gates.get("a")!.resolve();
  assertEquals(await a, "a");
  await tick();
  assertEquals(started, ["a", "b", "c", "d"]);
  assertEquals(budget.used, 85);
  for (const g of gates.values()) g.resolve();
  assertEquals(await Promise.all([b, c, d]), ["b", "c", "d"]);
  assertEquals(budget.used, 0);
  assertEquals(budget.highWater, 90);
});

Deno.test("ByteBudget: a charge larger than the budget runs alone; failures give bytes back", async () => {
  const budget = new ByteBudget(100);
  const gate = deferred();
  const small = budget.use(10, () => gate.promise);
  let bigRan = false;
  const big = budget.use(1_000, () => {
    bigRan = true;
    return Promise.resolve();
  });
  await tick();
  assert(!bigRan, "waits for the budget to empty");
  gate.resolve();
  await Promise.all([small, big]);
  assert(bigRan);
  assertEquals(budget.highWater, 100, "counted at the whole budget");
  await assertRejects(
    () => budget.use(50, () => Promise.reject(new Error("broken"))),
    Error,
    "broken",
  );
  assertEquals(budget.used, 0);
  // One budget per client object.
  const client = {};
  assert(fetchBudgetOf(client) === fetchBudgetOf(client), "the same budget object each time");
  assert(fetchBudgetOf(client) !== fetchBudgetOf({}));
  assertEquals(fetchBudgetOf(client).capacity, FETCH_BYTES_IN_FLIGHT);
});

/** A connection as the client's diagnostics show it: a status, and a `close` event. */
function fakeConnection() {
  const listeners: (() => void)[] = [];
  return {
    status: "connected",
    once(event: string, listener: () => void) {
      if (event === "close") listeners.push(listener);
      return this;
    },
    close() {
      this.status = "closed";
      for (const l of listeners.splice(0)) l();
    },
  };
}

Deno.test("the request counter's in-flight high-water mark: sent and not yet answered", () => {
  countKafkaRequests();
  takeRequestCounts();
  takeInFlightHighWater();
  const api = tracingChannel("plt:kafka:connections:api");
  const LIST_OFFSETS = 2;
  const FETCH = 1;
  const conn = fakeConnection();
  const sent = Array.from({ length: 6 }, () => ({ apiKey: LIST_OFFSETS, connection: conn }));
  for (const m of sent.slice(0, 3)) api.start.publish(m);
  api.asyncStart.publish(sent[0]); // answered
  api.start.publish(sent[3]);
  api.start.publish(sent[4]);
  api.error.publish(sent[1]); // could not be sent or read
  api.asyncStart.publish(sent[1]); // settles once only
  const fetch = { apiKey: FETCH, connection: conn };
  api.start.publish(fetch);
  assertEquals(takeInFlightHighWater(), { ListOffsets: 4, Fetch: 1 });
  // Still outstanding: the next mark starts from them (2, 3, 4, and the fetch).
  assertEquals(takeInFlightHighWater(), { ListOffsets: 3, Fetch: 1 });
  // The connection closes (a timeout, a broker gone): its requests are no longer in flight.
  conn.close();
  api.start.publish(sent[5]); // on a closed connection: the client fails it at once
  assertEquals(takeInFlightHighWater(), { ListOffsets: 3, Fetch: 1 });
  assertEquals(takeInFlightHighWater(), {});
  const other = fakeConnection();
  api.start.publish({ apiKey: LIST_OFFSETS, connection: other });
  assertEquals(takeInFlightHighWater(), { ListOffsets: 1 });
  other.close();
  assertEquals(takeRequestCounts(), { ListOffsets: 7, Fetch: 1 });
});

const node = (nodeId: number): BrokerNode => ({ nodeId, host: `b${nodeId}`, port: 9092 });

/** A cluster whose Metadata answers come from the test: call n names broker n as leader. */
class FakeMetadata extends KafkaCluster {
  calls: string[][] = [];
  gates: ReturnType<typeof deferred>[] = [];
  fail = false;

  constructor() {
    super({
      clusterId: "fake",
      bootstrapServers: ["127.0.0.1:1"],
      securityProtocol: "PLAINTEXT",
      sasl: null,
      caPem: null,
    });
  }

  override async metadata(topics: readonly string[] | null): Promise<ClusterMetadata> {
    const n = this.calls.push([...(topics ?? [])].sort());
    const gate = deferred();
    this.gates.push(gate);
    await gate.promise;
    if (this.fail) throw new Error("no broker answered Metadata");
    return {
      clusterId: "fake",
      brokers: [node(n)],
      topics: new Map(
        (topics ?? []).map((t) => [t, { id: t, leaders: [n, n, n], isInternal: false }]),
      ),
    };
  }
}

const partition = (topic: string, p: number): LeaderPartition => ({
  topic,
  topicId: topic,
  partition: p,
  leader: node(0),
});

Deno.test("refreshLeaders(): refreshes asked together share one Metadata request", async () => {
  const cluster = new FakeMetadata();
  try {
    const first = [partition("a", 0)];
    const rounds = Array.from({ length: 50 }, (_, i) => [partition(i % 2 ? "b" : "c", i % 3)]);
    const p1 = cluster.refreshLeaders(first);
    // Asked while the first is in flight: they wait for a request sent after they asked.
    const rest = rounds.map((r) => cluster.refreshLeaders(r));
    assertEquals(cluster.calls, [["a"]]);
    cluster.gates[0]!.resolve();
    await p1;
    assertEquals(first[0]!.leader, node(1));
    await tick();
    assertEquals(cluster.calls, [["a"], ["b", "c"]], "one request for all 50");
    cluster.gates[1]!.resolve();
    await Promise.all(rest);
    for (const r of rounds) assertEquals(r[0]!.leader, node(2));
    // Nothing in flight: the next refresh sends at once.
    const later = [partition("d", 1)];
    const p3 = cluster.refreshLeaders(later);
    assertEquals(cluster.calls.length, 3);
    cluster.fail = true;
    cluster.gates[2]!.resolve();
    await assertRejects(() => p3, Error, "no broker answered Metadata");
    assertEquals(later[0]!.leader, node(0), "a failed refresh leaves the leader as it was");
    cluster.fail = false;
    const p4 = cluster.refreshLeaders(later);
    cluster.gates[3]!.resolve();
    await p4;
    assertEquals(later[0]!.leader, node(4));
  } finally {
    await cluster.close();
  }
});
