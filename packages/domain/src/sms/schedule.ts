import type { SendingPriority } from "./enums.js";

/**
 * Address availability schedules (`SMS_SCI_Address.UsageSchedule`, domain.md §5.9): seven days of
 * 24 `HourUsage` codes. Day 0 is Sunday, matching `Date.getUTCDay()` and, as far as we recall, the
 * order of the WMI array [U]. Hours are the sending site's local hours.
 */

/** `HourUsage` codes [F*:S12]. */
export const HOUR_USAGE = { ALL_PRIORITIES: 1, ALL_BUT_LOW: 2, HIGH_ONLY: 3, CLOSED: 4 } as const;
export type HourUsage = (typeof HOUR_USAGE)[keyof typeof HOUR_USAGE];
export const HOUR_USAGE_VALUES: readonly HourUsage[] = [1, 2, 3, 4];

/** Schedule-tab availability labels [U]. */
export const hourUsageLabels: Record<HourUsage, string> = {
  1: "Open for all priorities",
  2: "Allow medium and high priority",
  3: "Allow high priority only",
  4: "Closed",
};

export const DAYS_PER_WEEK = 7;
export const HOURS_PER_DAY = 24;
export const dayLabels = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

export type AddressSchedule = readonly (readonly HourUsage[])[];

/** May data of this priority travel during an hour with this usage code? */
export function hourUsageAllows(usage: HourUsage, priority: SendingPriority): boolean {
  switch (usage) {
    case 1:
      return true;
    case 2:
      return priority !== "LOW";
    case 3:
      return priority === "HIGH";
    case 4:
      return false;
  }
}

/** The default: open to all priorities at all times [F*:S13]. */
export const openAddressSchedule = (): HourUsage[][] => uniformAddressSchedule(HOUR_USAGE.ALL_PRIORITIES);

export const uniformAddressSchedule = (usage: HourUsage): HourUsage[][] =>
  Array.from({ length: DAYS_PER_WEEK }, () => Array.from({ length: HOURS_PER_DAY }, () => usage));

/**
 * A schedule with one usage code inside business hours and another outside, e.g. "high priority
 * only Monday–Friday 08–18, open otherwise". `toHour` is exclusive.
 */
export function businessHoursSchedule(opts: {
  inside: HourUsage;
  outside: HourUsage;
  fromHour?: number;
  toHour?: number;
  /** Days the business hours apply to; default Monday–Friday. */
  days?: readonly number[];
}): HourUsage[][] {
  const { inside, outside, fromHour = 8, toHour = 18, days = [1, 2, 3, 4, 5] } = opts;
  return Array.from({ length: DAYS_PER_WEEK }, (_, d) =>
    Array.from({ length: HOURS_PER_DAY }, (_, h) =>
      days.includes(d) && h >= fromHour && h < toHour ? inside : outside,
    ),
  );
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Local weekday (0 = Sunday) and hour of an instant at a UTC offset. */
export function localDayHour(epochMs: number, utcOffsetMinutes = 0): { day: number; hour: number } {
  const local = epochMs + utcOffsetMinutes * 60_000;
  const dayNumber = Math.floor(local / MS_PER_DAY);
  // 1970-01-01 was a Thursday (4).
  const day = (((dayNumber + 4) % 7) + 7) % 7;
  const hour = Math.floor((local - dayNumber * MS_PER_DAY) / MS_PER_HOUR);
  return { day, hour };
}

export function hourUsageAt(schedule: AddressSchedule, epochMs: number, utcOffsetMinutes = 0): HourUsage {
  const { day, hour } = localDayHour(epochMs, utcOffsetMinutes);
  return schedule[day]?.[hour] ?? HOUR_USAGE.ALL_PRIORITIES;
}

/** Number of hours per week that carry data of this priority. */
export function openHoursPerWeek(schedule: AddressSchedule, priority: SendingPriority): number {
  let n = 0;
  for (const day of schedule) for (const u of day) if (hourUsageAllows(u, priority)) n++;
  return n;
}
