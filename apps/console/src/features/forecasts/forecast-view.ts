import {
  AdvertFlags,
  DEFAULT_FORECAST_API_PROGRAM_SUCCESS_PCT,
  DEFAULT_FORECAST_RUNS,
  noLocalDpModeOf,
  withRemoteClientModes,
  type AdvertisementRecord,
  type CreateForecastBodyInput,
  type ForecastBandPoint,
  type ForecastHoursBand,
  type ForecastResult,
  type ForecastVariant,
  type ForecastVariantResult,
  type NoLocalDpMode,
  type ReleasePriority,
} from "@firebreak/domain";

/**
 * What the forecast screen shows, as plain functions: the draft form's state, the look of each
 * variant (colour, dash and fill pattern, so the chart reads without colour), hours in words and
 * which variant does best.
 */

/** Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), a dash and a hatch each. */
export const variantStyle: Record<ForecastVariant, { color: string; dash: string; pattern: string; marker: string }> = {
  AS_DRAFTED: { color: "#0072B2", dash: "", pattern: "diagonal", marker: "solid line" },
  SLOW_LINK_CLEARED: { color: "#D55E00", dash: "8 4", pattern: "horizontal", marker: "long dashes" },
  SENDERS_UNRESTRICTED: { color: "#009E73", dash: "2 3", pattern: "dots", marker: "dots" },
  COURIER_FOR_THIN_LINKS: { color: "#CC79A7", dash: "12 3 3 3", pattern: "cross", marker: "dash-dot" },
};

/** "6 h", "1 d 4 h", "not reached". */
export function formatHours(h: number | null): string {
  if (h === null) return "not reached";
  if (h < 1) return `${Math.max(1, Math.round(h * 60))} min`;
  if (h < 48) return `${h < 10 ? h.toFixed(1).replace(/\.0$/, "") : Math.round(h)} h`;
  const d = Math.floor(h / 24);
  const rest = Math.round(h - d * 24);
  return rest ? `${d} d ${rest} h` : `${d} d`;
}

/** The median with the 10th–90th percentile range, e.g. "6 h (4–9 h)". */
export function formatHoursBand(b: ForecastHoursBand): string {
  if (b.p50 === null && b.p10 === null) return "not reached";
  const range = b.p10 === b.p90 ? "" : ` (${formatHours(b.p10)} – ${formatHours(b.p90)})`;
  return `${formatHours(b.p50)}${range}`;
}

export const formatPct = (x: number) => `${x.toFixed(1)} %`;

/**
 * The variant to recommend: meets the target with the highest likelihood, then reaches the goal
 * (95 % milestone) soonest, then has the fewest expected misses. Ties keep the list order, so the
 * draft wins when nothing does better.
 */
export function bestVariant(result: ForecastResult): ForecastVariant {
  const score = (v: ForecastVariantResult) => [
    v.target.likelihood,
    -(v.timeTo.pct95.p50 ?? Number.POSITIVE_INFINITY),
    -v.misses.expectedMissed,
  ];
  let best = result.variants[0] as ForecastVariantResult;
  for (const v of result.variants.slice(1)) {
    const a = score(v);
    const b = score(best);
    for (let i = 0; i < a.length; i++) {
      if ((a[i] as number) > (b[i] as number)) {
        best = v;
        break;
      }
      if ((a[i] as number) < (b[i] as number)) break;
    }
  }
  return best.variant;
}

/** Chart rows: one per band point, `<variant>_range` = [p10, p90] and `<variant>_p50` per variant. */
export function chartRows(result: ForecastResult): Record<string, number | [number, number]>[] {
  const first = result.variants[0];
  if (!first) return [];
  return first.band.map((p, i) => {
    const row: Record<string, number | [number, number]> = { hours: p.hours };
    for (const v of result.variants) {
      const b = v.band[i];
      if (!b) continue;
      row[`${v.variant}_range`] = [b.p10, b.p90];
      row[`${v.variant}_p50`] = b.p50;
    }
    return row;
  });
}

// ---------------------------------------------------------------- the draft form

export interface ForecastForm {
  /** "Assignments are not mandatory over slow links" (checked = ONSLOWNET clear). */
  notMandatoryOverSlowLinks: boolean;
  noLocalDpMode: NoLocalDpMode;
  /** The first mandatory assignment, `YYYY-MM-DDTHH:mm` local; empty = keep the schedule as it is. */
  firstAssignment: string;
  /** When distribution starts, `YYYY-MM-DDTHH:mm` local. */
  startTime: string;
  priority: ReleasePriority;
  runs: number;
  programSuccessPct: number;
  /** Hours the forecast looks ahead; empty = the priority's maximum. */
  horizonHours: number | "";
}

const pad = (n: number) => String(n).padStart(2, "0");
export const toLocalInput = (iso: string): string => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
export const fromLocalInput = (local: string): string | null => {
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

export function formFromAdvertisement(
  ad: AdvertisementRecord,
  priority: ReleasePriority,
  now = new Date(),
): ForecastForm {
  const first = ad.assignedSchedule[0]?.startTime;
  return {
    notMandatoryOverSlowLinks: !AdvertFlags.has(ad.advertFlags, "ONSLOWNET"),
    noLocalDpMode: noLocalDpModeOf(ad.remoteClientFlags),
    firstAssignment: first ? toLocalInput(first) : "",
    startTime: toLocalInput(new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString()),
    priority,
    runs: DEFAULT_FORECAST_RUNS,
    programSuccessPct: DEFAULT_FORECAST_API_PROGRAM_SUCCESS_PCT,
    horizonHours: "",
  };
}

/** The request body: start from the advertisement, with the settings the form changed. */
export function bodyFromForm(
  ad: AdvertisementRecord,
  form: ForecastForm,
  caseId: string | null,
): CreateForecastBodyInput {
  const advertFlags = AdvertFlags.with(ad.advertFlags, "ONSLOWNET", !form.notMandatoryOverSlowLinks);
  const remoteClientFlags = withRemoteClientModes(ad.remoteClientFlags, { noLocalDpMode: form.noLocalDpMode });
  // The schedule is sent only when the user changed the first assignment: the field holds whole
  // minutes, so sending it back unchanged could move a start with seconds and read as a change.
  const first = ad.assignedSchedule[0]?.startTime;
  const changed = form.firstAssignment !== (first ? toLocalInput(first) : "");
  const firstAt = changed && form.firstAssignment ? fromLocalInput(form.firstAssignment) : null;
  const assignedSchedule =
    firstAt && ad.assignedSchedule.length > 0
      ? ad.assignedSchedule.map((t, i) => (i === 0 ? { ...t, startTime: firstAt } : t))
      : firstAt
        ? [{ startTime: firstAt }]
        : null;
  const startTime = fromLocalInput(form.startTime);
  return {
    fromAdvertisement: {
      advertisementId: ad.advertisementId,
      advertFlags,
      remoteClientFlags,
      ...(assignedSchedule ? { assignedSchedule } : {}),
      ...(firstAt && ad.assignedSchedule.length === 0 ? { assignedScheduleEnabled: true } : {}),
      ...(startTime ? { startTime } : {}),
    },
    priority: form.priority,
    runs: form.runs,
    programSuccessPct: form.programSuccessPct,
    ...(form.horizonHours !== "" ? { horizonHours: form.horizonHours } : {}),
    ...(caseId ? { caseId } : {}),
  };
}

/** The band at an instant (epoch ms), linear between its points; null outside it. */
export function bandAtTime(
  band: readonly ForecastBandPoint[],
  t: number,
): { p10: number; p50: number; p90: number } | null {
  const i = band.findIndex((p) => Date.parse(p.at) >= t);
  if (i < 0) return null;
  const b = band[i] as ForecastBandPoint;
  if (i === 0) return Date.parse(b.at) === t ? b : null;
  const a = band[i - 1] as ForecastBandPoint;
  const ta = Date.parse(a.at);
  const w = (t - ta) / (Date.parse(b.at) - ta);
  const mix = (x: number, y: number) => x + (y - x) * w;
  return { p10: mix(a.p10, b.p10), p50: mix(a.p50, b.p50), p90: mix(a.p90, b.p90) };
}

/** When every variant's median has stopped moving (within 0.1 pp of its final value), in hours. */
export function settledHours(result: ForecastResult): number {
  let settled = 0;
  for (const v of result.variants) {
    const last = v.band.at(-1);
    if (!last) continue;
    for (let i = v.band.length - 1; i >= 0; i--) {
      const p = v.band[i] as ForecastBandPoint;
      if (Math.abs(p.p50 - last.p50) > 0.1 || Math.abs(p.p90 - last.p90) > 0.1) {
        settled = Math.max(settled, (v.band[i + 1] ?? p).hours);
        break;
      }
    }
  }
  return settled;
}

const TICK_STEPS_HOURS = [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, 336];

/** Round tick values from 0 to `end` hours, about six of them. */
export function hourTicks(end: number): number[] {
  const step = TICK_STEPS_HOURS.find((s) => end / s <= 7) ?? 336;
  const ticks: number[] = [];
  for (let t = 0; t <= end + 1e-9; t += step) ticks.push(Math.round(t * 100) / 100);
  return ticks;
}
