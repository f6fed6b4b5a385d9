// Every throughput source, by method: where its work runs, how its cluster is planned, and
// how it is built. Each source's module is imported only when a run uses it (a run by
// sampling never loads the Metrics API client, nor a replay the Kafka client's sampler).
import type { Method } from "../model/measurement.ts";
import type { SourceKind } from "./source.ts";

export const SOURCES: Readonly<Record<Method, SourceKind>> = {
  sampling: {
    perTopic: true,
    plannedFromKafka: () => true,
    create: async (spec, deps) => (await import("./sampling.ts")).create(spec, deps),
  },
  metrics_api: {
    perTopic: false,
    plannedFromKafka: () => true,
    create: async (spec, deps) => (await import("./confluent_metrics.ts")).create(spec, deps),
  },
  prometheus: {
    perTopic: false,
    // Without Kafka access, the topics and their partitions come from the metrics.
    plannedFromKafka: (spec) => spec.connection.bootstrapServers.length > 0,
    create: async (spec, deps) => (await import("./prometheus.ts")).create(spec, deps),
  },
  replay: {
    perTopic: false,
    plannedFromKafka: () => false,
    create: async (spec) => (await import("./replay.ts")).create(spec),
  },
};
