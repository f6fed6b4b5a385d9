// Validation of a `/v2/metrics/cloud/query` request body into a typed query, collecting
// every problem as one 400 error line (aggregations, filter, granularity, intervals and
// their maximum length per granularity, group_by, limit, format).
import { type Filter, parseFilter, referencedFields } from "./_filter.ts";
import { formatDuration, parseInterval, type ResolvedInterval } from "./_interval.ts";
import { METRIC_PREFIX, metricByFullName, type MetricDef, METRICS } from "./_metrics.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket length per granularity; null for ALL (one bucket per query). */
export const GRANULARITIES: Readonly<Record<string, number | null>> = {
  PT1M: MINUTE,
  PT5M: 5 * MINUTE,
  PT15M: 15 * MINUTE,
  PT30M: 30 * MINUTE,
  PT1H: HOUR,
  PT4H: 4 * HOUR,
  PT6H: 6 * HOUR,
  PT12H: 12 * HOUR,
  P1D: DAY,
  ALL: null,
};

/** Longest interval per fine granularity; coarser ones are unlimited. */
export const MAX_INTERVAL_MS: Readonly<Record<string, number>> = {
  PT1M: 6 * HOUR,
  PT5M: DAY,
  PT15M: 4 * DAY,
  PT30M: 7 * DAY,
};

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const FIELDS = [
  "aggregations",
  "filter",
  "granularity",
  "intervals",
  "group_by",
  "limit",
  "format",
];

export type Agg = "SUM" | "MIN" | "MAX";

export interface Query {
  metric: MetricDef;
  agg: Agg;
  filter: Filter | null;
  granularity: string;
  /** Bucket length; null for ALL. */
  bucketMs: number | null;
  intervals: ResolvedInterval[];
  groupBy: string[];
  limit: number;
  format: "FLAT" | "GROUPED";
  /** True when the series must be split per partition (grouped or filtered by it). */
  perPartition: boolean;
}

export type ParsedQuery = { ok: true; query: Query } | { ok: false; errors: string[] };

export function parseQuery(raw: unknown, now: number): ParsedQuery {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: ["The request body must be a JSON object"] };
  }
  const body = raw as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key)) errors.push(`Unknown field "${key}"`);
  }

  let metric: MetricDef | null = null;
  let agg: Agg = "SUM";
  if (!Array.isArray(body.aggregations) || body.aggregations.length !== 1) {
    errors.push("aggregations must hold exactly one aggregation");
  } else {
    const a = body.aggregations[0] as Record<string, unknown> | null;
    const name = typeof a === "object" && a !== null ? a.metric : undefined;
    metric = typeof name === "string" ? metricByFullName(name) : null;
    if (metric === null) {
      errors.push(
        `aggregations[0].metric ${JSON.stringify(name)} is not a known metric (one of ${
          Object.keys(METRICS).map((m) => METRIC_PREFIX + m).join(", ")
        })`,
      );
    }
    const requested = typeof a === "object" && a !== null ? a.agg : undefined;
    if (requested === "SUM" || requested === "MIN" || requested === "MAX") agg = requested;
    else if (requested !== undefined) {
      errors.push(`aggregations[0].agg ${JSON.stringify(requested)} is not one of SUM, MIN, MAX`);
    }
  }

  const filter = body.filter === undefined ? null : parseFilter(body.filter, "filter", errors);

  const granularity = typeof body.granularity === "string" ? body.granularity : "";
  if (!Object.hasOwn(GRANULARITIES, granularity)) {
    errors.push(
      body.granularity === undefined
        ? "granularity is required"
        : `granularity ${JSON.stringify(body.granularity)} is not one of ${
          Object.keys(GRANULARITIES).join(", ")
        }`,
    );
  }

  const intervals: ResolvedInterval[] = [];
  if (!Array.isArray(body.intervals) || body.intervals.length === 0) {
    errors.push("intervals must hold at least one ISO-8601 interval");
  } else {
    for (const text of body.intervals) {
      const parsed = typeof text === "string"
        ? parseInterval(text, now)
        : `Invalid interval ${JSON.stringify(text)}: not a string`;
      if (typeof parsed === "string") {
        errors.push(parsed);
        continue;
      }
      intervals.push(parsed);
      const max = MAX_INTERVAL_MS[granularity];
      if (max !== undefined && parsed.end - parsed.start > max) {
        errors.push(
          `Interval "${text}" is ${formatDuration(parsed.end - parsed.start)} long; ` +
            `the maximum for granularity ${granularity} is ${formatDuration(max)}`,
        );
      }
    }
  }

  let groupBy: string[] = [];
  if (body.group_by !== undefined) {
    if (!Array.isArray(body.group_by) || body.group_by.some((g) => typeof g !== "string")) {
      errors.push("group_by must be an array of label names");
    } else {
      groupBy = [...new Set(body.group_by as string[])];
      for (const g of groupBy) {
        if (metric && !metric.labels.includes(g)) {
          errors.push(
            `group_by label "${g}" is not a label of ${METRIC_PREFIX}${metric.name}` +
              (metric.labels.length ? ` (one of ${metric.labels.join(", ")})` : ""),
          );
        }
      }
    }
  }
  const grouped = groupBy.length > 0;

  let limit = DEFAULT_LIMIT;
  if (body.limit !== undefined) {
    if (
      !Number.isInteger(body.limit) || (body.limit as number) < 1 ||
      (body.limit as number) > MAX_LIMIT
    ) {
      errors.push(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    } else if (!grouped) errors.push("limit is only allowed with group_by");
    else limit = body.limit as number;
  }

  let format: "FLAT" | "GROUPED" = "FLAT";
  if (body.format !== undefined) {
    if (body.format !== "FLAT" && body.format !== "GROUPED") {
      errors.push(`format ${JSON.stringify(body.format)} is not one of FLAT, GROUPED`);
    } else if (body.format === "GROUPED" && !grouped) {
      errors.push("format GROUPED requires group_by");
    } else format = body.format;
  }

  if (errors.length > 0 || metric === null) return { ok: false, errors };
  return {
    ok: true,
    query: {
      metric,
      agg,
      filter,
      granularity,
      bucketMs: GRANULARITIES[granularity] ?? null,
      intervals,
      groupBy,
      limit,
      format,
      perPartition: groupBy.includes("metric.partition") ||
        referencedFields(filter).has("metric.partition"),
    },
  };
}
