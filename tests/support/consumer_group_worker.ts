// Web Worker that hosts real consumer-group members for tests (consumer_groups.ts is its
// host): platformatic Consumers that join a group (the classic protocol, or KIP-848's
// "consumer" protocol), stay members until told to close, and commit chosen offsets. A
// worker, so that their JoinGroup, Heartbeat and OffsetCommit requests are counted in its
// own isolate (src/kafka/request_counter.ts), never in the test's.
/// <reference lib="deno.worker" />
import { kafka } from "../../src/deps/kafka.ts";
import { clientOptions, type KafkaConnection } from "../../src/kafka/connection.ts";

export interface CommitOffset {
  topic: string;
  partition: number;
  offset: number;
}

export type GroupRequest =
  | {
    type: "join";
    id: number;
    connection: KafkaConnection;
    groupId: string;
    protocol: "classic" | "consumer";
    topics: string[];
    members: number;
  }
  | { type: "commit"; id: number; groupId: string; offsets: CommitOffset[] }
  | { type: "close"; id: number };

export type GroupReply = { id: number; ok: true } | { id: number; ok: false; message: string };

interface Member {
  consumer: kafka.Consumer<Buffer, Buffer, Buffer, Buffer>;
  stream: kafka.MessagesStream<Buffer, Buffer, Buffer, Buffer>;
}

const groups = new Map<string, Member[]>();

async function join(r: Extract<GroupRequest, { type: "join" }>): Promise<void> {
  const base = clientOptions(r.connection, {
    clientId: `kpr-test-${r.groupId}`,
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    retries: 3,
  });
  const members = groups.get(r.groupId) ?? [];
  groups.set(r.groupId, members);
  for (let i = 0; i < r.members; i++) {
    const consumer = new kafka.Consumer({
      ...base,
      groupId: r.groupId,
      ...(r.protocol === "consumer"
        ? { groupProtocol: "consumer" as const }
        : { sessionTimeout: 30_000, heartbeatInterval: 1_000 }),
    });
    // No autocommit: the only offsets the group has are the ones a test commits.
    const stream = await consumer.consume({
      topics: r.topics,
      autocommit: false,
      mode: kafka.MessagesStreamModes.EARLIEST,
    });
    stream.on("data", () => {});
    members.push({ consumer, stream });
  }
}

async function commit(r: Extract<GroupRequest, { type: "commit" }>): Promise<void> {
  const member = groups.get(r.groupId)?.[0];
  if (!member) throw new Error(`no member of ${r.groupId} in this worker`);
  await member.consumer.commit({
    offsets: r.offsets.map((o) => ({
      topic: o.topic,
      partition: o.partition,
      offset: BigInt(o.offset),
      leaderEpoch: -1,
    })),
  });
}

async function closeAll(): Promise<void> {
  const all = [...groups.values()].flat();
  groups.clear();
  await Promise.all(all.map(async ({ consumer, stream }) => {
    await stream.close().catch(() => {});
    await consumer.close(true).catch(() => {});
  }));
}

self.onmessage = async (e: MessageEvent<GroupRequest>) => {
  const r = e.data;
  try {
    if (r.type === "join") await join(r);
    else if (r.type === "commit") await commit(r);
    else await closeAll();
    self.postMessage({ id: r.id, ok: true } satisfies GroupReply);
  } catch (err) {
    const message = err instanceof Error
      ? `${err.message}${
        (err as { errors?: Error[] }).errors?.map((x) => `: ${x.message}`).join("") ?? ""
      }`
      : String(err);
    self.postMessage({ id: r.id, ok: false, message } satisfies GroupReply);
  }
};
