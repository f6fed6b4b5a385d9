// Real consumer groups for tests: members hosted in a Web Worker (consumer_group_worker.ts)
// that join, stay and commit what a test chooses, groups that only have committed offsets,
// and the test's own view of the broker's groups (every type, not only classic ones), used
// to wait for a group to settle and to prove that a reader created none.
import { kafka } from "../../src/deps/kafka.ts";
import { describeError } from "../../src/describe_error.ts";
import { clientOptions, type KafkaConnection } from "../../src/kafka/connection.ts";
import type { CommitOffset, GroupReply, GroupRequest } from "./consumer_group_worker.ts";

export type { CommitOffset } from "./consumer_group_worker.ts";

type Pending = { resolve: () => void; reject: (e: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Consumer-group members in their own isolate; close() ends every one of them. */
export class GroupMembers {
  #worker = new Worker(new URL("./consumer_group_worker.ts", import.meta.url), {
    type: "module",
  });
  #next = 0;
  #pending = new Map<number, Pending>();

  constructor(private readonly connection: KafkaConnection) {
    this.#worker.onmessage = (e: MessageEvent<GroupReply>) => {
      const p = this.#pending.get(e.data.id);
      this.#pending.delete(e.data.id);
      if (e.data.ok) p?.resolve();
      else p?.reject(new Error(e.data.message));
    };
    this.#worker.onerror = (e) => {
      e.preventDefault();
      for (const p of this.#pending.values()) p.reject(new Error(`worker failed: ${e.message}`));
      this.#pending.clear();
    };
  }

  #ask(request: DistributiveOmit<GroupRequest, "id">): Promise<void> {
    const id = this.#next++;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id } as GroupRequest);
    });
  }

  /** `members` new members of `groupId`, subscribed to `topics`, with no autocommit. */
  join(
    groupId: string,
    protocol: "classic" | "consumer",
    topics: string[],
    members: number,
  ): Promise<void> {
    return this.#ask({
      type: "join",
      connection: this.connection,
      groupId,
      protocol,
      topics,
      members,
    });
  }

  /** Commits these offsets as the group's first member (in its current generation/epoch). */
  commit(groupId: string, offsets: CommitOffset[]): Promise<void> {
    return this.#ask({ type: "commit", groupId, offsets });
  }

  async close(): Promise<void> {
    try {
      await this.#ask({ type: "close" });
    } finally {
      this.#worker.terminate();
    }
  }
}

/** An admin client of the test's own (PLAINTEXT or the admin user), for what tests observe. */
export function testAdmin(connection: KafkaConnection): kafka.Admin {
  return new kafka.Admin(
    clientOptions(connection, {
      clientId: "kpr-test-groups",
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      retries: 3,
    }),
  );
}

/**
 * Every group of the broker, of every type, as `id type state` lines, sorted. (The client's
 * admin.listGroups() lists only classic groups unless told otherwise.)
 */
export async function allGroups(admin: kafka.Admin): Promise<string[]> {
  const groups = await admin.listGroups({ types: ["classic", "consumer", "share", "streams"] });
  return [...groups.values()].map((g) => `${g.id} ${g.groupType ?? "?"}`).sort();
}

/** A group that only has committed offsets (OffsetCommit with no member): state Empty. */
export async function commitWithoutMembers(
  admin: kafka.Admin,
  groupId: string,
  offsets: CommitOffset[],
): Promise<void> {
  const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
  for (const o of offsets) {
    byTopic.set(o.topic, [
      ...(byTopic.get(o.topic) ?? []),
      { partition: o.partition, offset: BigInt(o.offset) },
    ]);
  }
  const topics = [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets }));
  // A new cluster is still electing the leaders of __consumer_offsets (NOT_COORDINATOR,
  // COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS for a few seconds).
  for (let attempt = 0;; attempt++) {
    try {
      await admin.alterConsumerGroupOffsets({ groupId, topics });
      return;
    } catch (e) {
      if (attempt >= 40 || !/coordinator/i.test(describeError(e))) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export interface GroupView {
  state: string;
  members: number;
}

/**
 * The test's own view of a group on a single-broker test bed (its only broker is every
 * group's coordinator): DescribeGroups for classic groups, ConsumerGroupDescribe for KIP-848
 * ones, straight from the client.
 */
export async function viewGroup(
  admin: kafka.Admin,
  broker: { host: string; port: number },
  groupId: string,
  protocol: "classic" | "consumer",
): Promise<GroupView> {
  const conn = await admin.connections.get(broker);
  if (protocol === "classic") {
    const r = await kafka.describeGroupsV5.api.async(conn, [groupId], false);
    const g = r.groups[0]!;
    return { state: g.groupState, members: g.members.length };
  }
  const r = await kafka.consumerGroupDescribeV0.api.async(conn, [groupId], false);
  const g = r.groups[0]!;
  return { state: g.groupState, members: g.members.length };
}

/** Waits until the group is Stable with `members` members (rebalances settle in seconds). */
export async function waitForStableGroup(
  admin: kafka.Admin,
  broker: { host: string; port: number },
  groupId: string,
  protocol: "classic" | "consumer",
  members: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: GroupView | string = "never described";
  while (Date.now() < deadline) {
    try {
      last = await viewGroup(admin, broker, groupId, protocol);
      if (last.state === "Stable" && last.members === members) return;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `group ${groupId} was not Stable with ${members} members within ${timeoutMs / 1000} s: ` +
      JSON.stringify(last),
  );
}
