// The Kafka requests this (the main) thread sends while it plans, counted from the moment it
// first loads the Kafka client: a run that plans without Kafka (a replay, Prometheus without
// Kafka access) never loads the client here, and counts nothing.
type RequestCounter = typeof import("../kafka/request_counter.ts");

let counter: Promise<RequestCounter> | null = null;

/** Loads the Kafka client's request counter and starts counting (once per process). */
export function countMainThreadRequests(): Promise<unknown> {
  return counter ??= import("../kafka/request_counter.ts").then((m) => {
    m.countKafkaRequests();
    return m;
  });
}

/** The requests counted since the last call, then starts again from zero. */
export async function takeMainThreadRequests(): Promise<Record<string, number>> {
  return counter ? (await counter).takeRequestCounts() : {};
}
