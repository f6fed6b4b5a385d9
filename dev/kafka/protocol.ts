// Just enough of the Kafka wire protocol to tell that a broker really serves requests.

const API_METADATA = 3;
const API_VERSIONS = 18;
const CLIENT_ID = new TextEncoder().encode("kpr-testbed-probe");

export interface ApiRange {
  min: number;
  max: number;
}

let correlation = 0;

function header(apiKey: number, version: number, id: number): Uint8Array {
  const bytes = new Uint8Array(10 + CLIENT_ID.length);
  const view = new DataView(bytes.buffer);
  view.setInt16(0, apiKey);
  view.setInt16(2, version);
  view.setInt32(4, id);
  view.setInt16(8, CLIENT_ID.length);
  bytes.set(CLIENT_ID, 10);
  return bytes;
}

async function readExact(conn: Deno.Conn, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await conn.read(out.subarray(filled));
    if (n === null) throw new Error("connection closed mid-response");
    filled += n;
  }
  return out;
}

/** Sends one request (header v1, body) and returns the response body after its correlation id. */
async function exchange(
  conn: Deno.Conn,
  apiKey: number,
  version: number,
  body: Uint8Array,
): Promise<DataView> {
  const id = ++correlation & 0x7fffffff;
  const head = header(apiKey, version, id);
  const frame = new Uint8Array(4 + head.length + body.length);
  new DataView(frame.buffer).setInt32(0, head.length + body.length);
  frame.set(head, 4);
  frame.set(body, 4 + head.length);
  for (let sent = 0; sent < frame.length;) sent += await conn.write(frame.subarray(sent));

  const size = new DataView((await readExact(conn, 4)).buffer).getInt32(0);
  if (size < 4 || size > 16 * 1024 * 1024) throw new Error(`implausible response size ${size}`);
  const response = new DataView((await readExact(conn, size)).buffer);
  if (response.getInt32(0) !== id) throw new Error("response correlation id mismatch");
  return new DataView(response.buffer, 4);
}

/** ApiVersions v0 is answered even before SASL authentication, so it also probes SASL listeners. */
export async function apiVersions(conn: Deno.Conn): Promise<Map<number, ApiRange>> {
  const body = await exchange(conn, API_VERSIONS, 0, new Uint8Array(0));
  const errorCode = body.getInt16(0);
  if (errorCode !== 0) throw new Error(`ApiVersions error code ${errorCode}`);
  const count = body.getInt32(2);
  const ranges = new Map<number, ApiRange>();
  for (let i = 0, at = 6; i < count; i++, at += 6) {
    ranges.set(body.getInt16(at), { min: body.getInt16(at + 2), max: body.getInt16(at + 4) });
  }
  return ranges;
}

/**
 * Counts the live brokers a Metadata request reports. The listener answers ApiVersions a moment
 * before the broker is unfenced, and clients can only create topics after that.
 * Returns undefined when the broker speaks no non-flexible Metadata version (1–8) we can encode.
 */
export async function liveBrokerCount(
  conn: Deno.Conn,
  range: ApiRange | undefined,
): Promise<number | undefined> {
  if (!range) return undefined;
  const version = Math.min(range.max, 8);
  if (version < Math.max(range.min, 1)) return undefined;
  // An empty topic array asks for no topics; v4 adds allow_auto_topic_creation, v8 two more flags.
  const body = new Uint8Array(4 + (version >= 4 ? 1 : 0) + (version >= 8 ? 2 : 0));
  const response = await exchange(conn, API_METADATA, version, body);
  return response.getInt32(version >= 3 ? 4 : 0);
}

/** What a Metadata request for all topics says about brokers and partition replicas. */
export interface MetadataSnapshot {
  /** Node ids of the live (registered, unfenced) brokers, sorted. */
  brokers: number[];
  /** The active controller's node id, -1 if none is known. */
  controllerId: number;
  partitions: PartitionState[];
}

export interface PartitionState {
  topic: string;
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
}

/** A cursor over a non-flexible response body (classic strings and arrays). */
class Reader {
  #at = 0;
  constructor(private readonly view: DataView) {}
  int8(): number {
    return this.view.getInt8(this.#at++);
  }
  int16(): number {
    const v = this.view.getInt16(this.#at);
    this.#at += 2;
    return v;
  }
  int32(): number {
    const v = this.view.getInt32(this.#at);
    this.#at += 4;
    return v;
  }
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const bytes = new Uint8Array(this.view.buffer, this.view.byteOffset + this.#at, length);
    this.#at += length;
    return new TextDecoder().decode(bytes);
  }
  array<T>(item: () => T): T[] {
    const count = this.int32();
    return Array.from({ length: Math.max(count, 0) }, item);
  }
}

/**
 * Brokers, controller and every partition's leader, replicas and ISR, from one Metadata
 * request (v4–v8) for all topics. Used to wait until a cluster has all its brokers back and
 * every partition is fully replicated again.
 */
export async function metadataSnapshot(
  conn: Deno.Conn,
  range: ApiRange | undefined,
): Promise<MetadataSnapshot> {
  const version = Math.min(range?.max ?? -1, 8);
  if (!range || version < Math.max(range.min, 4)) {
    throw new Error("the broker speaks no Metadata version between 4 and 8");
  }
  // topics = null (-1) asks for all topics; then allow_auto_topic_creation, v8's two flags.
  const body = new Uint8Array(4 + 1 + (version >= 8 ? 2 : 0));
  new DataView(body.buffer).setInt32(0, -1);
  const r = new Reader(await exchange(conn, API_METADATA, version, body));
  if (version >= 3) r.int32(); // throttle_time_ms
  const brokers = r.array(() => {
    const id = r.int32();
    r.string(); // host
    r.int32(); // port
    r.string(); // rack
    return id;
  });
  r.string(); // cluster_id
  const controllerId = r.int32();
  const partitions = r.array(() => {
    r.int16(); // topic error code
    const topic = r.string() ?? "";
    r.int8(); // is_internal
    const parts = r.array((): PartitionState => {
      r.int16(); // partition error code
      const partition = r.int32();
      const leader = r.int32();
      if (version >= 7) r.int32(); // leader_epoch
      const replicas = r.array(() => r.int32());
      const isr = r.array(() => r.int32());
      if (version >= 5) r.array(() => r.int32()); // offline_replicas
      return { topic, partition, leader, replicas, isr };
    });
    if (version >= 8) r.int32(); // topic_authorized_operations
    return parts;
  }).flat();
  return { brokers: brokers.sort((a, b) => a - b), controllerId, partitions };
}

/**
 * Connects, runs `use` and closes the connection, giving up after `timeoutMs` or when
 * `signal` aborts (both close the connection, so no read is left pending).
 */
export async function withTimeout<T>(
  connect: () => Promise<Deno.Conn>,
  use: (conn: Deno.Conn) => Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  let conn: Deno.Conn | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  let onAbort = () => {};
  const expired = new Promise<never>((_, reject) => {
    const giveUp = (reason: string) => {
      timedOut = true;
      // Closing the connection unblocks a pending read, so nothing lingers after the timeout.
      try {
        conn?.close();
      } catch {
        // already closed
      }
      reject(new Error(reason));
    };
    timer = setTimeout(() => giveUp(`no answer within ${timeoutMs} ms`), timeoutMs);
    onAbort = () => giveUp("aborted");
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([
      (async () => {
        conn = await connect();
        if (timedOut) throw new Error("connected after the timeout");
        return await use(conn);
      })(),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    try {
      conn?.close();
    } catch {
      // already closed by the timer
    }
  }
}
