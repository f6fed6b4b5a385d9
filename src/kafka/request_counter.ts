// Counts the Kafka requests this isolate sends, by API name (Metadata, ListOffsets, Fetch…),
// from the client's diagnostics channel: exact, whatever the client does internally
// (metadata refreshes, retries). Each worker counts its own and reports them with results.
import { tracingChannel } from "node:diagnostics_channel";
import { kafka } from "../deps/kafka.ts";

const counts = new Map<string, number>();
let installed = false;

/** Starts counting (idempotent). */
export function countKafkaRequests(): void {
  if (installed) return;
  installed = true;
  const names = kafka.protocolAPIsById as Record<number, string>;
  tracingChannel("plt:kafka:connections:api").subscribe({
    start(message: unknown) {
      const key = (message as { apiKey?: number }).apiKey;
      const name = key === undefined ? "unknown" : names[key] ?? `api${key}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    },
    end() {},
    asyncStart() {},
    asyncEnd() {},
    error() {},
  });
}

/** The counts since the last call, then resets them. */
export function takeRequestCounts(): Record<string, number> {
  const out = Object.fromEntries(counts);
  counts.clear();
  return out;
}

export function addCounts(into: Record<string, number>, more: Record<string, number>): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}
