// Reads one answer page of a query: FLAT points as they are, GROUPED groups flattened to
// FLAT points (labels copied onto each), and the next page token if any. Anything else is
// reported as a problem string rather than trusted.
import type { FlatPoint } from "./types.ts";

export interface Page {
  points: FlatPoint[];
  nextPageToken: string | null;
}

export function parsePage(text: string): Page | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "the answer is not JSON";
  }
  if (typeof body !== "object" || body === null) return "the answer is not a JSON object";
  const { data, meta } = body as { data?: unknown; meta?: { pagination?: unknown } };
  if (!Array.isArray(data)) return 'the answer has no "data" array';
  const points: FlatPoint[] = [];
  for (const item of data) {
    if (typeof item !== "object" || item === null) return "a data item is not an object";
    const { points: grouped, ...labels } = item as Record<string, unknown>;
    if (Array.isArray(grouped)) {
      for (const p of grouped) {
        const point = toPoint({ ...labels, ...(p as Record<string, unknown>) });
        if (typeof point === "string") return point;
        points.push(point);
      }
    } else {
      const point = toPoint(item as Record<string, unknown>);
      if (typeof point === "string") return point;
      points.push(point);
    }
  }
  const pagination = meta?.pagination as { next_page_token?: unknown } | undefined;
  const token = pagination?.next_page_token;
  return { points, nextPageToken: typeof token === "string" && token !== "" ? token : null };
}

function toPoint(raw: Record<string, unknown>): FlatPoint | string {
  const value = typeof raw.value === "string" ? Number(raw.value) : raw.value;
  if (typeof raw.timestamp !== "string" || Number.isNaN(Date.parse(raw.timestamp))) {
    return `a point has no valid timestamp: ${JSON.stringify(raw).slice(0, 200)}`;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return `a point has no numeric value: ${JSON.stringify(raw).slice(0, 200)}`;
  }
  const point: FlatPoint = { timestamp: raw.timestamp, value };
  for (const [k, v] of Object.entries(raw)) {
    if (k !== "timestamp" && k !== "value" && (typeof v === "string" || typeof v === "number")) {
      point[k] = v;
    }
  }
  return point;
}
