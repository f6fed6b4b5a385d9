// Counts the Kafka requests this isolate sends, by API name (Metadata, ListOffsets, Fetch…),
// from the client's diagnostics channel: exact, whatever the client does internally
// (metadata refreshes, retries). Each worker counts its own and reports them with results.
// Also how many of each were outstanding at once at most (sent, not yet answered): the
// channel's `start` fires when the client writes a request to its connection, `asyncStart`
// when the answer is read, `error` when it could not be sent; a request still unanswered
// when its connection closes (a timeout, a broker gone) stops counting then.
import { tracingChannel } from "node:diagnostics_channel";
import { kafka } from "../deps/kafka.ts";

const counts = new Map<string, number>();
/** Requests sent and not yet answered → their API name and their connection's set. */
const outstanding = new Map<object, { name: string; open: Set<object> | null }>();
/** Each connection's outstanding requests, forgotten when it closes. */
const byConnection = new WeakMap<object, Set<object>>();
const inFlight = new Map<string, number>();
const highWater = new Map<string, number>();
let installed = false;

interface Diagnostic {
  apiKey?: number;
  connection?: {
    status?: string;
    once?: (event: string, listener: () => void) => unknown;
  };
}

/** The connection states in which the client writes a request (others fail it at once). */
const SENDING = new Set(["connected", "authenticating", "reauthenticating"]);

function settle(message: object): void {
  const entry = outstanding.get(message);
  if (entry === undefined) return;
  outstanding.delete(message);
  entry.open?.delete(message);
  inFlight.set(entry.name, (inFlight.get(entry.name) ?? 1) - 1);
}

/** Starts counting (idempotent). */
export function countKafkaRequests(): void {
  if (installed) return;
  installed = true;
  const names = kafka.protocolAPIsById as Record<number, string>;
  tracingChannel("plt:kafka:connections:api").subscribe({
    start(message: unknown) {
      const d = message as Diagnostic;
      const key = d.apiKey;
      const name = key === undefined ? "unknown" : names[key] ?? `api${key}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (typeof message !== "object" || message === null) return;
      const conn = d.connection;
      if (typeof conn?.status === "string" && !SENDING.has(conn.status)) return;
      const now = (inFlight.get(name) ?? 0) + 1;
      inFlight.set(name, now);
      if (now > (highWater.get(name) ?? 0)) highWater.set(name, now);
      let open: Set<object> | null = null;
      if (conn && typeof conn === "object" && typeof conn.once === "function") {
        open = byConnection.get(conn) ?? null;
        if (!open) {
          const mine = open = new Set();
          byConnection.set(conn, mine);
          conn.once("close", () => {
            for (const m of [...mine]) settle(m);
          });
        }
        open.add(message);
      }
      outstanding.set(message, { name, open });
    },
    end() {},
    asyncStart(message: unknown) {
      if (typeof message === "object" && message !== null) settle(message);
    },
    asyncEnd() {},
    error(message: unknown) {
      if (typeof message === "object" && message !== null) settle(message);
    },
  });
}

/** The counts since the last call, then resets them. */
export function takeRequestCounts(): Record<string, number> {
  const out = Object.fromEntries(counts);
  counts.clear();
  return out;
}

/**
 * By API name, the most requests outstanding at once since the last call (in this isolate,
 * over all its connections); then starts again from what is outstanding now.
 */
export function takeInFlightHighWater(): Record<string, number> {
  const out = Object.fromEntries(highWater);
  highWater.clear();
  for (const [name, n] of inFlight) if (n > 0) highWater.set(name, n);
  return out;
}

export function addCounts(into: Record<string, number>, more: Record<string, number>): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}
