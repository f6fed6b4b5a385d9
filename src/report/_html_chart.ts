// The HTML report's per-topic chart: one small inline SVG with two panels over the topic's
// window, bytes per second above and records per second below (each hour's count / 3600), with
// the busiest hour and the busiest minute marked, and the required rate and the capacity of the
// current and of the recommended partition count drawn as horizontal lines, named (in their
// lines' colours) in a key above each panel.
//
// Capacity. The terms of a result hold partition counts, not the rates behind them, so the
// per-partition limits come from the report's parameters, the settings the terms were computed
// with: a partition carries min(CONSUMER_THROUGHPUT_PER_PARTITION,
// PRODUCER_THROUGHPUT_PER_PARTITION) bytes per second (the producer one when set), and
// min(CONSUMER_RECORDS_PER_SECOND_PER_PARTITION, PRODUCER_…) records per second when either is
// set. n partitions then carry n × that: n satisfies the byte terms ceil(R / c) and ceil(R / p)
// exactly when n × min(c, p) ≥ R, so the recommended line sits at or above the required line
// whenever a byte term applies (above MIN_CONSUMPTION_THROUGHPUT). Policy terms (minimum,
// brokers, consumer_group) have no rate and draw no line. A panel without a per-partition
// limit draws no capacity.
//
// Size. A 10,000-topic report must stay light: each series is one relative path in a nested
// SVG whose view box has one unit per half hour and 100 units of height (integers, a few
// characters a point), at most MAX_CHART_POINTS points (longer windows keep each bucket's
// busiest hour, so peaks survive), and every label is text, not a font or an image. A capacity
// far above the traffic (the default 10 MiB/s per partition against a quiet topic) would flatten
// the series to the axis, so a line more than OFF_SCALE × the traffic's top is named above the
// panel instead of drawn.

import { HOUR_MS, hourStartAt, type TopicResult } from "../model/mod.ts";
import { escapeHtml } from "./_html_escape.ts";
import { humanBytesPerSecond, humanCount } from "./human_units.ts";
import type { ParameterValue } from "./types.ts";

/** At most this many points per series: a week of hours (168) is drawn hour by hour. */
export const MAX_CHART_POINTS = 168;

/** A capacity above this multiple of the panel's traffic is named, not drawn. */
export const OFF_SCALE = 4;

/** What one partition carries; null where no setting limits it. */
export interface PartitionLimits {
  bytesPerSecond: number | null;
  recordsPerSecond: number | null;
}

/** The per-partition limits the report's settings imply (see the module comment). */
export function partitionLimits(parameters: Record<string, ParameterValue>): PartitionLimits {
  const smallest = (...names: string[]): number | null => {
    const set = names.map((n) => parameters[n])
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v) && v > 0);
    return set.length === 0 ? null : Math.min(...set);
  };
  return {
    bytesPerSecond: smallest(
      "consumer_throughput_per_partition",
      "producer_throughput_per_partition",
    ),
    recordsPerSecond: smallest(
      "consumer_records_per_second_per_partition",
      "producer_records_per_second_per_partition",
    ),
  };
}

// Geometry of the outer SVG, in its own units (it scales to the page's width).
const WIDTH = 760;
const LEFT = 70;
const PLOT_WIDTH = 674;
const PANEL_HEIGHT = 80;
const PANEL_TOPS = [24, 136] as const;
const HEIGHT = 240;
/** Height of a series' nested view box: y is 0 (top) to 100 (zero). */
const UNITS = 100;

interface Panel {
  /** "bytes/s" or "records/s": the panel's title. */
  title: string;
  format: (n: number) => string;
  /** 1024 for bytes, 1000 for records: the steps of the axis' round numbers. */
  base: number;
  /** The hourly rates, oldest first. */
  values: number[];
  peakMinute: number | null;
  required: number | null;
  perPartition: number | null;
}

/**
 * The chart of an active topic as an SVG element; "" for a topic without hours to draw (empty,
 * error), whose row says why instead.
 */
export function topicChart(t: TopicResult, limits: PartitionLimits): string {
  if (t.status !== "active" || t.hourly.records.length === 0) return "";
  const panels: Panel[] = [
    {
      title: "bytes/s",
      format: humanBytesPerSecond,
      base: 1024,
      values: Array.from(t.hourly.bytes, (b) => b / 3600),
      peakMinute: t.peakMinuteBytesPerSecond,
      required: t.requiredBytesPerSecond,
      perPartition: limits.bytesPerSecond,
    },
    {
      title: "records/s",
      format: (n) => `${humanCount(n)}/s`,
      base: 1000,
      values: Array.from(t.hourly.records, (n) => n / 3600),
      peakMinute: t.peakMinuteRecordsPerSecond,
      required: t.requiredRecordsPerSecond,
      perPartition: limits.recordsPerSecond,
    },
  ];
  const start = t.hourly.start;
  const end = hourStartAt(t.hourly, t.hourly.records.length);
  const xOf = (ms: number) => LEFT + ((ms - start) / (end - start)) * PLOT_WIDTH;
  const parts = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
    `aria-label="${escapeHtml(`Hourly bytes and records per second of ${t.topicName}`)}">`,
    timeAxis(start, end, xOf),
  ];
  panels.forEach((p, i) => parts.push(panel(p, PANEL_TOPS[i]!, t, xOf)));
  parts.push("</svg>");
  return parts.join("");
}

function panel(
  p: Panel,
  top: number,
  t: TopicResult,
  xOf: (ms: number) => number,
): string {
  const bottom = top + PANEL_HEIGHT;
  const dataTop = Math.max(0, ...p.values, p.peakMinute ?? 0, p.required ?? 0);
  const capacity = (n: number | null) =>
    n === null || p.perPartition === null ? null : n * p.perPartition;
  const lines = [
    { cls: "cur", name: "now", partitions: t.partitions, rate: capacity(t.partitions) },
    {
      cls: "rec",
      name: "recommended",
      partitions: t.recommendedPartitions,
      rate: capacity(t.recommendedPartitions),
    },
  ];
  const drawn = lines.filter((l) =>
    l.rate !== null && (dataTop === 0 || l.rate <= OFF_SCALE * dataTop)
  );
  const yMax = niceCeil(Math.max(dataTop, ...drawn.map((l) => l.rate!)), p.base);
  const yOf = (v: number) => round1(bottom - (v / yMax) * PANEL_HEIGHT);
  const right = LEFT + PLOT_WIDTH;

  const out = [
    `<text class="pt" x="${LEFT}" y="${top - 8}">${p.title}</text>`,
    `<path class="grid" d="M${LEFT} ${top}H${right}M${LEFT} ${top + PANEL_HEIGHT / 2}H${right}"/>`,
    `<path class="axis" d="M${LEFT} ${bottom}H${right}"/>`,
    `<text class="yl" x="${LEFT - 6}" y="${bottom + 3}">0</text>`,
    `<text class="yl" x="${LEFT - 6}" y="${top + PANEL_HEIGHT / 2 + 3}">` +
    `${escapeHtml(p.format(yMax / 2))}</text>`,
    `<text class="yl" x="${LEFT - 6}" y="${top + 3}">${escapeHtml(p.format(yMax))}</text>`,
    series(p.values, yMax, top),
  ];
  // Lines carry no labels (close lines would overlap them): a key above the panel names each
  // in its line's colour, and a capacity too far above the traffic only there.
  const same = lines[0]!.rate !== null && lines[0]!.rate === lines[1]!.rate;
  const key: string[] = [];
  if (p.required !== null) {
    out.push(`<path class="req" d="M${LEFT} ${yOf(p.required)}H${right}"/>`);
    key.push(`<tspan class="t-req">required ${escapeHtml(p.format(p.required))}</tspan>`);
  }
  for (const l of same ? lines.slice(1) : lines) {
    if (l.rate === null) continue;
    const cls = same ? "rec" : l.cls;
    if (drawn.includes(l)) out.push(`<path class="${cls}" d="M${LEFT} ${yOf(l.rate)}H${right}"/>`);
    key.push(
      `<tspan class="t-${cls}">${same ? "now = recommended" : l.name} (${l.partitions}) ` +
        `${escapeHtml(p.format(l.rate))}${drawn.includes(l) ? "" : " ↑ off scale"}</tspan>`,
    );
  }
  if (key.length > 0) {
    out.push(`<text class="key" x="${right}" y="${top - 8}">${key.join(" · ")}</text>`);
  }
  // The minute under the hour: where they meet, both markers stay visible.
  if (t.peakMinuteStart !== null && p.peakMinute !== null) {
    const x = round1(xOf(t.peakMinuteStart + 30_000));
    const y = yOf(p.peakMinute);
    out.push(
      `<path class="pm" d="M${x} ${y - 6}l6 6-6 6-6-6z"><title>${
        escapeHtml(`peak minute ${utcMinute(t.peakMinuteStart)}: ${p.format(p.peakMinute)}`)
      }</title></path>`,
    );
  }
  const peak = peakIndex(p.values);
  if (peak !== null) {
    const h = hourStartAt(t.hourly, peak);
    out.push(
      `<circle class="pk" cx="${round1(xOf(h + HOUR_MS / 2))}" cy="${yOf(p.values[peak]!)}" ` +
        `r="3"><title>${
          escapeHtml(`peak hour ${utcMinute(h)}: ${p.format(p.values[peak]!)}`)
        }</title></circle>`,
    );
  }
  return out.join("");
}

/**
 * One series as a nested SVG whose view box is 2 units per hour and UNITS high, drawn with a
 * relative path: integers only, so a week of hours costs about a kilobyte.
 */
function series(values: readonly number[], yMax: number, top: number): string {
  const n = values.length;
  const k = Math.ceil(n / MAX_CHART_POINTS);
  const points: [x: number, y: number][] = [];
  for (let from = 0; from < n; from += k) {
    const to = Math.min(n, from + k);
    let v = 0;
    for (let i = from; i < to; i++) v = Math.max(v, values[i]!);
    // The bucket's middle, in half hours: (from + to) / 2 hours.
    points.push([from + to, UNITS - Math.round((v / yMax) * UNITS)]);
  }
  const [first, ...rest] = points;
  let d = `M${first![0]} ${first![1]}`;
  if (rest.length === 0) d += "h0";
  else {
    let [px, py] = first!;
    d += "l" + rest.map(([x, y]) => {
      const pair = `${x - px}${y - py < 0 ? "" : " "}${y - py}`;
      [px, py] = [x, y];
      return pair;
    }).join(" ");
  }
  return `<svg class="sv" x="${LEFT}" y="${top}" width="${PLOT_WIDTH}" height="${PANEL_HEIGHT}" ` +
    `viewBox="0 0 ${2 * n} ${UNITS}" preserveAspectRatio="none"><path class="s" d="${d}"/></svg>`;
}

/** Day ticks (every few days on long windows), or hour ticks on windows of two days or less. */
function timeAxis(start: number, end: number, xOf: (ms: number) => number): string {
  const top = PANEL_TOPS[0];
  const bottom = PANEL_TOPS[1] + PANEL_HEIGHT;
  const days = (end - start) / (24 * HOUR_MS);
  const step = days > 2
    ? Math.ceil(days / 8) * 24 * HOUR_MS
    : (days > 1 ? 6 : days > 0.5 ? 3 : 1) * HOUR_MS;
  const first = Math.floor(start / step) * step + step;
  let grid = "";
  let labels = "";
  for (let ms = first; ms < end; ms += step) {
    const x = round1(xOf(ms));
    grid += `M${x} ${top}V${bottom + 4}`;
    const iso = new Date(ms).toISOString();
    // Days by date; hours by time, except midnight, which names the day it starts.
    const text = days > 2 || iso.slice(11, 16) === "00:00"
      ? `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${Number(iso.slice(8, 10))}`
      : iso.slice(11, 16);
    labels += `<text class="xl" x="${x}" y="${bottom + 16}">${text}</text>`;
  }
  return (grid === "" ? "" : `<path class="grid" d="${grid}"/>`) + labels +
    `<text class="xl end" x="${LEFT + PLOT_WIDTH}" y="${HEIGHT - 2}">UTC</text>`;
}

const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;

/** The earliest index of the largest value (the model's tie rule); null when all are zero. */
function peakIndex(values: readonly number[]): number | null {
  let best: number | null = null;
  values.forEach((v, i) => {
    if (v > 0 && (best === null || v > values[best]!)) best = i;
  });
  return best;
}

/**
 * The smallest round number ≥ x in x's own unit (base^k): 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8
 * times a power of ten, so the axis reads 40 MiB/s rather than 37.4 MiB/s. 1 for x ≤ 0.
 */
export function niceCeil(x: number, base: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  // Below 1 the unit stays 1 (there is no sub-byte unit): 0.37 B/s rounds up to 0.4 B/s.
  const unit = base ** Math.max(0, Math.floor(Math.log(x) / Math.log(base)));
  const m = x / unit;
  const decade = 10 ** Math.floor(Math.log10(m));
  const step = NICE.find((s) => s * decade >= m * (1 - 1e-12)) ?? 10;
  return step * decade * unit;
}

const NICE = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] as const;

/** "2026-09-07 14:00 UTC". */
export function utcMinute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
