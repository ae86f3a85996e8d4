/**
 * The forecast's statistics: percentiles over runs, and one run's weighted coverage curve.
 * "Not reached" is +Infinity inside and `null` on the wire.
 */

/**
 * Percentile `p` (0..1) of values sorted ascending, interpolating linearly between the two
 * nearest ranks (Hyndman & Fan type 7, numpy's default). +Infinity is an ordinary (largest)
 * value: any share of it in the interpolation makes the answer +Infinity.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("No values");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`Percentile must be within 0..1, got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  if (lo === hi || a === b) return a;
  if (b === Number.POSITIVE_INFINITY) return b;
  return a + (h - lo) * (b - a);
}

/** p10 / p50 / p90 of unsorted values (the input is not changed). */
export function bandOf(values: ArrayLike<number>): { p10: number; p50: number; p90: number } {
  const sorted = Float64Array.from(values).sort();
  return {
    p10: percentileOfSorted(sorted, 0.1),
    p50: percentileOfSorted(sorted, 0.5),
    p90: percentileOfSorted(sorted, 0.9),
  };
}

/** One run's successes: event times (any order) with the weight of the computer each stands for. */
export interface WeightedTimes {
  times: Float64Array;
  weights: Float64Array;
  /** Weight of all the run's targets, succeeded or not. */
  total: number;
}

/** Relative slack so sums of fractional weights still reach 100 %. */
const EPS = 1e-9;

export interface RunCurve {
  /** Compliance fraction (0..1) at each grid time. */
  atGrid: Float64Array;
  /** First time the compliance reaches each level (fractions), +Infinity if never. */
  reach: Float64Array;
  /** Compliance fraction at each extra instant. */
  atInstants: Float64Array;
}

/**
 * Sweeps one run's successes once: coverage at the (ascending) grid times and at arbitrary
 * instants, and when each level is first reached. Coverage at t counts successes at or before t.
 */
export function runCurve(
  run: WeightedTimes,
  grid: ArrayLike<number>,
  levels: ArrayLike<number>,
  instants: ArrayLike<number>,
): RunCurve {
  const n = run.times.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => (run.times[x] as number) - (run.times[y] as number));
  const sortedTimes = new Float64Array(n);
  const cum = new Float64Array(n);
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    sortedTimes[k] = run.times[i] as number;
    acc += run.weights[i] as number;
    cum[k] = acc;
  }
  const total = run.total;
  const coverageAt = (t: number): number => {
    // Last index with time <= t.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sortedTimes[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 || total <= 0 ? 0 : Math.min(1, (cum[lo - 1] as number) / total);
  };
  const atGrid = Float64Array.from({ length: grid.length }, (_, k) => coverageAt(grid[k] as number));
  const atInstants = Float64Array.from({ length: instants.length }, (_, k) => coverageAt(instants[k] as number));
  const reach = Float64Array.from({ length: levels.length }, (_, k) => {
    const need = (levels[k] as number) * total * (1 - EPS);
    if (total <= 0) return Number.POSITIVE_INFINITY;
    for (let x = 0; x < n; x++) if ((cum[x] as number) >= need) return sortedTimes[x] as number;
    return Number.POSITIVE_INFINITY;
  });
  return { atGrid, reach, atInstants };
}
