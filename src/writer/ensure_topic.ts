// Makes sure the results topic exists with the retention asked for, touching as little as
// possible of a topic someone already has: a missing topic is created with the partitions,
// replication factor and retention.ms of the settings; an existing one keeps its partitions,
// replication and every config, except retention.ms, which is changed with
// IncrementalAlterConfigs (SET of that one key) and only when it differs. The Python tool
// this replaces used AlterConfigs, which resets every config it does not name.
import { kafka } from "../deps/kafka.ts";
import { describeError } from "../describe_error.ts";
import {
  asResultsTopicError,
  authorizationFailure,
  kafkaErrorNames,
  ResultsTopicError,
} from "./errors.ts";
import { describeRetention, retentionMsFromDays } from "./retention.ts";

/** The results topic as the KAFKA_WRITER_TOPIC_* settings describe it. */
export interface ResultsTopicSpec {
  /** KAFKA_WRITER_TOPIC_NAME */
  name: string;
  /** KAFKA_WRITER_TOPIC_PARTITION_COUNT: only when the topic is created. */
  partitions: number;
  /** KAFKA_WRITER_TOPIC_REPLICATION_FACTOR: only when the topic is created. */
  replicationFactor: number;
  /** KAFKA_WRITER_TOPIC_DATA_RETENTION_IN_DAYS: 0 keeps records forever. */
  retentionDays: number;
}

export interface EnsuredTopic {
  created: boolean;
  /** retention.ms of an existing topic was changed to the setting's. */
  retentionChanged: boolean;
  /** The topic's partition count now. */
  partitions: number;
}

const RETENTION = "retention.ms";

/**
 * Creates the topic or brings its retention.ms to the setting's, then waits (at most
 * `timeoutMs`) until every partition has a leader, so that the first send finds them.
 */
export async function ensureResultsTopic(
  admin: kafka.Admin,
  clusterId: string,
  spec: ResultsTopicSpec,
  options: { timeoutMs: number; log: (line: string) => void },
): Promise<EnsuredTopic> {
  checkSpec(spec);
  const retentionMs = retentionMsFromDays(spec.retentionDays);
  let current = await currentRetention(admin, clusterId, spec.name);
  const created = current === undefined &&
    await createTopic(admin, clusterId, spec, retentionMs);
  if (created) {
    options.log(
      `results topic ${spec.name} created (${spec.partitions} partitions, replication factor ` +
        `${spec.replicationFactor}, retention ${describeRetention(retentionMs)})`,
    );
  } else if (current === undefined) {
    // Created by someone else since we looked: from here on it is an existing topic.
    options.log(`results topic ${spec.name} was created by another client meanwhile; using it`);
    current = await currentRetention(admin, clusterId, spec.name);
  }
  let retentionChanged = false;
  if (!created) {
    if (current === undefined) {
      throw new ResultsTopicError(
        "kafka",
        `cluster ${clusterId}: results topic ${spec.name} was reported to exist, then to be missing`,
      );
    }
    if (current !== retentionMs) {
      await setRetention(admin, clusterId, spec.name, retentionMs);
      retentionChanged = true;
      options.log(
        `results topic ${spec.name}: ${RETENTION} changed from ` +
          (current === null ? "unknown" : `${current} (${describeRetention(current)})`) +
          ` to ${retentionMs} (${describeRetention(retentionMs)}); no other config touched`,
      );
    }
  }
  const layout = await waitForLeaders(admin, clusterId, spec.name, options.timeoutMs);
  if (
    !created &&
    (layout.partitions !== spec.partitions || layout.replicationFactor !== spec.replicationFactor)
  ) {
    options.log(
      `results topic ${spec.name} exists with ${layout.partitions} partitions and replication ` +
        `factor ${layout.replicationFactor}; kept as is (KAFKA_WRITER_TOPIC_PARTITION_COUNT and ` +
        `KAFKA_WRITER_TOPIC_REPLICATION_FACTOR apply only when the topic is created)`,
    );
  }
  return { created, retentionChanged, partitions: layout.partitions };
}

function checkSpec(spec: ResultsTopicSpec): void {
  const whole = (name: string, n: number) => {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`${name} must be a whole number of at least 1, not ${n}`);
    }
  };
  if (spec.name.trim() === "") throw new RangeError("KAFKA_WRITER_TOPIC_NAME is empty");
  whole("KAFKA_WRITER_TOPIC_PARTITION_COUNT", spec.partitions);
  whole("KAFKA_WRITER_TOPIC_REPLICATION_FACTOR", spec.replicationFactor);
}

/** The topic's retention.ms; undefined when the topic does not exist, null when not reported. */
async function currentRetention(
  admin: kafka.Admin,
  clusterId: string,
  topic: string,
): Promise<number | null | undefined> {
  let described: kafka.ConfigDescription[];
  try {
    described = await admin.describeConfigs({
      resources: [{
        resourceType: kafka.ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configurationKeys: [RETENTION],
      }],
    });
  } catch (e) {
    if (kafkaErrorNames(e).has("UNKNOWN_TOPIC_OR_PARTITION")) return undefined;
    throw asResultsTopicError(e, clusterId, topic, "read the configs of");
  }
  const value = described.find((d) => d.resourceName === topic)?.configs.find((c) =>
    c.name === RETENTION
  )?.value;
  if (value === undefined || value === null || !/^-?\d+$/.test(value)) return null;
  return Number(value);
}

/** Creates the topic; false when it exists already (someone created it since we looked). */
async function createTopic(
  admin: kafka.Admin,
  clusterId: string,
  spec: ResultsTopicSpec,
  retentionMs: number,
): Promise<boolean> {
  const brokers = await brokerCount(admin, clusterId, spec.name);
  if (spec.replicationFactor > brokers) throw tooFewBrokers(clusterId, spec, brokers);
  try {
    await admin.createTopics({
      topics: [spec.name],
      partitions: spec.partitions,
      replicas: spec.replicationFactor,
      configs: [{ name: RETENTION, value: String(retentionMs) }],
    });
    return true;
  } catch (e) {
    const names = kafkaErrorNames(e);
    if (names.has("TOPIC_ALREADY_EXISTS")) return false;
    // Brokers that are registered but not all available, for instance.
    if (names.has("INVALID_REPLICATION_FACTOR")) throw tooFewBrokers(clusterId, spec, brokers, e);
    throw asResultsTopicError(e, clusterId, spec.name, "create");
  }
}

async function brokerCount(admin: kafka.Admin, clusterId: string, topic: string): Promise<number> {
  try {
    return (await admin.metadata({ topics: [], forceUpdate: true })).brokers.size;
  } catch (e) {
    throw asResultsTopicError(e, clusterId, topic, "read the broker list before creating");
  }
}

function tooFewBrokers(
  clusterId: string,
  spec: ResultsTopicSpec,
  brokers: number,
  cause?: unknown,
): ResultsTopicError {
  return new ResultsTopicError(
    "replication_factor",
    `cluster ${clusterId}: cannot create results topic ${spec.name} with ` +
      `KAFKA_WRITER_TOPIC_REPLICATION_FACTOR=${spec.replicationFactor}: the cluster has ` +
      `${brokers} broker${brokers === 1 ? "" : "s"}` +
      (cause === undefined ? "" : " available") +
      `; set KAFKA_WRITER_TOPIC_REPLICATION_FACTOR to ${Math.max(1, brokers)} or less`,
    cause === undefined ? undefined : { cause },
  );
}

async function setRetention(
  admin: kafka.Admin,
  clusterId: string,
  topic: string,
  retentionMs: number,
): Promise<void> {
  try {
    await admin.incrementalAlterConfigs({
      resources: [{
        resourceType: kafka.ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configs: [{
          name: RETENTION,
          configOperation: kafka.IncrementalAlterConfigOperationTypes.SET,
          value: String(retentionMs),
        }],
      }],
    });
  } catch (e) {
    throw asResultsTopicError(e, clusterId, topic, `change ${RETENTION} of`);
  }
}

/** Partitions and replication factor, once every partition has a leader. */
async function waitForLeaders(
  admin: kafka.Admin,
  clusterId: string,
  topic: string,
  timeoutMs: number,
): Promise<{ partitions: number; replicationFactor: number }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
      const t = metadata.topics.get(topic);
      if (t && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) {
        return {
          partitions: t.partitionsCount,
          replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        };
      }
      last = null;
    } catch (e) {
      // Right after creation, metadata may not know the topic yet ("Unknown topic").
      if (authorizationFailure(e)) throw asResultsTopicError(e, clusterId, topic, "describe");
      last = e;
    }
    if (Date.now() >= deadline) {
      throw new ResultsTopicError(
        "kafka",
        `cluster ${clusterId}: results topic ${topic} has partitions without a leader after ` +
          `${timeoutMs / 1000} s` + (last === null ? "" : ` (${describeError(last)})`),
        last === null ? undefined : { cause: last },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
