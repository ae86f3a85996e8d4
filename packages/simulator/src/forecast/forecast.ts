import {
  COVERAGE_BUCKET_SECONDS,
  FORECAST_HORIZON_HOURS_MAX,
  FORECAST_MILESTONE_PCTS,
  FORECAST_MISS_REASONS,
  FORECAST_RUNS_MAX,
  FORECAST_VARIANTS,
  MAX_COVERAGE_POINTS,
  DEFAULT_COURIER_THRESHOLD_KBPS,
  DEFAULT_FORECAST_GOAL_PCT,
  DEFAULT_FORECAST_LIST_LIMIT,
  DEFAULT_FORECAST_PROGRAM_SUCCESS_PCT,
  DEFAULT_FORECAST_RUNS,
  FORECAST_LIST_LIMIT_MAX,
  type ForecastDeadline,
  type ForecastDraft,
  type ForecastHoursBand,
  type ForecastMissReason,
  type ForecastMissedComputer,
  type ForecastMissedSite,
  type ForecastMisses,
  type ForecastProgress,
  type ForecastResult,
  type ForecastVariant,
  type ForecastVariantResult,
  type PriorityPolicy,
  type ReleasePriority,
} from "@firebreak/domain";
import { CLIENT_STAGES, createSimulation, type ClientStage } from "../engine.js";
import type { FleetDescription, SimComputer } from "../fleet.js";
import { standardOutcomeModel, type StandardOutcomeOptions } from "../outcomes.js";
import { hash32 } from "../prng.js";
import { FORECAST_SITE_PROCESSING_MINUTES, missReason, planRoutes, type Routes } from "./miss-reasons.js";
import { bandOf, runCurve } from "./percentiles.js";
import {
  DEFAULT_DP_CAPACITY_KBPS,
  ForecastInputError,
  planSampling,
  resolveTargets,
  runFleet,
  runMembers,
  type SamplingPlan,
} from "./sampling.js";
import { buildTopology, distributionSites, type Topology } from "./topology.js";
import { planVariant, type VariantPlan } from "./variants.js";

/**
 * What-if forecast of a draft advertisement (issue #7): many seeded runs of the engine on the
 * real hierarchy per variant, sampled into a coverage band, milestones, deadline verdicts and
 * the computers and sites that miss the deadline with the reason.
 *
 * Pure and synchronous: plain data in, plain (JSON, structured-clone friendly) data out, no
 * module state — run it in a worker thread. `onProgress` is called after every simulated run.
 *
 * Common random numbers: run r uses the same engine seed and the same sampled computers in every
 * variant, so the differences between variants are not seed noise.
 */

export interface ForecastInput {
  fleet: FleetDescription;
  draft: ForecastDraft;
  policy: PriorityPolicy;
  priority: ReleasePriority;
  variants?: readonly ForecastVariant[];
  /** Seeded runs per variant. Default 40. */
  runs?: number;
  seed?: number;
  /** Default: the priority's maximum from the SLA start, at most 60 days. */
  horizonHours?: number;
  /** When the priority's clock started; default the distribution start. */
  slaStartedAt?: number | string | Date;
  /** The compliance a deadline is judged by, percent. Default 95. */
  goalPct?: number;
  courierThresholdKbps?: number;
  /** Share of program runs that succeed, percent. Default 95. */
  programSuccessPct?: number;
  /** Entries per miss list. Default 100. */
  listLimit?: number;
  /** Which DPs already hold which source version of the package, by server name. */
  dpStoredVersions?: Record<string, number>;
  /** Engine settings the database does not hold; plain data. */
  model?: {
    /** Program outcomes; `successRate` here wins over `programSuccessPct`. */
    outcome?: StandardOutcomeOptions;
    policyPollingMinutes?: number;
    courierTransitHours?: { min: number; max: number };
  };
  /** About this many targeted computers are simulated per run on a large fleet. Default 2,500. */
  computersPerRun?: number;
  onProgress?: (p: ForecastProgress) => void;
}

export const DEFAULT_FORECAST_COMPUTERS_PER_RUN = 2_500;
/** A sampled computer's weight on a shared link is spread over at most this many steps of its chunk. */
const MAX_CHUNK_STEPS = 32;

const HOUR = 3_600_000;
const R = FORECAST_MISS_REASONS.length;
const REASON_IDX = Object.fromEntries(FORECAST_MISS_REASONS.map((r, i) => [r, i])) as Record<
  ForecastMissReason,
  number
>;
const round2 = (x: number) => Math.round(x * 100) / 100;
const pctBand = (v: ArrayLike<number>) => {
  const b = bandOf(v);
  return { p10: round2(b.p10 * 100), p50: round2(b.p50 * 100), p90: round2(b.p90 * 100) };
};
const toMs = (t: number | string | Date): number => {
  const ms = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t.getTime();
  if (!Number.isFinite(ms)) throw new ForecastInputError(`Invalid time: ${String(t)}`);
  return ms;
};
const iso = (ms: number) => new Date(ms).toISOString();

/** Per-variant accumulators over the runs. */
interface VariantAcc {
  plan: VariantPlan;
  routes: Routes;
  curves: Float64Array[];
  /** Per milestone, per run: epoch ms reached or +Infinity. */
  reach: Float64Array[];
  /** Per run: compliance at the target / max deadline and at the horizon. */
  atTarget: Float64Array;
  atMax: Float64Array;
  final: Float64Array;
  /** Per run: when the goal was reached (+Infinity = not within the horizon). */
  goalAt: Float64Array;
  appearances: Uint16Array;
  misses: Uint16Array;
  reasonCounts: Uint16Array;
}

function chooseBucketSeconds(horizonMs: number): number {
  for (const b of COVERAGE_BUCKET_SECONDS) if (Math.ceil(horizonMs / (b * 1000)) <= MAX_COVERAGE_POINTS) return b;
  return COVERAGE_BUCKET_SECONDS[COVERAGE_BUCKET_SECONDS.length - 1] as number;
}

function checkInput(input: ForecastInput, topo: Topology): void {
  const runs = input.runs ?? DEFAULT_FORECAST_RUNS;
  if (!Number.isInteger(runs) || runs < 1 || runs > FORECAST_RUNS_MAX)
    throw new ForecastInputError(`Use between 1 and ${FORECAST_RUNS_MAX} runs.`);
  if (input.horizonHours !== undefined && !(input.horizonHours > 0 && input.horizonHours <= FORECAST_HORIZON_HOURS_MAX))
    throw new ForecastInputError(`The horizon is between 1 and ${FORECAST_HORIZON_HOURS_MAX} hours.`);
  const { draft } = input;
  for (const code of [...(draft.distribution.siteCodes ?? []), ...(draft.distribution.courierSiteCodes ?? [])])
    if (!topo.siteIndex.has(code)) throw new ForecastInputError(`Site ${code} is not in this fleet.`);
  if (draft.advertisement.packageId !== draft.package.packageId || draft.program.packageId !== draft.package.packageId)
    throw new ForecastInputError("The advertisement and the program must belong to the package being forecast.");
  if (draft.advertisement.programName !== draft.program.programName)
    throw new ForecastInputError("The advertisement must advertise the program being forecast.");
}

export function forecastAdvertisement(input: ForecastInput): ForecastResult {
  const topo = buildTopology(input.fleet);
  checkInput(input, topo);
  const { fleet, draft } = input;
  const runs = input.runs ?? DEFAULT_FORECAST_RUNS;
  const seed = (input.seed ?? 1) >>> 0;
  const goal = (input.goalPct ?? DEFAULT_FORECAST_GOAL_PCT) / 100;
  const listLimit = Math.min(input.listLimit ?? DEFAULT_FORECAST_LIST_LIMIT, FORECAST_LIST_LIMIT_MAX);
  const variants = [...new Set(input.variants ?? FORECAST_VARIANTS)];
  if (variants.length === 0) throw new ForecastInputError("Choose at least one variant.");

  // Clock: hours count from the distribution start; the deadlines from the SLA start.
  const startMs = toMs(draft.distribution.startTime);
  const slaMs = input.slaStartedAt === undefined ? startMs : toMs(input.slaStartedAt);
  const frame = input.policy[input.priority];
  const targetMs = slaMs + frame.targetHours * HOUR;
  const maxMs = slaMs + frame.maxHours * HOUR;
  const horizonHours =
    input.horizonHours ?? Math.min(FORECAST_HORIZON_HOURS_MAX, Math.max(1, Math.ceil((maxMs - startMs) / HOUR)));
  const endMs = startMs + horizonHours * HOUR;
  // The lists judge the target; a target already past judges the maximum; beyond the horizon, the horizon.
  const judged = targetMs > startMs ? targetMs : maxMs > startMs ? maxMs : endMs;
  const missAt = Math.min(endMs, judged);
  const missDeadline: ForecastMisses["deadline"] =
    judged > endMs ? "HORIZON" : judged === targetMs ? "TARGET" : judged === maxMs ? "MAX" : "HORIZON";

  const bucketS = chooseBucketSeconds(endMs - startMs);
  const grid: number[] = [];
  for (let t = startMs; t < endMs; t += bucketS * 1000) grid.push(t);
  grid.push(endMs);
  const levels = FORECAST_MILESTONE_PCTS.map((p) => p / 100);
  const allLevels = [...levels, goal];
  const instants = [Math.min(targetMs, endMs), Math.min(maxMs, endMs)];

  // Targets and who is simulated in which run.
  const targets = resolveTargets(fleet, draft.advertisement.collectionId, draft.advertisement.includeSubCollection);
  if (targets.length === 0)
    throw new ForecastInputError(
      `Collection ${draft.advertisement.collectionId} has no computers in this fleet; there is nothing to forecast.`,
    );
  const plan: SamplingPlan = planSampling({
    topology: topo,
    targets,
    sizeKB: draft.package.sizeKB,
    runs,
    perRun: input.computersPerRun ?? DEFAULT_FORECAST_COMPUTERS_PER_RUN,
    seed,
    startMs,
  });
  const positionOf = new Map<number, number>();
  targets.forEach((fi, t) => positionOf.set((fleet.computers[fi] as SimComputer).resourceId, t));

  // Variants: identical inputs are simulated once.
  const needs = distributionSites(topo, draft.package, draft.distribution.siteCodes);
  const ctx = {
    topology: topo,
    draft,
    courierThresholdKbps: input.courierThresholdKbps ?? DEFAULT_COURIER_THRESHOLD_KBPS,
    ...(input.dpStoredVersions ? { dpStoredVersions: input.dpStoredVersions } : {}),
  };
  const plans = variants.map((v) => planVariant(v, ctx));
  const baseOf = new Map<string, VariantPlan>();
  const sameAs = new Map<ForecastVariant, ForecastVariant>();
  for (const p of plans) {
    const first = baseOf.get(p.key);
    if (first) sameAs.set(p.variant, first.variant);
    else baseOf.set(p.key, p);
  }
  const simulated = [...baseOf.values()];
  const nt = targets.length;
  const accs: VariantAcc[] = simulated.map((p) => ({
    plan: p,
    routes: planRoutes({
      topology: topo,
      pkg: draft.package,
      advertisement: p.advertisement,
      addresses: p.addresses,
      needs,
      courierSiteCodes: p.courierSiteCodes,
      startMs,
      siteCodes: draft.distribution.siteCodes,
    }),
    curves: [],
    reach: levels.map(() => new Float64Array(runs)),
    atTarget: new Float64Array(runs),
    atMax: new Float64Array(runs),
    final: new Float64Array(runs),
    goalAt: new Float64Array(runs),
    appearances: new Uint16Array(nt),
    misses: new Uint16Array(nt),
    reasonCounts: new Uint16Array(nt * R),
  }));

  const outcome = {
    successRate: (input.programSuccessPct ?? DEFAULT_FORECAST_PROGRAM_SUCCESS_PCT) / 100,
    ...input.model?.outcome,
  };
  const advertisementId = draft.advertisement.advertisementId;
  const runsTotal = runs * accs.length;
  let runsDone = 0;
  let simulatedComputers = 0;

  for (let r = 0; r < runs; r++) {
    const runSeed = hash32(seed, r, 0x46435354);
    const members = runMembers(plan, r);
    simulatedComputers += members.positions.length;
    const baseFleet = runFleet(fleet, plan, members, draft.advertisement.collectionId);
    const weightOf = new Map<number, number>();
    members.positions.forEach((t, x) =>
      weightOf.set((fleet.computers[targets[t] as number] as SimComputer).resourceId, members.weights[x] as number),
    );
    for (const acc of accs) {
      const sim = createSimulation({
        fleet: { ...baseFleet, addresses: acc.plan.addresses },
        seed: runSeed,
        startTime: startMs,
        outcomeModel: standardOutcomeModel(outcome),
        emitReports: false,
        emitRequiredCompliance: false,
        siteProcessingMinutes: FORECAST_SITE_PROCESSING_MINUTES,
        dpCapacityKbps: DEFAULT_DP_CAPACITY_KBPS,
        ...(input.model?.policyPollingMinutes !== undefined
          ? { policyPollingMinutes: input.model.policyPollingMinutes }
          : {}),
        ...(input.model?.courierTransitHours ? { courierTransitHours: input.model.courierTransitHours } : {}),
      });
      sim.addPackage(draft.package, input.dpStoredVersions ? { dpStoredVersions: input.dpStoredVersions } : {});
      sim.addProgram(draft.program);
      sim.distributePackage(draft.package.packageId, {
        at: startMs,
        ...(draft.distribution.siteCodes ? { siteCodes: draft.distribution.siteCodes } : {}),
        courierSiteCodes: acc.plan.courierSiteCodes,
      });
      sim.addAdvertisement({ ...acc.plan.advertisement, includeSubCollection: false });

      // Where each simulated client stands at the deadline, and why those not done are not.
      sim.advance(missAt);
      const snap = sim.advertisementTargets(advertisementId);
      for (let j = 0; j < snap.resourceIds.length; j++) {
        const resourceId = snap.resourceIds[j] as number;
        const t = positionOf.get(resourceId) as number;
        acc.appearances[t] = (acc.appearances[t] as number) + 1;
        const stage = CLIENT_STAGES[snap.stages[j] as number] as ClientStage;
        const reason = missReason(
          topo,
          acc.routes,
          draft.package,
          fleet.computers[targets[t] as number] as SimComputer,
          stage,
          missAt,
          () => sim.machineOnline(resourceId, missAt),
          snap.runContentEndsAt[j] as number,
        );
        if (reason === null) continue;
        acc.misses[t] = (acc.misses[t] as number) + 1;
        const k = t * R + REASON_IDX[reason];
        acc.reasonCounts[k] = (acc.reasonCounts[k] as number) + 1;
      }

      // Successes up to the horizon, each weighted by the computers it stands for.
      sim.advance(endMs);
      const fin = sim.advertisementTargets(advertisementId);
      const times: number[] = [];
      const weights: number[] = [];
      let total = 0;
      for (let j = 0; j < fin.resourceIds.length; j++) {
        const w = weightOf.get(fin.resourceIds[j] as number) ?? 1;
        total += w;
        const at = fin.succeededAt[j] as number;
        if (!(at <= endMs)) continue;
        // On a shared link the computers it stands for finish one transfer apart over its chunk
        // (the engine's chunkSpanMs), not all at the front of it.
        const span = fin.chunkSpanMs[j] as number;
        const steps = span > 0 ? Math.min(MAX_CHUNK_STEPS, Math.max(2, Math.ceil(w))) : 1;
        for (let m = 0; m < steps; m++) {
          const ms = steps === 1 ? at : at + (span * m) / (steps - 1);
          if (ms > endMs) break;
          times.push(ms);
          weights.push(w / steps);
        }
      }
      const curve = runCurve(
        { times: Float64Array.from(times), weights: Float64Array.from(weights), total },
        grid,
        allLevels,
        instants,
      );
      acc.curves.push(curve.atGrid);
      levels.forEach((_, k) => ((acc.reach[k] as Float64Array)[r] = curve.reach[k] as number));
      acc.goalAt[r] = curve.reach[levels.length] as number;
      acc.atTarget[r] = curve.atInstants[0] as number;
      acc.atMax[r] = curve.atInstants[1] as number;
      acc.final[r] = curve.atGrid[grid.length - 1] as number;
      runsDone++;
      input.onProgress?.({ runsDone, runsTotal });
    }
  }

  // ---------------------------------------------------------------- aggregate
  const hoursBand = (reachMs: Float64Array): ForecastHoursBand => {
    const hours = Array.from(reachMs, (ms) =>
      Number.isFinite(ms) ? Math.max(ms - startMs, 1) / HOUR : Number.POSITIVE_INFINITY,
    );
    const b = bandOf(hours);
    const h = (x: number) => (Number.isFinite(x) ? x : null);
    return { p10: h(b.p10), p50: h(b.p50), p90: h(b.p90) };
  };
  const deadline = (at: number, compliance: Float64Array, goalAt: Float64Array): ForecastDeadline => {
    const withinHorizon = at <= endMs;
    let reached = 0;
    for (const g of goalAt) if (g <= at) reached++;
    const likelihood = reached / goalAt.length;
    // Judged like the milestones: the median run's time to the goal against the deadline.
    const median = bandOf(goalAt).p50;
    const met = median <= at ? true : withinHorizon ? false : null;
    return {
      hours: (at - startMs) / HOUR,
      at: iso(at),
      withinHorizon,
      compliancePct: withinHorizon ? pctBand(compliance) : null,
      likelihood,
      met,
    };
  };
  const misses = (acc: VariantAcc): ForecastMisses => {
    const expectedByReason = new Float64Array(R);
    const listed: ForecastMissedComputer[] = [];
    const siteRows = new Map<string, { targets: number; expected: number; byReason: Float64Array }>();
    let expected = 0;
    for (let t = 0; t < nt; t++) {
      const c = fleet.computers[targets[t] as number] as SimComputer;
      const row = siteRows.get(c.siteCode) ?? { targets: 0, expected: 0, byReason: new Float64Array(R) };
      siteRows.set(c.siteCode, row);
      row.targets++;
      const a = acc.appearances[t] as number;
      const m = acc.misses[t] as number;
      if (a === 0 || m === 0) continue;
      expected += m / a;
      row.expected += m / a;
      let best = 0;
      for (let k = 0; k < R; k++) {
        const n = acc.reasonCounts[t * R + k] as number;
        expectedByReason[k] = (expectedByReason[k] as number) + n / a;
        row.byReason[k] = (row.byReason[k] as number) + n / a;
        if (n > (acc.reasonCounts[t * R + best] as number)) best = k;
      }
      if (m * 2 > a)
        listed.push({
          resourceId: c.resourceId,
          name: c.name,
          siteCode: c.siteCode,
          connectionProfile: c.connectionProfile,
          reason: FORECAST_MISS_REASONS[best] as ForecastMissReason,
          missedRuns: m,
          runs: a,
        });
    }
    listed.sort(
      (x, y) =>
        y.missedRuns / y.runs - x.missedRuns / x.runs ||
        x.siteCode.localeCompare(y.siteCode) ||
        x.name.localeCompare(y.name),
    );
    const byReasonRecord = (v: Float64Array) => {
      const out: Partial<Record<ForecastMissReason, number>> = {};
      v.forEach((x, k) => {
        if (x > 0) out[FORECAST_MISS_REASONS[k] as ForecastMissReason] = Math.round(x * 10) / 10;
      });
      return out;
    };
    const sites: ForecastMissedSite[] = [];
    for (const [siteCode, row] of siteRows) {
      if (row.expected < 0.5) continue;
      let best = 0;
      row.byReason.forEach((x, k) => {
        if (x > (row.byReason[best] as number)) best = k;
      });
      sites.push({
        siteCode,
        targets: row.targets,
        expectedMissed: Math.round(row.expected * 10) / 10,
        missPct: round2((100 * row.expected) / row.targets),
        reason: FORECAST_MISS_REASONS[best] as ForecastMissReason,
        byReason: byReasonRecord(row.byReason),
      });
    }
    sites.sort((x, y) => y.expectedMissed - x.expectedMissed || x.siteCode.localeCompare(y.siteCode));
    return {
      deadline: missDeadline,
      deadlineHours: (missAt - startMs) / HOUR,
      expectedMissed: Math.round(expected * 10) / 10,
      byReason: byReasonRecord(expectedByReason),
      computers: { total: listed.length, items: listed.slice(0, listLimit), truncated: listed.length > listLimit },
      sites: { total: sites.length, items: sites.slice(0, listLimit), truncated: sites.length > listLimit },
    };
  };

  const resultOf = new Map<string, Omit<ForecastVariantResult, "variant" | "sameAs" | "changes">>();
  for (const acc of accs) {
    const band = grid.map((t, g) => ({
      hours: (t - startMs) / HOUR,
      at: iso(t),
      ...pctBand(acc.curves.map((c) => c[g] as number)),
    }));
    const [r50, r90, r95, r100] = acc.reach as [Float64Array, Float64Array, Float64Array, Float64Array];
    resultOf.set(acc.plan.key, {
      band,
      final: pctBand(acc.final),
      timeTo: { pct50: hoursBand(r50), pct90: hoursBand(r90), pct95: hoursBand(r95), pct100: hoursBand(r100) },
      target: deadline(targetMs, acc.atTarget, acc.goalAt),
      max: deadline(maxMs, acc.atMax, acc.goalAt),
      misses: misses(acc),
    });
  }

  const perRun = simulatedComputers / runs;
  return {
    startTime: iso(startMs),
    horizonHours,
    bucketMinutes: bucketS / 60,
    priority: input.priority,
    goalPct: goal * 100,
    runs,
    seed,
    sampling: {
      targets: nt,
      computersPerRun: Math.round(perRun * 10) / 10,
      sampled: plan.sampled,
      note: plan.sampled
        ? `Each run simulates about ${Math.round(perRun).toLocaleString("en")} of the ${nt.toLocaleString("en")} targeted computers — a share of every site, boundary, link and power profile, each standing for the computers it represents; over the ${runs} runs every computer is simulated at least once. The band includes this sampling spread.`
        : `Each run simulates all ${nt.toLocaleString("en")} targeted computers.`,
    },
    variants: plans.map((p) => ({
      variant: p.variant,
      sameAs: sameAs.get(p.variant) ?? null,
      changes: p.changes,
      ...(resultOf.get(p.key) as Omit<ForecastVariantResult, "variant" | "sameAs" | "changes">),
    })),
  };
}
