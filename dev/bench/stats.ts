// Pure helpers of the bench: medians, ratios, GNU time's output, the process tree's /proc
// files, and the fixed-width table printed at the end. No I/O here (tests/unit/bench_stats_test.ts).

/** The median; the mean of the middle two for an even count; NaN for none. */
export function median(values: readonly number[]): number {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Requests by type, the median of each type over the runs (a type missing from a run counts 0). */
export function medianCounts(runs: readonly Record<string, number>[]): Record<string, number> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))].sort();
  const out: Record<string, number> = {};
  for (const n of names) out[n] = Math.round(median(runs.map((r) => r[n] ?? 0)));
  return out;
}

/** `this ÷ other`, as "1.23×"; "—" when either is missing or the other is 0. */
export function ratio(self: number, other: number): string {
  if (!Number.isFinite(self) || !Number.isFinite(other) || other === 0) return "—";
  return `${(self / other).toFixed(2)}×`;
}

/**
 * Sequential round trips a run makes: the wall time the added latency cost, divided by that
 * latency (one round trip pays it once). NaN without a latency.
 */
export function roundTrips(wallBase: number, wallSlow: number, latencyMs: number): number {
  if (!(latencyMs > 0)) return NaN;
  return (wallSlow - wallBase) / (latencyMs / 1000);
}

/** Requests by type in one line: "Fetch 19, ListOffsets 171, Metadata 1". */
export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "—" : entries.map(([k, v]) => `${k} ${v}`).join(", ");
}

/** Exit codes of the runs: "0", or "0,1" when they differ. */
export function formatCodes(codes: readonly number[]): string {
  return [...new Set(codes)].join(",") || "—";
}

/** What GNU time writes with `-f "%e %U %S %M %x"`: wall, user, sys (s), max RSS (KiB), exit code. */
export interface TimeFigures {
  wall: number;
  user: number;
  sys: number;
  maxRssKb: number;
  code: number;
}

/**
 * Reads the last line of GNU time's `-o` file. It writes "Command exited with non-zero
 * status N" or "Command terminated by signal N" before the figures; a signal gives code
 * 128 + N (as a shell would), since %x is then meaningless.
 */
export function parseTimeOutput(text: string): TimeFigures | null {
  const lines = text.trim().split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const last = lines.at(-1);
  if (!last) return null;
  const m = /^(\S+) (\S+) (\S+) (\d+) (-?\d+)$/.exec(last);
  if (!m) return null;
  const signal = lines.map((l) => /terminated by signal (\d+)/.exec(l)?.[1]).find((s) => s);
  const [wall, user, sys] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  if (![wall, user, sys].every(Number.isFinite)) return null;
  return {
    wall,
    user,
    sys,
    maxRssKb: Number(m[4]),
    code: signal ? 128 + Number(signal) : Number(m[5]),
  };
}

/** A `/proc/<pid>/status` field in KiB (VmRSS, VmHWM); 0 when absent (a zombie has none). */
export function statusKb(status: string, field: "VmRSS" | "VmHWM"): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1] ?? 0);
}

/**
 * utime + stime of a `/proc/<pid>/stat` line, in clock ticks (the command name, in
 * parentheses, may hold spaces: fields are counted after its closing parenthesis).
 */
export function statCpuTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3, utime 14 and stime 15 of the whole line.
  return Number(rest[11] ?? 0) + Number(rest[12] ?? 0);
}

/** `--cases a,c,l`: the known ids in the order given; unknown ones are an error. */
export function parseCaseList(
  text: string,
  known: readonly string[],
  aliases: Record<string, readonly string[]> = {},
): string[] {
  const out: string[] = [];
  for (const raw of text.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "")) {
    const ids = aliases[raw] ?? [raw];
    for (const id of ids) {
      if (!known.includes(id)) {
        throw new Error(
          `unknown case '${raw}' (known: ${[...known, ...Object.keys(aliases)].join(", ")})`,
        );
      }
      if (!out.includes(id)) out.push(id);
    }
  }
  if (out.length === 0) throw new Error("no case selected");
  return out;
}

/** `--workers 1,2`: positive whole numbers, deduplicated, in the order given. */
export function parseWorkerList(text: string): number[] {
  const out: number[] = [];
  for (const s of text.split(",").map((x) => x.trim()).filter((x) => x !== "")) {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--workers: '${s}' is not a worker count`);
    if (!out.includes(n)) out.push(n);
  }
  if (out.length === 0) throw new Error("--workers: no worker count");
  return out;
}

/** A fixed-width table: every column as wide as its widest cell, numbers right-aligned. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) =>
    rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+(×| s| MB)?$|^—$/.test(r[i] ?? ""))
  );
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => {
      const last = i === cells.length - 1;
      if (numeric[i]) return c.padStart(width[i]!);
      return last ? c : c.padEnd(width[i]!);
    }).join("  ").trimEnd();
  // The last column's rule is as long as its header: its cells may be long.
  const rule = header.map((h, i) => "-".repeat(i === header.length - 1 ? h.length : width[i]!));
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}

/** Seconds with two decimals, or "—". */
export function secs(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : "—";
}

/** Megabytes, whole, or "—". */
export function mb(v: number): string {
  return Number.isFinite(v) ? v.toFixed(0) : "—";
}
