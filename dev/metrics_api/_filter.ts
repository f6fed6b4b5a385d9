// The `filter` of a Metrics API query: parsing with precise 400 details, evaluation against
// a series' labels, and the static check behind the 403 (does the filter pin
// `resource.kafka.id` to clusters the key may read?).

export type FieldOp = "EQ" | "GT" | "GTE";

export type Filter =
  | { op: FieldOp; field: string; value: string | number }
  | { op: "AND" | "OR"; filters: Filter[] }
  | { op: "NOT"; filter: Filter };

export const CLUSTER_FIELD = "resource.kafka.id";
export const FILTER_FIELDS: readonly string[] = [CLUSTER_FIELD, "metric.topic", "metric.partition"];

/** Parses a filter; pushes one line per problem into `errors` and returns null on any. */
export function parseFilter(raw: unknown, path: string, errors: string[]): Filter | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    errors.push(`${path} must be an object`);
    return null;
  }
  const f = raw as Record<string, unknown>;
  switch (f.op) {
    case "EQ":
    case "GT":
    case "GTE": {
      const before = errors.length;
      if (typeof f.field !== "string" || !FILTER_FIELDS.includes(f.field)) {
        errors.push(
          `${path}.field ${JSON.stringify(f.field)} is not a filterable label (one of ${
            FILTER_FIELDS.join(", ")
          })`,
        );
      }
      if (typeof f.value !== "string" && typeof f.value !== "number") {
        errors.push(`${path}.value must be a string or a number`);
      }
      if (errors.length > before) return null;
      return { op: f.op, field: f.field as string, value: f.value as string | number };
    }
    case "AND":
    case "OR": {
      if (!Array.isArray(f.filters) || f.filters.length === 0) {
        errors.push(`${path}.filters must be a non-empty array for op ${f.op}`);
        return null;
      }
      const parsed = f.filters.map((x, i) => parseFilter(x, `${path}.filters[${i}]`, errors));
      return parsed.every((x) => x !== null) ? { op: f.op, filters: parsed as Filter[] } : null;
    }
    case "NOT": {
      const inner = parseFilter(f.filter, `${path}.filter`, errors);
      return inner ? { op: "NOT", filter: inner } : null;
    }
    default:
      errors.push(`${path}.op ${JSON.stringify(f.op)} is not one of EQ, GT, GTE, AND, OR, NOT`);
      return null;
  }
}

/** Whether a series with these labels passes the filter. A missing label matches nothing. */
export function matches(filter: Filter, labels: Readonly<Record<string, string>>): boolean {
  switch (filter.op) {
    case "AND":
      return filter.filters.every((f) => matches(f, labels));
    case "OR":
      return filter.filters.some((f) => matches(f, labels));
    case "NOT":
      return !matches(filter.filter, labels);
    default: {
      const actual = labels[filter.field];
      if (actual === undefined) return false;
      const c = compare(actual, filter.value);
      return filter.op === "EQ" ? c === 0 : filter.op === "GT" ? c > 0 : c >= 0;
    }
  }
}

/** Numbers compare as numbers (partition 10 > 9), everything else as text. */
function compare(actual: string, value: string | number): number {
  const a = Number(actual);
  const b = Number(value);
  if (actual !== "" && String(value) !== "" && Number.isFinite(a) && Number.isFinite(b)) {
    return a - b;
  }
  const v = String(value);
  return actual < v ? -1 : actual > v ? 1 : 0;
}

/**
 * The clusters the filter restricts `resource.kafka.id` to, or null when it does not restrict
 * it to a finite set (no EQ on it, or only under OR with an unrestricted branch, or NOT).
 */
export function constrainedClusters(filter: Filter | null): Set<string> | null {
  if (filter === null) return null;
  switch (filter.op) {
    case "AND": {
      let out: Set<string> | null = null;
      for (const f of filter.filters) {
        const c = constrainedClusters(f);
        if (c !== null) {
          out = out === null ? c : new Set([...(out as Set<string>)].filter((x) => c.has(x)));
        }
      }
      return out;
    }
    case "OR": {
      const out = new Set<string>();
      for (const f of filter.filters) {
        const c = constrainedClusters(f);
        if (c === null) return null;
        for (const x of c) out.add(x);
      }
      return out;
    }
    case "NOT":
      return null;
    default:
      return filter.field === CLUSTER_FIELD && filter.op === "EQ"
        ? new Set([String(filter.value)])
        : null;
  }
}

/** Every label the filter looks at. */
export function referencedFields(filter: Filter | null, into = new Set<string>()): Set<string> {
  if (filter === null) return into;
  if (filter.op === "AND" || filter.op === "OR") {
    for (const f of filter.filters) referencedFields(f, into);
  } else if (filter.op === "NOT") referencedFields(filter.filter, into);
  else if ("field" in filter) into.add(filter.field);
  return into;
}
