// The PromQL that gives a topic's records and bytes per UTC hour from each exporter's metrics,
// evaluated at hour ends with step=3600: `increase(x[1h])` at an hour end T is what the
// counter gained over [T − 1h, T], counter resets (a broker restart) added back. With the
// scrape grid on the minute (what exporters do), Prometheus 2's closed range [T − 1h, T] makes
// it exact; elsewhere it is Prometheus' own extrapolation.
//
// - JMX exporter (`jmx`): kafka_server_brokertopicmetrics_messagesin_total / _bytesin_total
//   per broker and topic (or the `…persec_total` spelling of rule sets that keep the MBean
//   name), summed over brokers; the all-topics series has no `topic` label and is left out.
//   No partition label: no skew.
// - kafka_exporter: the gauge kafka_topic_partition_current_offset{topic,partition}, the log
//   end offset; its increase is the partition's records. Records only: bytes per record come
//   from a sample of the cluster.
// - Redpanda: redpanda_kafka_records_produced_total and redpanda_kafka_request_bytes_total
//   {redpanda_request="produce"} count on each broker what it led, with no partition label:
//   summed over brokers. Per partition, the high watermark redpanda_kafka_max_offset is
//   reported by every replica alike: the max across replicas comes before the sum.

export type Family = "jmx" | "kafka_exporter" | "redpanda";

export interface FamilyQueries {
  family: Family;
  /** Records per topic per hour (labelled by `topicLabel`). */
  records: string;
  /** Bytes per topic per hour; null when the exporter has none (kafka_exporter). */
  bytes: string | null;
  /** Bytes consumers fetched per topic per hour, for the fan-out; null when unknown. */
  bytesOut: string | null;
  /** Records per partition per hour (labelled by both labels); null when unknown. */
  partitionRecords: string | null;
  topicLabel: string;
  partitionLabel: string | null;
}

export const JMX = {
  messagesIn: "kafka_server_brokertopicmetrics_messagesin_total",
  bytesIn: "kafka_server_brokertopicmetrics_bytesin_total",
  bytesOut: "kafka_server_brokertopicmetrics_bytesout_total",
  messagesInPerSec: "kafka_server_brokertopicmetrics_messagesinpersec_total",
  bytesInPerSec: "kafka_server_brokertopicmetrics_bytesinpersec_total",
  bytesOutPerSec: "kafka_server_brokertopicmetrics_bytesoutpersec_total",
} as const;
export const KAFKA_EXPORTER = {
  currentOffset: "kafka_topic_partition_current_offset",
  partitions: "kafka_topic_partitions",
  brokers: "kafka_brokers",
} as const;
export const REDPANDA = {
  recordsProduced: "redpanda_kafka_records_produced_total",
  requestBytes: "redpanda_kafka_request_bytes_total",
  maxOffset: "redpanda_kafka_max_offset",
  namespace: 'redpanda_namespace="kafka"',
} as const;

/** The metric names that tell which exporter wrote a Prometheus' Kafka metrics. */
export const FAMILY_MARKERS = [
  JMX.messagesIn,
  JMX.messagesInPerSec,
  REDPANDA.recordsProduced,
  KAFKA_EXPORTER.currentOffset,
] as const;

/** Label matchers inside braces: the family's own, then the user's PROMETHEUS_SELECTOR. */
function matchers(own: readonly string[], selector: string): string {
  return `{${[...own, ...(selector.trim() === "" ? [] : [selector.trim()])].join(",")}}`;
}

/**
 * The queries of `family`; for JMX, `perSec` picks the `…persec_total` spelling. `selector`
 * is PROMETHEUS_SELECTOR's matchers, e.g. `cluster="prod"`.
 */
export function familyQueries(family: Family, selector: string, perSec = false): FamilyQueries {
  switch (family) {
    case "jmx": {
      const m = matchers(['topic!=""'], selector);
      const [inMsg, inBytes, outBytes] = perSec
        ? [JMX.messagesInPerSec, JMX.bytesInPerSec, JMX.bytesOutPerSec]
        : [JMX.messagesIn, JMX.bytesIn, JMX.bytesOut];
      return {
        family,
        records: `sum by (topic) (increase(${inMsg}${m}[1h]))`,
        bytes: `sum by (topic) (increase(${inBytes}${m}[1h]))`,
        bytesOut: `sum by (topic) (increase(${outBytes}${m}[1h]))`,
        partitionRecords: null,
        topicLabel: "topic",
        partitionLabel: null,
      };
    }
    case "kafka_exporter": {
      const m = matchers([], selector);
      return {
        family,
        records: `sum by (topic) (increase(${KAFKA_EXPORTER.currentOffset}${m}[1h]))`,
        bytes: null,
        bytesOut: null,
        partitionRecords:
          `sum by (topic, partition) (increase(${KAFKA_EXPORTER.currentOffset}${m}[1h]))`,
        topicLabel: "topic",
        partitionLabel: "partition",
      };
    }
    case "redpanda": {
      const m = matchers([REDPANDA.namespace], selector);
      const request = (kind: string) =>
        matchers([REDPANDA.namespace, `redpanda_request="${kind}"`], selector);
      return {
        family,
        records: `sum by (redpanda_topic) (increase(${REDPANDA.recordsProduced}${m}[1h]))`,
        bytes: `sum by (redpanda_topic) (increase(${REDPANDA.requestBytes}${
          request("produce")
        }[1h]))`,
        bytesOut: `sum by (redpanda_topic) (increase(${REDPANDA.requestBytes}${
          request("consume")
        }[1h]))`,
        partitionRecords: `max by (redpanda_topic, redpanda_partition) ` +
          `(increase(${REDPANDA.maxOffset}${m}[1h]))`,
        topicLabel: "redpanda_topic",
        partitionLabel: "redpanda_partition",
      };
    }
  }
}

/** Which of FAMILY_MARKERS a Prometheus holds, as an instant query at `time`. */
export function markerQuery(selector: string): string {
  const names = FAMILY_MARKERS.join("|");
  return `count by (__name__) (last_over_time(${
    matchers([`__name__=~"${names}"`], selector)
  }[1d]))`;
}
