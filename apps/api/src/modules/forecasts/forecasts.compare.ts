import {
  AdvertFlags,
  advertisementDialogLabels,
  localDpModeLabels,
  localDpModeOf,
  noLocalDpModeLabels,
  noLocalDpModeOf,
  type CoveragePoint,
  type ForecastBandPoint,
  type ForecastErrorFigure,
} from "@firebreak/domain";

/** Pure helpers of the forecasts module: the forecast-vs-actual error and the change sentences. */

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The band at instant t (epoch ms), linear between its points; null outside it. */
export function bandAt(
  band: readonly ForecastBandPoint[],
  t: number,
): { p10: number; p50: number; p90: number } | null {
  if (band.length === 0) return null;
  const first = Date.parse(band[0]!.at);
  const last = Date.parse(band[band.length - 1]!.at);
  if (t < first || t > last) return null;
  let lo = 0;
  let hi = band.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (Date.parse(band[mid]!.at) <= t) lo = mid;
    else hi = mid;
  }
  const a = band[lo]!;
  const b = band[hi]!;
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  const w = tb === ta ? 0 : (t - ta) / (tb - ta);
  const mix = (x: number, y: number) => x + (y - x) * w;
  return { p10: mix(a.p10, b.p10), p50: mix(a.p50, b.p50), p90: mix(a.p90, b.p90) };
}

/** The band moved by `offsetMs` (the forecast assumed one start, the deployment had another). */
export function shiftBand(band: readonly ForecastBandPoint[], offsetMs: number): ForecastBandPoint[] {
  return band.map((p) => ({ ...p, at: new Date(Date.parse(p.at) + offsetMs).toISOString() }));
}

/**
 * Which forecast a case is judged against: the one a variant was applied from (the latest apply);
 * else the last one made before the deployment started (what was known when it was decided);
 * else the newest. `candidates` are the finished forecasts of the case, newest first.
 */
export function pickForecast<T extends { id: string; createdAt: Date }>(
  candidates: readonly T[],
  appliedAt: ReadonlyMap<string, Date>,
  deploymentStartedAt: string | null,
): { row: T; picked: "APPLIED" | "BEFORE_DEPLOYMENT" | "NEWEST" } | null {
  let applied: T | null = null;
  for (const c of candidates) {
    const at = appliedAt.get(c.id);
    if (at && (!applied || at > appliedAt.get(applied.id)!)) applied = c;
  }
  if (applied) return { row: applied, picked: "APPLIED" };
  if (deploymentStartedAt !== null) {
    const started = Date.parse(deploymentStartedAt);
    const before = candidates.find((c) => c.createdAt.getTime() <= started);
    if (before) return { row: before, picked: "BEFORE_DEPLOYMENT" };
  }
  return candidates[0] ? { row: candidates[0], picked: "NEWEST" } : null;
}

/**
 * How far the forecast was from what happened, from the band's start until `until` (now; at most
 * the band's end): at every band point and every actual point in that range, the actual compliance
 * is the curve's last value at or before it (0 before its first point, and held after its last,
 * so a stalled rollout counts). The mean and largest absolute difference from the median forecast
 * (pp), and the share of those instants inside the p10–p90 band.
 */
export function forecastError(
  band: readonly ForecastBandPoint[],
  coverage: readonly CoveragePoint[],
  until: number,
): ForecastErrorFigure | null {
  if (band.length === 0) return null;
  const bandStart = Date.parse(band[0]!.at);
  const end = Math.min(until, Date.parse(band[band.length - 1]!.at));
  if (end < bandStart) return null;
  const actual = coverage.map((p) => ({ t: Date.parse(p.at), pct: p.pct })).sort((a, b) => a.t - b.t);
  const times = [...new Set([...band.map((p) => Date.parse(p.at)), ...actual.map((p) => p.t), end])]
    .filter((t) => t >= bandStart && t <= end)
    .sort((a, b) => a - b);
  let sum = 0;
  let max = 0;
  let inside = 0;
  let i = -1;
  for (const t of times) {
    while (i + 1 < actual.length && actual[i + 1]!.t <= t) i++;
    const pct = i >= 0 ? actual[i]!.pct : 0;
    const b = bandAt(band, t)!;
    const d = Math.abs(pct - b.p50);
    sum += d;
    max = Math.max(max, d);
    if (pct >= b.p10 - 0.005 && pct <= b.p90 + 0.005) inside++;
  }
  const n = times.length;
  if (n === 0) return null;
  return {
    meanAbsPp: round2(sum / n),
    maxAbsPp: round2(max),
    insideBandPct: round2((100 * inside) / n),
    points: n,
    from: new Date(times[0]!).toISOString(),
    to: new Date(times[n - 1]!).toISOString(),
  };
}

/**
 * Whether two mandatory-assignment schedules are the same: each token's start as an instant (so
 * "…T19:00:00Z" and "…T19:00:00.000Z" are one time) and its recurrence. The one comparison apply and
 * its sentences use.
 */
export function sameSchedule(a: readonly unknown[], b: readonly unknown[]): boolean {
  const canonical = (tokens: readonly unknown[]) =>
    tokens.map((t) => {
      const { startTime, recurIntervalMinutes } = (t ?? {}) as { startTime?: unknown; recurIntervalMinutes?: unknown };
      const at = typeof startTime === "string" ? Date.parse(startTime) : NaN;
      return `${Number.isNaN(at) ? String(startTime) : at}/${typeof recurIntervalMinutes === "number" ? recurIntervalMinutes : ""}`;
    });
  const x = canonical(a);
  const y = canonical(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** What changing an advertisement's flags and schedule does, in the dialog's words. */
export function advertisementChangeSentences(
  before: {
    advertFlags: number;
    remoteClientFlags: number;
    assignedSchedule: unknown[];
    assignedScheduleEnabled: boolean;
  },
  after: {
    advertFlags: number;
    remoteClientFlags: number;
    assignedSchedule: unknown[];
    assignedScheduleEnabled: boolean;
  },
): string[] {
  const out: string[] = [];
  const slowBefore = AdvertFlags.has(before.advertFlags, "ONSLOWNET");
  const slowAfter = AdvertFlags.has(after.advertFlags, "ONSLOWNET");
  if (slowBefore !== slowAfter)
    out.push(
      slowAfter
        ? `“${advertisementDialogLabels.notMandatoryOverSlowLinks}” cleared (ONSLOWNET set): slow-link clients are forced too`
        : `“${advertisementDialogLabels.notMandatoryOverSlowLinks}” checked (ONSLOWNET cleared)`,
    );
  const namesBefore = new Set(AdvertFlags.namesOf(before.advertFlags));
  const namesAfter = new Set(AdvertFlags.namesOf(after.advertFlags));
  for (const n of namesAfter) if (n !== "ONSLOWNET" && !namesBefore.has(n)) out.push(`AdvertFlags ${n} set`);
  for (const n of namesBefore) if (n !== "ONSLOWNET" && !namesAfter.has(n)) out.push(`AdvertFlags ${n} cleared`);
  const localBefore = localDpModeOf(before.remoteClientFlags);
  const localAfter = localDpModeOf(after.remoteClientFlags);
  if (localBefore !== localAfter)
    out.push(
      `${advertisementDialogLabels.localDpGroup}: “${localDpModeLabels[localBefore]}” → “${localDpModeLabels[localAfter]}”`,
    );
  const noLocalBefore = noLocalDpModeOf(before.remoteClientFlags);
  const noLocalAfter = noLocalDpModeOf(after.remoteClientFlags);
  if (noLocalBefore !== noLocalAfter)
    out.push(
      `${advertisementDialogLabels.noLocalDpGroup}: “${noLocalDpModeLabels[noLocalBefore]}” → “${noLocalDpModeLabels[noLocalAfter]}”`,
    );
  if (
    before.remoteClientFlags >>> 0 !== after.remoteClientFlags >>> 0 &&
    localBefore === localAfter &&
    noLocalBefore === noLocalAfter
  )
    out.push("RemoteClientFlags changed");
  if (!sameSchedule(before.assignedSchedule, after.assignedSchedule))
    out.push(
      `${advertisementDialogLabels.mandatoryAssignments}: ${before.assignedSchedule.length} → ${after.assignedSchedule.length} (${after.assignedSchedule.length === 0 ? "none" : "as forecast"})`,
    );
  if (before.assignedScheduleEnabled !== after.assignedScheduleEnabled)
    out.push(`Mandatory assignments ${after.assignedScheduleEnabled ? "enabled" : "disabled"}`);
  return out;
}
