// One record of the results topic per analysed topic: its key, its value and its timestamp.
// Pure. docs/results-topic.md documents the same schema for the people who consume it.
//
// Key: the UTF-8 text of the JSON array [cluster id, topic name], e.g. ["lkc-1","orders"]
// (JSON.stringify, no spaces). Distinct for every topic of every cluster, unlike the
// constant key of the Python tool this replaces, so a topic's records all land in one
// partition (in order, run after run) and a consumer can tell topics apart without
// parsing the value. JSON rather than a separator: topic names may contain ".", "_", "-",
// and cluster ids are free text.
//
// Value: UTF-8 JSON, one object:
//   schema_version  1 (RESULTS_SCHEMA_VERSION); bumped on any incompatible change,
//                   new fields alone do not bump it
//   analysis_time   the run's T0, ISO-8601 UTC ("2026-09-08T06:00:12.345Z"), the same in
//                   every record of a run: group by it to get one run
//   cluster_id      the cluster's kafka_cluster_id (the reports' cluster id)
//   method          how the run measured: sampling | metrics_api | prometheus | replay
//   …then every field of the topic as the JSON report writes it (JsonTopic in
//   src/report/json.ts: topic_name, status, error, partitions, recommended_partitions,
//   action, warnings, hourly, …) with the same names, units and nulls.
//
// Timestamp: the analysis time, so a record's time says which run wrote it.
import type { Method, TopicResult } from "../model/mod.ts";
import { type JsonTopic, jsonTopic } from "../report/json.ts";

export const RESULTS_SCHEMA_VERSION = 1;

/** What every record of one run shares. */
export interface RunIdentity {
  /** T0 of the run, epoch milliseconds. */
  analysisTime: number;
  clusterId: string;
  method: Method;
}

interface IdentityFields {
  schema_version: typeof RESULTS_SCHEMA_VERSION;
  analysis_time: string;
  cluster_id: string;
  method: Method;
}

/** A record's value: the run's identity, then the topic's JSON report fields. */
export type ResultValue = IdentityFields & JsonTopic;

// A field added to JsonTopic under one of the identity names would silently replace it.
type Overlap = keyof IdentityFields & keyof JsonTopic;
const _noOverlap: [Overlap] extends [never] ? true : never = true;

/** A record as text; the producer sends both as UTF-8. */
export interface ResultRecord {
  key: string;
  value: string;
  /** Epoch milliseconds: the analysis time. */
  timestamp: number;
}

/** The key of a topic's record: `["<cluster id>","<topic>"]`. */
export function resultKey(clusterId: string, topic: string): string {
  return JSON.stringify([clusterId, topic]);
}

/** The cluster id and topic a key names; throws on anything resultKey() cannot have written. */
export function parseResultKey(key: string): { clusterId: string; topic: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    throw new Error(`not a results key (not JSON): ${key}`);
  }
  if (
    !Array.isArray(parsed) || parsed.length !== 2 ||
    typeof parsed[0] !== "string" || typeof parsed[1] !== "string"
  ) {
    throw new Error(`not a results key (want ["<cluster id>","<topic>"]): ${key}`);
  }
  return { clusterId: parsed[0], topic: parsed[1] };
}

export function resultValue(identity: RunIdentity, topic: TopicResult): ResultValue {
  return {
    schema_version: RESULTS_SCHEMA_VERSION,
    analysis_time: new Date(identity.analysisTime).toISOString(),
    cluster_id: identity.clusterId,
    method: identity.method,
    ...jsonTopic(topic),
  };
}

/**
 * The run's records, topics by name (code units) so that two runs write in the same order.
 * `scrub` masks secrets in each value's text, as the report writer does for files.
 */
export function resultRecords(
  identity: RunIdentity,
  topics: readonly TopicResult[],
  scrub: (text: string) => string = (text) => text,
): ResultRecord[] {
  return [...topics]
    .sort((a, b) => a.topicName < b.topicName ? -1 : a.topicName > b.topicName ? 1 : 0)
    .map((t) => ({
      key: resultKey(identity.clusterId, t.topicName),
      value: scrub(JSON.stringify(resultValue(identity, t))),
      timestamp: identity.analysisTime,
    }));
}
