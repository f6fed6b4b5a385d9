// USE_KAFKA_WRITER: one record per analysed topic to the results topic of the cluster that
// was analysed (result_record.ts says what a record holds; docs/results-topic.md is the
// schema for its consumers). The one write the tool ever makes to a cluster, and opt-in.
//
// The topic is created when missing; an existing topic only ever gets its retention.ms
// brought to the setting (ensure_topic.ts). Records go through an idempotent producer with
// acks=all: a send the client retries after a lost answer is written once, and a record
// is acknowledged only once every in-sync replica has it. The key (cluster, topic) picks
// the partition as the Java client would (murmur2), so a topic's history stays in order.
import { Buffer } from "node:buffer";
import { kafka } from "../deps/kafka.ts";
import {
  clientOptions,
  type ClientTuning,
  DEFAULT_TUNING,
  type KafkaConnection,
} from "../kafka/connection.ts";
import type { TopicResult } from "../model/mod.ts";
import { inBatches } from "./_batches.ts";
import { ensureResultsTopic, type ResultsTopicSpec } from "./ensure_topic.ts";
import { asResultsTopicError, kafkaErrorNames, ResultsTopicError } from "./errors.ts";
import { type ResultRecord, resultRecords, type RunIdentity } from "./result_record.ts";

export type { ResultsTopicSpec } from "./ensure_topic.ts";
export type { RunIdentity } from "./result_record.ts";

/** The KAFKA_WRITER_TOPIC_* defaults. */
export const DEFAULT_RESULTS_TOPIC: Readonly<ResultsTopicSpec> = Object.freeze({
  name: "_j3.partition_recommender.results",
  partitions: 6,
  replicationFactor: 3,
  retentionDays: 0,
});

/**
 * Retries inside the client for the writer's requests. The analyzer's tuning has none (it
 * retries itself, after a metadata refresh); the writer relies on the client's, which is
 * what makes a lost produce answer harmless with an idempotent producer. It must be more
 * than 1: the client turns an idempotent producer's 0 or 1 into "retry forever".
 */
export const WRITER_RETRIES = 3;

export interface WriteResultsOptions {
  connection: KafkaConnection;
  /** Timeouts and client id; the analyzer's by default. Its `retries` is replaced by WRITER_RETRIES. */
  tuning?: ClientTuning;
  topic: ResultsTopicSpec;
  identity: RunIdentity;
  /** The cluster's analysed topics: one record each. */
  topics: readonly TopicResult[];
  log?: (line: string) => void;
  /** Masks secrets in each record's value (the CLI's scrubber), as in the report files. */
  scrub?: (text: string) => string;
}

export interface WriteResultsOutcome {
  topic: string;
  /** The topic did not exist and this run created it. */
  created: boolean;
  /** The topic existed and its retention.ms was changed to the setting's. */
  retentionChanged: boolean;
  /** Records written (acknowledged by every in-sync replica). */
  records: number;
}

/** How long closing may wait for a connection to a broker that stopped answering. */
const CLOSE_GRACE_MS = 5_000;

/** The writer's client tuning: the run's timeouts, the client's retries. */
export function writerTuning(tuning: ClientTuning = DEFAULT_TUNING): ClientTuning {
  return { ...tuning, retries: WRITER_RETRIES };
}

/** The producer's options: idempotent, acks=all, Java's partitioning, no topic auto-creation. */
export function resultsProducerOptions(
  connection: KafkaConnection,
  tuning: ClientTuning = DEFAULT_TUNING,
): kafka.ProducerOptions<Buffer, Buffer, Buffer, Buffer> {
  return {
    ...clientOptions(connection, writerTuning(tuning)),
    idempotent: true,
    acks: kafka.ProduceAcks.ALL,
    // What idempotence allows at most in order; the client enforces it too.
    maxInflights: 1,
    partitioner: kafka.compatibilityPartitioner,
    autocreateTopics: false,
  };
}

/**
 * Writes one record per topic to the results topic, creating the topic or aligning its
 * retention first. Nothing is sent, and the cluster is not contacted, when there are no
 * topics. Throws ResultsTopicError (the message names the setting or the ACLs to fix), or
 * RangeError for a topic spec no setting could have produced (0 partitions, negative days).
 */
export async function writeResults(options: WriteResultsOptions): Promise<WriteResultsOutcome> {
  const { connection, topic: spec, identity } = options;
  const log = options.log ?? (() => {});
  const tuning = writerTuning(options.tuning);
  const outcome: WriteResultsOutcome = {
    topic: spec.name,
    created: false,
    retentionChanged: false,
    records: 0,
  };
  const records = resultRecords(identity, options.topics, options.scrub);
  if (records.length === 0) return outcome;

  const admin = new kafka.Admin(clientOptions(connection, tuning));
  let producer: kafka.Producer<Buffer, Buffer, Buffer, Buffer> | null = null;
  try {
    const ensured = await ensureResultsTopic(admin, identity.clusterId, spec, {
      timeoutMs: tuning.requestTimeoutMs,
      log,
    });
    outcome.created = ensured.created;
    outcome.retentionChanged = ensured.retentionChanged;
    producer = new kafka.Producer(resultsProducerOptions(connection, options.tuning));
    const messages = records.map((r) => toMessage(spec.name, r));
    for (const batch of inBatches(messages, (m) => m.key.length + m.value.length)) {
      await send(producer, batch, identity.clusterId, outcome.records, messages.length);
      outcome.records += batch.length;
    }
    log(`wrote ${outcome.records} records to results topic ${spec.name}`);
    return outcome;
  } finally {
    await Promise.all([closeSoon(producer), closeSoon(admin)]);
  }
}

interface Message {
  topic: string;
  key: Buffer;
  value: Buffer;
  timestamp: bigint;
}

function toMessage(topic: string, r: ResultRecord): Message {
  return {
    topic,
    key: Buffer.from(r.key, "utf8"),
    value: Buffer.from(r.value, "utf8"),
    timestamp: BigInt(r.timestamp),
  };
}

async function send(
  producer: kafka.Producer<Buffer, Buffer, Buffer, Buffer>,
  batch: Message[],
  clusterId: string,
  written: number,
  total: number,
): Promise<void> {
  const topic = batch[0]?.topic ?? "";
  try {
    await producer.send({ messages: batch });
  } catch (e) {
    const names = kafkaErrorNames(e);
    const error = asResultsTopicError(e, clusterId, topic, "write to");
    if (error.problem !== "kafka") throw error;
    const tooLarge = names.has("MESSAGE_TOO_LARGE") || names.has("RECORD_LIST_TOO_LARGE");
    throw new ResultsTopicError(
      "kafka",
      `${error.message} (${written} of ${total} records written before` +
        (tooLarge
          ? `; a record is larger than the topic's max.message.bytes allows: raise it on ${topic})`
          : ")"),
      { cause: e },
    );
  }
}

/** Closes a client; one whose broker stopped answering is left to its timers after a while. */
async function closeSoon(client: { close(): Promise<void> } | null): Promise<void> {
  if (client === null) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    client.close().catch(() => {}),
    new Promise<void>((resolve) => timer = setTimeout(resolve, CLOSE_GRACE_MS)),
  ]);
  clearTimeout(timer);
}
