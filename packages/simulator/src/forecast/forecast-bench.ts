import { performance } from "node:perf_hooks";
import {
  DEFAULT_COURIER_THRESHOLD_KBPS,
  DEFAULT_PRIORITY_POLICY,
  FORECAST_VARIANTS,
  type ForecastDraft,
  type ForecastResult,
  type ForecastVariantResult,
} from "@firebreak/domain";
import { createSimulation } from "../engine.js";
import type { FleetDescription } from "../fleet.js";
import { loadRelease, type Release } from "../scenarios.js";
import { forecastAdvertisement } from "./forecast.js";
import { buildTopology } from "./topology.js";
import { planVariant } from "./variants.js";

/**
 * The forecast's figures for `pnpm bench` (see src/bench.ts): run time against one plain
 * simulation of the same window, and error against simulated truth per variant — for two
 * pictures of the same fleet: the generator's full description, and the fleet as the database
 * holds it after an import (`toStoredFleet`: no per-computer link rates, DP capacities, roaming
 * or holidays; power patterns from the stored on-line share), which is what an API forecast
 * plays. The truth is always the full fleet in the real engine.
 */

export interface ForecastBenchFleet {
  /** What the result calls this picture of the fleet, e.g. "generated" or "stored". */
  name: string;
  fleet: FleetDescription;
}

export interface ForecastBenchOptions {
  /** The whole generated fleet: the truth runs play it. */
  fleet: FleetDescription;
  /** The fleets to forecast on (each against the same truth). */
  forecastFleets: ForecastBenchFleet[];
  release: Release;
  /** Forecast seed; truth runs use other engine seeds. */
  seed: number;
  hours: number;
  runs: number;
  /** Forecast / baseline timings, taken alternately; the medians are compared. */
  pairs: number;
}

export interface ForecastMilestoneError {
  /** Compliance level, percent of targets. */
  pct: number;
  /** Hours from the start; null when not reached within the window. */
  truthHours: number | null;
  forecastP50Hours: number | null;
  /** Forecast p50 minus truth, hours (positive = forecast late); null unless both reached it. */
  errorHours: number | null;
}

export interface ForecastVariantError {
  variant: string;
  sameAs: string | null;
  /** Mean absolute error of the p50 curve against the truth, percentage points. */
  maePp: number;
  maxPp: number;
  /**
   * Share of the curve points where the truth is strictly between 0 and its final value (the
   * rise) at which it lies within p10–p90, percent; null when there is no such point.
   */
  insideBandPct: number | null;
  /** How many curve points are on the rise. */
  risePoints: number;
  /** The same share over every point, flats included (what the bench reported at first). */
  insideBandAllPct: number;
  truthFinalPct: number;
  forecastFinalP50: number;
  timeTo: ForecastMilestoneError[];
}

export interface ForecastBenchFleetResult {
  name: string;
  forecastMs: number;
  /** forecastMs / the baseline's median. */
  ratio: number;
  computersPerRun: number;
  variantsSimulated: number;
  errors: ForecastVariantError[];
}

export interface ForecastBenchResult {
  baselineMs: number;
  targets: number;
  runs: number;
  fleets: ForecastBenchFleetResult[];
}

const HOUR = 3_600_000;
const MILESTONES = [50, 90, 95] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export function benchForecast(o: ForecastBenchOptions): ForecastBenchResult {
  const { fleet, release } = o;
  const startMs = Date.parse(release.distribution.at);
  const endMs = startMs + o.hours * HOUR;
  const draft: ForecastDraft = {
    package: release.package,
    program: release.program,
    advertisement: release.advertisement,
    distribution: {
      startTime: release.distribution.at,
      ...(release.distribution.siteCodes ? { siteCodes: release.distribution.siteCodes } : {}),
      ...(release.distribution.courierSiteCodes ? { courierSiteCodes: release.distribution.courierSiteCodes } : {}),
    },
  };
  const forecast = (f: FleetDescription): ForecastResult =>
    forecastAdvertisement({
      fleet: f,
      draft,
      policy: DEFAULT_PRIORITY_POLICY,
      priority: "EMERGENCY",
      runs: o.runs,
      seed: o.seed,
      horizonHours: o.hours,
      variants: FORECAST_VARIANTS,
    });
  const plain = () => {
    const sim = createSimulation({ fleet, seed: o.seed, startTime: startMs });
    loadRelease(sim, release);
    return sim.advance(endMs);
  };

  // Alternate so a burst of load on the shared machine falls on every series.
  const results: (ForecastResult | undefined)[] = o.forecastFleets.map(() => undefined);
  const tf: number[][] = o.forecastFleets.map(() => []);
  const tb: number[] = [];
  for (let i = 0; i < Math.max(1, o.pairs); i++) {
    o.forecastFleets.forEach((f, k) => {
      const t0 = performance.now();
      results[k] = forecast(f.fleet);
      (tf[k] as number[]).push(performance.now() - t0);
      if (k === 0) {
        const t1 = performance.now();
        plain();
        tb.push(performance.now() - t1);
      }
    });
  }
  const baselineMs = median(tb);

  // Truth: the whole fleet in the real engine, another seed, each variant's inputs applied.
  const topology = buildTopology(fleet);
  const truths = FORECAST_VARIANTS.map((variant, k) => {
    const plan = planVariant(variant, { topology, draft, courierThresholdKbps: DEFAULT_COURIER_THRESHOLD_KBPS });
    const sim = createSimulation({
      fleet: { ...fleet, addresses: plan.addresses },
      seed: (o.seed + 1000 + k) >>> 0,
      startTime: startMs,
    });
    loadRelease(sim, {
      ...release,
      advertisement: plan.advertisement,
      distribution: { ...release.distribution, courierSiteCodes: plan.courierSiteCodes },
    });
    sim.advance(endMs);
    const t = sim.advertisementTargets(release.advertisement.advertisementId);
    const succ = Array.from(t.succeededAt)
      .filter((x) => !Number.isNaN(x))
      .sort((a, b) => a - b);
    return { variant, succ, n: t.resourceIds.length };
  });

  const compare = (v: ForecastVariantResult): ForecastVariantError => {
    const { succ, n } = truths.find((t) => t.variant === v.variant) as (typeof truths)[number];
    const truthAt = (ms: number) => {
      let lo = 0;
      let hi = succ.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((succ[mid] as number) <= ms) lo = mid + 1;
        else hi = mid;
      }
      return (100 * lo) / n;
    };
    const truthFinal = truthAt(endMs);
    let sum = 0;
    let max = 0;
    let inside = 0;
    let insideRise = 0;
    let rise = 0;
    for (const p of v.band) {
      const truth = truthAt(Date.parse(p.at));
      const e = Math.abs(truth - p.p50);
      sum += e;
      max = Math.max(max, e);
      // The band is rounded to two decimals.
      const isInside = truth >= p.p10 - 0.005 && truth <= p.p90 + 0.005;
      if (isInside) inside++;
      // Before the first success and after the last one any band that touches the flat counts
      // as a hit; only the rise says whether the band is right.
      if (truth > 0 && truth < truthFinal) {
        rise++;
        if (isInside) insideRise++;
      }
    }
    const milestones = { 50: v.timeTo.pct50, 90: v.timeTo.pct90, 95: v.timeTo.pct95 };
    const timeTo = MILESTONES.map((pct): ForecastMilestoneError => {
      // The same rule as the forecast: the first instant at least pct % of the targets succeeded.
      const at = succ[Math.ceil((n * pct) / 100) - 1];
      const truthHours = at === undefined || at > endMs ? null : (at - startMs) / HOUR;
      const forecastP50Hours = milestones[pct].p50;
      return {
        pct,
        truthHours,
        forecastP50Hours,
        errorHours: truthHours === null || forecastP50Hours === null ? null : forecastP50Hours - truthHours,
      };
    });
    return {
      variant: v.variant,
      sameAs: v.sameAs,
      maePp: sum / v.band.length,
      maxPp: max,
      insideBandPct: rise === 0 ? null : (100 * insideRise) / rise,
      risePoints: rise,
      insideBandAllPct: (100 * inside) / v.band.length,
      truthFinalPct: truthFinal,
      forecastFinalP50: v.final.p50,
      timeTo,
    };
  };

  const first = results[0] as ForecastResult;
  return {
    baselineMs,
    targets: first.sampling.targets,
    runs: first.runs,
    fleets: o.forecastFleets.map((f, k) => {
      const res = results[k] as ForecastResult;
      const forecastMs = median(tf[k] as number[]);
      return {
        name: f.name,
        forecastMs,
        ratio: forecastMs / baselineMs,
        computersPerRun: res.sampling.computersPerRun,
        variantsSimulated: res.variants.filter((v) => v.sameAs === null).length,
        errors: res.variants.map(compare),
      };
    }),
  };
}
