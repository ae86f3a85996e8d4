import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import type { DrillMetric, MetricStatus } from "./drill-metrics.js";
import { DRILL_METRIC_KEYS, type DrillMetricKey, type MetricClock, type MetricUnit } from "./metric-definitions.js";

/**
 * The trends page: each metric per drill over time, one series per scenario and metric, so a
 * drill is only compared with runs of the same scenario.
 */

export interface DrillTrendInput {
  drillId: string;
  scenarioId: string;
  title?: string;
  startedAt: TimeInput;
  metrics: readonly DrillMetric[];
}

export interface DrillTrendPoint {
  drillId: string;
  title: string | null;
  startedAt: string;
  /** `null` when not reached: a gap in the line, never a zero. */
  value: number | null;
  status: Exclude<MetricStatus, "NOT_APPLICABLE">;
  met: boolean | null;
  target: number | null;
}

export interface DrillTrendSeries {
  scenarioId: string;
  key: DrillMetricKey;
  label: string;
  unit: MetricUnit;
  clock: MetricClock | null;
  /** Oldest first. */
  points: DrillTrendPoint[];
}

/** Series ordered by scenario id, then in the metric table's order; metrics never applicable are left out. */
export function drillTrends(drills: readonly DrillTrendInput[]): DrillTrendSeries[] {
  const byKey = new Map<string, DrillTrendSeries>();
  const sorted = [...drills].sort((a, b) => toEpochMs(a.startedAt) - toEpochMs(b.startedAt));
  for (const d of sorted) {
    for (const m of d.metrics) {
      if (m.status === "NOT_APPLICABLE") continue;
      const id = `${d.scenarioId}\u0000${m.key}`;
      let series = byKey.get(id);
      if (!series) {
        series = { scenarioId: d.scenarioId, key: m.key, label: m.label, unit: m.unit, clock: m.clock, points: [] };
        byKey.set(id, series);
      }
      series.points.push({
        drillId: d.drillId,
        title: d.title ?? null,
        startedAt: new Date(toEpochMs(d.startedAt)).toISOString(),
        value: m.status === "REACHED" ? m.value : null,
        status: m.status,
        met: m.met,
        target: m.target,
      });
    }
  }
  const order = (k: DrillMetricKey) => DRILL_METRIC_KEYS.indexOf(k);
  return [...byKey.values()].sort((a, b) =>
    a.scenarioId < b.scenarioId ? -1 : a.scenarioId > b.scenarioId ? 1 : order(a.key) - order(b.key),
  );
}
