// Every throughput source, by method: where its work runs, how its cluster is planned, and
// how it is built. Each source's module is imported only when a run uses it (a run by
// sampling never loads the Metrics API client, nor a replay or a Metrics API worker the
// Kafka client), with string literals, so that `deno compile` still embeds every one.
import type { Method } from "../model/measurement.ts";
import type { SourceKind, SourceSpec } from "./source.ts";

export interface RegisteredSource extends SourceKind {
  /**
   * Imports the source's module (and what it imports) without building anything: a worker
   * does this as soon as it starts, while the main thread is still planning.
   */
  load(): Promise<unknown>;
  /**
   * The source may talk to the cluster's brokers itself: its worker loads the Kafka client,
   * counts Kafka requests, and may reach the cluster's hosts. Otherwise its worker reaches
   * only the HTTP APIs its spec names (or nothing) and never loads the Kafka client.
   */
  readsKafka(spec: SourceSpec): boolean;
}

const sampling = () => import("./sampling.ts");
const metricsApi = () => import("./confluent_metrics.ts");
const prometheus = () => import("./prometheus.ts");
const replay = () => import("./replay.ts");

export const SOURCES: Readonly<Record<Method, RegisteredSource>> = {
  sampling: {
    perTopic: true,
    plannedFromKafka: () => true,
    readsKafka: () => true,
    load: sampling,
    create: async (spec, deps) => (await sampling()).create(spec, deps),
  },
  metrics_api: {
    perTopic: false,
    plannedFromKafka: () => true,
    // The cluster is planned from Kafka on the main thread; the worker asks only the API.
    readsKafka: () => false,
    load: metricsApi,
    create: async (spec, deps) => (await metricsApi()).create(spec, deps),
  },
  prometheus: {
    perTopic: false,
    // Without Kafka access, the topics and their partitions come from the metrics.
    plannedFromKafka: (spec) => spec.connection.bootstrapServers.length > 0,
    // kafka_exporter's bytes per record come from a record sample (`auto` may find it).
    readsKafka: (spec) =>
      spec.connection.bootstrapServers.length > 0 &&
      spec.prometheus?.metrics !== "jmx" && spec.prometheus?.metrics !== "redpanda",
    load: prometheus,
    create: async (spec, deps) => (await prometheus()).create(spec, deps),
  },
  replay: {
    perTopic: false,
    plannedFromKafka: () => false,
    readsKafka: () => false,
    load: replay,
    create: async (spec) => (await replay()).create(spec),
  },
};
