import { dayLabels, HOUR_USAGE_VALUES, hourUsageLabels, type HourUsage } from "@firebreak/domain";

/** How each availability level looks: colour AND a glyph AND a pattern, never colour alone. */
export const hourUsageStyle: Record<HourUsage, { glyph: string; short: string; className: string }> = {
  1: { glyph: "A", short: "All", className: "usage1" },
  2: { glyph: "M", short: "Medium+", className: "usage2" },
  3: { glyph: "H", short: "High only", className: "usage3" },
  4: { glyph: "×", short: "Closed", className: "usage4" },
};

export const HOUR_USAGE_LEVELS = HOUR_USAGE_VALUES;

export const formatHour = (hour: number): string => `${String(hour).padStart(2, "0")}:00`;

/** The accessible name of one grid cell, e.g. "Monday 09:00, Allow high priority only". */
export const cellName = (day: number, hour: number, usage: HourUsage): string =>
  `${dayLabels[day]} ${formatHour(hour)}, ${hourUsageLabels[usage]}`;

export const isHourUsage = (value: number): value is HourUsage =>
  value === 1 || value === 2 || value === 3 || value === 4;

/** Hours per level in a week, for summaries ("150 h open for all priorities…"). */
export function usageHours(schedule: readonly (readonly number[])[]): Record<HourUsage, number> {
  const out: Record<HourUsage, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const day of schedule) for (const u of day) if (isHourUsage(u)) out[u]++;
  return out;
}

export function scheduleSummary(schedule: readonly (readonly number[])[]): string {
  const hours = usageHours(schedule);
  if (hours[1] === 7 * 24) return "Open for all priorities at all times";
  if (hours[4] === 7 * 24) return "Closed at all times";
  return HOUR_USAGE_VALUES.filter((u) => hours[u] > 0)
    .map((u) => `${hourUsageLabels[u]}: ${hours[u]} h`)
    .join("; ");
}
