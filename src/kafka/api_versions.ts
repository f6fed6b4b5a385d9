// Which version of each Kafka API to speak: the highest that both the brokers (ApiVersions)
// and the Kafka client implement. Asked once per cluster, of whichever broker answers
// (KafkaCluster.onAnyBroker), not of the client's first bootstrap server: the client's own
// lookup stalls the whole cluster's first request while that one broker is stalled.
import { kafka } from "../deps/kafka.ts";

interface ApiRange {
  name: string;
  minVersion: number;
  maxVersion: number;
}

/** An API implementation of the client at one version (its request builder and parser). */
export interface VersionedApi {
  readonly version: number;
}

/** Looks up APIs by their protocol name ("Metadata", "ListOffsets", "Fetch", …). */
export interface ApiLookup {
  api<T extends VersionedApi>(name: string): Promise<T>;
}

type Ask = <T>(what: string, call: (conn: kafka.Connection) => Promise<T>) => Promise<T>;

/** UNSUPPORTED_VERSION: a broker older than ApiVersions v3 answers v3 with this. */
const UNSUPPORTED_VERSION = 35;

export class ApiVersions implements ApiLookup {
  #ranges: Promise<ApiRange[]> | undefined;

  constructor(private readonly ask: Ask) {}

  async api<T extends VersionedApi>(name: string): Promise<T> {
    const ranges = await this.#versions();
    const range = ranges.find((r) => r.name === name);
    if (!range) throw new Error(`the brokers do not support the ${name} API`);
    const implemented = kafka as unknown as Record<string, { api?: T } | undefined>;
    const stem = name.slice(0, 1).toLowerCase() + name.slice(1);
    for (let v = range.maxVersion; v >= range.minVersion; v--) {
      const api = implemented[`${stem}V${v}`]?.api;
      if (api) return api;
    }
    throw new Error(
      `no version of ${name} that the brokers speak (${range.minVersion}-${range.maxVersion}) ` +
        "is implemented by the Kafka client",
    );
  }

  #versions(): Promise<ApiRange[]> {
    this.#ranges ??= this.ask("ApiVersions", async (conn) => {
      try {
        const r = await kafka.apiVersionsV3.api.async(
          conn,
          kafka.clientSoftwareName,
          kafka.clientSoftwareVersion,
        );
        return r.apiKeys;
      } catch (e) {
        if (
          (e as { response?: { errorCode?: number } }).response?.errorCode !== UNSUPPORTED_VERSION
        ) {
          throw e;
        }
        return (await kafka.apiVersionsV1.api.async(
          conn,
          kafka.clientSoftwareName,
          kafka.clientSoftwareVersion,
        )).apiKeys;
      }
    });
    // A lookup that failed (no broker answered) is tried again next time.
    this.#ranges.catch(() => this.#ranges = undefined);
    return this.#ranges;
  }
}
