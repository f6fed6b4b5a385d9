// Kafka request counts by API name, added up over the workers and the main thread. Apart
// from kafka/request_counter.ts (which counts them) so that adding them up loads no client.

export function addCounts(into: Record<string, number>, more: Record<string, number>): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}
