// ISO-8601 intervals as the Metrics API accepts them in `intervals`: `start/end`,
// `start/duration` and `duration/end`, where an instant may be `now`-relative
// (`now`, `now-1d`, `now-6h|h`). Years and months are refused: their length varies.

export interface ResolvedInterval {
  /** Inclusive, epoch milliseconds. */
  start: number;
  /** Exclusive, epoch milliseconds. */
  end: number;
  /** True when an end of it is `now`-relative, so it moves with the clock. */
  nowRelative: boolean;
}

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const NOW = /^now((?:[+-]\d+[smhdw])*)(?:\|([smhd]))?$/;
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** A duration such as `PT6H` or `P7D` in milliseconds, or null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return null;
  const [, w, d, h, min, s] = m;
  const ms = Number(w ?? 0) * UNIT_MS.w! + Number(d ?? 0) * UNIT_MS.d! +
    Number(h ?? 0) * UNIT_MS.h! + Number(min ?? 0) * UNIT_MS.m! + Number(s ?? 0) * 1_000;
  return ms > 0 ? Math.round(ms) : null;
}

/** An instant: an ISO date-time with a zone, or a `now` expression. Null when neither. */
export function parseInstant(text: string, now: number): { ms: number; relative: boolean } | null {
  if (INSTANT.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : { ms, relative: false };
  }
  const m = NOW.exec(text);
  if (!m) return null;
  let ms = now;
  for (const step of (m[1] ?? "").matchAll(/([+-])(\d+)([smhdw])/g)) {
    ms += (step[1] === "-" ? -1 : 1) * Number(step[2]) * UNIT_MS[step[3]!]!;
  }
  if (m[2]) ms = Math.floor(ms / UNIT_MS[m[2]]!) * UNIT_MS[m[2]]!;
  return { ms, relative: true };
}

/** Resolves one interval string, or returns why it is not a valid interval. */
export function parseInterval(text: string, now: number): ResolvedInterval | string {
  const parts = text.split("/");
  if (parts.length !== 2) {
    return `Invalid interval "${text}": expected start/end, start/duration or duration/end`;
  }
  const [a, b] = parts as [string, string];
  const startInstant = parseInstant(a, now);
  const endInstant = parseInstant(b, now);
  let start: number;
  let end: number;
  let relative: boolean;
  if (startInstant && endInstant) {
    [start, end, relative] = [
      startInstant.ms,
      endInstant.ms,
      startInstant.relative || endInstant.relative,
    ];
  } else if (startInstant) {
    const d = parseDuration(b);
    if (d === null) {
      return `Invalid interval "${text}": "${b}" is neither an instant nor a duration`;
    }
    [start, end, relative] = [startInstant.ms, startInstant.ms + d, startInstant.relative];
  } else if (endInstant) {
    const d = parseDuration(a);
    if (d === null) {
      return `Invalid interval "${text}": "${a}" is neither an instant nor a duration`;
    }
    [start, end, relative] = [endInstant.ms - d, endInstant.ms, endInstant.relative];
  } else {
    return `Invalid interval "${text}": neither end is an instant (ISO-8601 with a zone, or now)`;
  }
  if (end <= start) return `Invalid interval "${text}": the end must be after the start`;
  return { start, end, nowRelative: relative };
}

/** `PT6H`-style text for a length, for error messages. */
export function formatDuration(ms: number): string {
  const days = Math.floor(ms / UNIT_MS.d!);
  const rest = ms - days * UNIT_MS.d!;
  const hours = Math.floor(rest / UNIT_MS.h!);
  const minutes = Math.floor((rest - hours * UNIT_MS.h!) / UNIT_MS.m!);
  const seconds = (rest - hours * UNIT_MS.h! - minutes * UNIT_MS.m!) / 1_000;
  const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${
    seconds ? `${seconds}S` : ""
  }`;
  const text = `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
  return text === "P" ? "PT0S" : text;
}

/** Sorts and merges overlapping or touching intervals, so no instant is counted twice. */
export function mergeIntervals(intervals: readonly { start: number; end: number }[]): {
  start: number;
  end: number;
}[] {
  const sorted = [...intervals].sort((x, y) => x.start - y.start);
  const out: { start: number; end: number }[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}
