import { describe, expect, it } from "vitest";
import { bandOf, percentileOfSorted, runCurve } from "./percentiles.js";

const INF = Number.POSITIVE_INFINITY;

describe("percentiles over runs", () => {
  it("interpolates between the nearest ranks (type 7)", () => {
    expect(percentileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentileOfSorted([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.1)).toBe(1);
    expect(percentileOfSorted([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(percentileOfSorted([7], 0.9)).toBe(7);
    expect(percentileOfSorted([1, 2, 3], 0)).toBe(1);
    expect(percentileOfSorted([1, 2, 3], 1)).toBe(3);
  });

  it("treats 'not reached' as the largest value: any share of it makes the percentile not reached", () => {
    expect(percentileOfSorted([1, 2, INF], 0.5)).toBe(2);
    expect(percentileOfSorted([1, 2, INF], 0.9)).toBe(INF);
    expect(percentileOfSorted([1, INF], 0.5)).toBe(INF);
    expect(percentileOfSorted([INF, INF], 0.5)).toBe(INF);
    expect(bandOf([INF, 3, 1, 2, INF])).toEqual({ p10: 1.4, p50: 3, p90: INF });
  });

  it("does not change its input and refuses nonsense", () => {
    const values = [3, 1, 2];
    expect(bandOf(values)).toEqual({ p10: 1.2, p50: 2, p90: 2.8 });
    expect(values).toEqual([3, 1, 2]);
    expect(() => percentileOfSorted([], 0.5)).toThrow(RangeError);
    expect(() => percentileOfSorted([1], 1.5)).toThrow(RangeError);
  });
});

describe("one run's curve", () => {
  it("weights each success by the computers it stands for and counts successes at or before each time", () => {
    const curve = runCurve(
      { times: Float64Array.from([3, 1, 2]), weights: Float64Array.from([1, 1, 2]), total: 5 },
      [0, 1, 2, 3, 4],
      [0.2, 0.5, 0.8, 1],
      [2.5],
    );
    expect(Array.from(curve.atGrid)).toEqual([0, 0.2, 0.6, 0.8, 0.8]);
    expect(Array.from(curve.reach)).toEqual([1, 2, 3, INF]);
    expect(Array.from(curve.atInstants)).toEqual([0.6]);
  });

  it("reaches 100 % when fractional weights add up to the total", () => {
    const w = 10 / 3;
    const curve = runCurve(
      { times: Float64Array.from([5, 6, 7]), weights: Float64Array.from([w, w, w]), total: 10 },
      [7],
      [1],
      [],
    );
    expect(Array.from(curve.reach)).toEqual([7]);
    expect(curve.atGrid[0]).toBe(1);
  });

  it("an empty run never reaches anything", () => {
    const curve = runCurve({ times: new Float64Array(), weights: new Float64Array(), total: 4 }, [1], [0.5], [1]);
    expect(Array.from(curve.reach)).toEqual([INF]);
    expect(Array.from(curve.atGrid)).toEqual([0]);
  });
});
