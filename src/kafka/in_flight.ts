// How much is in flight at once on a connection, and what bounds it (issue 15). Requests that
// do not depend on each other go out together: a round trip to a remote cluster costs far
// more than the broker's work for a small request. A broker answers one connection's
// requests in order, one after the other, so what is in flight is bounded by what it holds
// and by how long the last one waits, never by a count alone:
// - the Kafka client sends at most MAX_IN_FLIGHT_PER_CONNECTION requests per connection
//   before it waits for an answer (the rest wait in the client, their timeout not started);
// - ListOffsets rounds: at most LOOKUPS_IN_FLIGHT partition lookups in flight per call (a
//   lookup is ~25 µs of broker time, so the last answer waits ~0.2 s behind the others, and
//   a Fetch sent after them, whose SAMPLING_TIMEOUT_SECONDS is 2 s, waits no longer), and
//   never fewer than MIN_LOOKUP_LANES requests (what a chunk of the largest size always had);
// - Fetch: the responses in flight may hold at most FETCH_BYTES_IN_FLIGHT bytes per client
//   (each counted at its maximum size), so memory stays bounded however many are sent.

/**
 * Requests the Kafka client keeps in flight per connection (its default is 5): a week's
 * 167 inner hour boundaries, or a chunk's 3 × 59 minute boundaries, in one round trip.
 * Kafka's own consumer keeps up to 100 per connection; the broker reads the next request of
 * a connection once it has answered the one before, so the rest wait in the socket.
 */
export const MAX_IN_FLIGHT_PER_CONNECTION = 256;

/** Partition lookups (partitions × ListOffsets requests) in flight per call. */
export const LOOKUPS_IN_FLIGHT = 8192;

/** ListOffsets requests in flight per call at least, however many partitions each asks. */
export const MIN_LOOKUP_LANES = 4;

/**
 * Bytes of Fetch responses (at their maximum size) in flight per client: one of the sample's
 * largest, or two reads of light partitions (4 MiB each). Each worker holds that much, and more
 * until the collector frees it; at 40 ms round trips it still moves 200 MB/s. Bench case g,
 * 16 MiB against 8, interleaved: 25 MB more at the peak (393–411 MB against 369–375) for no
 * time gained (42–49 s against 45 s); 32 MiB took it 30 MB higher again.
 */
export const FETCH_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

/**
 * What a Fetch response may hold beyond its maximum: the broker returns the first batch of a
 * request whole whatever the limit, up to the topic's max.message.bytes (1 MiB by default).
 */
export const FIRST_BATCH_BYTES = 1024 * 1024;

/** ListOffsets rounds to keep in flight when each asks up to `partitionsPerRequest`. */
export function lookupLanes(partitionsPerRequest: number): number {
  const lanes = Math.floor(LOOKUPS_IN_FLIGHT / Math.max(1, partitionsPerRequest));
  return Math.max(MIN_LOOKUP_LANES, Math.min(MAX_IN_FLIGHT_PER_CONNECTION, lanes));
}

/**
 * A budget of bytes in flight: `use` waits (first come, first served) until its bytes fit,
 * runs the work and gives them back when it settles. A charge larger than the whole budget
 * runs when nothing else holds any.
 */
export class ByteBudget {
  #used = 0;
  #waiting: { bytes: number; go: () => void }[] = [];
  /** The most ever held at once (tests). */
  highWater = 0;

  constructor(readonly capacity: number) {}

  get used(): number {
    return this.#used;
  }

  async use<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const charge = Math.max(0, Math.min(bytes, this.capacity));
    if (this.#waiting.length > 0 || !this.#fits(charge)) {
      await new Promise<void>((go) => this.#waiting.push({ bytes: charge, go }));
    } else this.#take(charge);
    try {
      return await work();
    } finally {
      this.#used -= charge;
      this.#wake();
    }
  }

  #fits(charge: number): boolean {
    return this.#used === 0 || this.#used + charge <= this.capacity;
  }

  #take(charge: number): void {
    this.#used += charge;
    this.highWater = Math.max(this.highWater, this.#used);
  }

  #wake(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.bytes)) {
      const next = this.#waiting.shift()!;
      this.#take(next.bytes);
      next.go();
    }
  }
}

const fetchBudgets = new WeakMap<object, ByteBudget>();

/** The Fetch byte budget of one Kafka client (keyed by the client object). */
export function fetchBudgetOf(client: object): ByteBudget {
  let budget = fetchBudgets.get(client);
  if (!budget) fetchBudgets.set(client, budget = new ByteBudget(FETCH_BYTES_IN_FLIGHT));
  return budget;
}
