// Value-size distributions of the workload profile (`traffic.valueBytes`), drawn from the
// plan's seeded generator, with their exact mean and tail so tests can check a sample against
// the declared shape:
//
// - uniform (the default; `distribution` may be left out): every whole size in [min, max]
//   equally likely. One draw per record, the same as before distributions existed, so
//   existing profiles plan exactly the records they always did.
// - bimodal: with probability `largeShare` a "large" size, uniform in [largeMin, largeMax],
//   otherwise a small one, uniform in [min, max]. Two draws per record.
// - pareto: heavy-tailed, P(size > x) ∝ (min / x)^shape for x in [min, max], truncated at max
//   (the tail beyond max is never drawn, so there is no pile-up at max), rounded down to whole
//   bytes. One draw per record. Smaller `shape` means a heavier tail (1.1–1.5 is typical of
//   message sizes: most records near min, a few 10–100× larger).

/** `traffic.valueBytes` after parsing. */
export type ValueSizes =
  | { distribution?: "uniform" | undefined; min: number; max: number }
  | {
    distribution: "bimodal";
    min: number;
    max: number;
    largeMin: number;
    largeMax: number;
    largeShare: number;
  }
  | { distribution: "pareto"; min: number; max: number; shape: number };

/** One value size in bytes, from `rng` (uniform in [0, 1)). */
export function drawValueBytes(sizes: ValueSizes, rng: () => number): number {
  if (sizes.distribution === "bimodal") {
    return rng() < sizes.largeShare
      ? uniformInt(sizes.largeMin, sizes.largeMax, rng())
      : uniformInt(sizes.min, sizes.max, rng());
  }
  if (sizes.distribution === "pareto") {
    return Math.min(sizes.max, Math.floor(paretoQuantile(sizes, rng())));
  }
  return uniformInt(sizes.min, sizes.max, rng());
}

/** The largest size the distribution can draw. */
export function maxValueBytes(sizes: ValueSizes): number {
  return sizes.distribution === "bimodal" ? Math.max(sizes.max, sizes.largeMax) : sizes.max;
}

/** The exact mean size of the distribution (pareto: of the continuous law, before rounding down, which lowers it by ~0.5). */
export function meanValueBytes(sizes: ValueSizes): number {
  if (sizes.distribution === "bimodal") {
    return (1 - sizes.largeShare) * (sizes.min + sizes.max) / 2 +
      sizes.largeShare * (sizes.largeMin + sizes.largeMax) / 2;
  }
  if (sizes.distribution === "pareto") {
    const { min: l, max: h, shape: a } = sizes;
    if (l === h) return l;
    const norm = 1 - (l / h) ** a;
    if (a === 1) return (l * Math.log(h / l)) / norm;
    return (a * l ** a * (h ** (1 - a) - l ** (1 - a))) / ((1 - a) * norm);
  }
  return (sizes.min + sizes.max) / 2;
}

/** P(size > x) for a drawn size: the declared tail that a sample's share of sizes above `x` estimates. */
export function tailShare(sizes: ValueSizes, x: number): number {
  const uniformTail = (lo: number, hi: number) =>
    x < lo ? 1 : x >= hi ? 0 : (hi - Math.floor(x)) / (hi - lo + 1);
  if (sizes.distribution === "bimodal") {
    return (1 - sizes.largeShare) * uniformTail(sizes.min, sizes.max) +
      sizes.largeShare * uniformTail(sizes.largeMin, sizes.largeMax);
  }
  if (sizes.distribution === "pareto") {
    // A drawn size (rounded down) exceeds x when the continuous one reaches floor(x) + 1.
    const { min: l, max: h, shape: a } = sizes;
    const y = Math.floor(x) + 1;
    if (y <= l) return 1;
    if (y >= h) return 0;
    return ((l / y) ** a - (l / h) ** a) / (1 - (l / h) ** a);
  }
  return uniformTail(sizes.min, sizes.max);
}

function uniformInt(min: number, max: number, u: number): number {
  return min + Math.floor(u * (max - min + 1));
}

/** Inverse CDF of the Pareto law truncated to [min, max]. */
function paretoQuantile(sizes: { min: number; max: number; shape: number }, u: number): number {
  const { min: l, max: h, shape: a } = sizes;
  return l / (1 - u * (1 - (l / h) ** a)) ** (1 / a);
}
