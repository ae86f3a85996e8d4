import { z } from "zod";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { releasePriorityLabels, type PriorityPolicy, type ReleasePriority } from "./priority.js";

/**
 * SLA clocks of a case (domain.md §4.1, §8.4 rule 8; product.md C2).
 *
 * Time frames are exact elapsed hours on the UTC time line: a 24-hour Emergency is 86,400,000 ms
 * from the moment its priority was set, so a daylight-saving change never stretches or shrinks
 * an SLA. On the day the clocks go forward the deadline therefore shows one hour later on the
 * wall clock (12:00 GMT + 24 h = 13:00 BST the next day); `formatDeadline` shows it in the
 * reader's own time zone.
 *
 * When the clock starts: at RFC submission for the initial priority; it restarts when the
 * confirmed priority differs from the one in force (the case machine emits the start/stop
 * effects and keeps `sla` on the case). It stops when the case reaches DEPLOYED (G6) — or is
 * closed without deploying — and the API passes that instant as `closedAt`.
 */

export const SLA_STATES = ["ON_TRACK", "AT_RISK", "TARGET_MISSED", "BREACHED", "MET", "MET_LATE"] as const;
export const SlaStateSchema = z.enum(SLA_STATES);
export type SlaState = z.infer<typeof SlaStateSchema>;

export const slaStateLabels: Record<SlaState, string> = {
  ON_TRACK: "On track",
  AT_RISK: "At risk",
  TARGET_MISSED: "Target missed",
  BREACHED: "Breached",
  MET: "Met",
  MET_LATE: "Met late",
};

export const slaStateDescriptions: Record<SlaState, string> = {
  ON_TRACK: "Open, with more than the at-risk share of the target window left.",
  AT_RISK: "Open, with less than the at-risk share (25 % by default) of the target window left.",
  TARGET_MISSED: "Open, past the recommended time frame but still inside the maximum.",
  BREACHED: "Past the maximum time frame (open, or closed after it).",
  MET: "Closed on or before the target.",
  MET_LATE: "Closed after the target but on or before the maximum.",
};

/** Board colour hint for each state. */
export const slaStateTone: Record<SlaState, "ok" | "warning" | "danger" | "neutral"> = {
  ON_TRACK: "ok",
  AT_RISK: "warning",
  TARGET_MISSED: "danger",
  BREACHED: "danger",
  MET: "neutral",
  MET_LATE: "warning",
};

export const DEFAULT_AT_RISK_FRACTION = 0.25;
const MS_PER_HOUR = 3_600_000;

export interface SlaClockInput {
  /** When the priority in force was set. */
  prioritySetAt: TimeInput;
  priority: ReleasePriority;
  policy: PriorityPolicy;
  now: TimeInput;
  /** When the clock stopped (case DEPLOYED, or closed without deploying); absent = still running. */
  closedAt?: TimeInput | null;
  /** AT_RISK when less than this share of the target window is left; default 0.25. */
  atRiskFraction?: number;
}

export interface SlaClock {
  priority: ReleasePriority;
  startedAt: string;
  targetAt: string;
  maxAt: string;
  /** When the clock turns AT_RISK. */
  atRiskAt: string;
  /** Negative once the target has passed. Measured at `closedAt` when closed. */
  msToTarget: number;
  msToMax: number;
  state: SlaState;
  closed: boolean;
}

export function slaClock(input: SlaClockInput): SlaClock {
  const fraction = input.atRiskFraction ?? DEFAULT_AT_RISK_FRACTION;
  if (!(fraction >= 0 && fraction <= 1))
    throw new RangeError(`atRiskFraction must be between 0 and 1, got ${fraction}`);
  const frame = input.policy[input.priority];
  const start = toEpochMs(input.prioritySetAt);
  const targetWindow = frame.targetHours * MS_PER_HOUR;
  const targetMs = start + targetWindow;
  const maxMs = start + frame.maxHours * MS_PER_HOUR;
  const atRiskMs = targetMs - fraction * targetWindow;
  const closed = input.closedAt !== undefined && input.closedAt !== null;
  const at = closed ? toEpochMs(input.closedAt as TimeInput) : toEpochMs(input.now);

  let state: SlaState;
  if (closed) state = at <= targetMs ? "MET" : at <= maxMs ? "MET_LATE" : "BREACHED";
  else if (at > maxMs) state = "BREACHED";
  else if (at > targetMs) state = "TARGET_MISSED";
  else if (targetMs - at < fraction * targetWindow) state = "AT_RISK";
  else state = "ON_TRACK";

  return {
    priority: input.priority,
    startedAt: new Date(start).toISOString(),
    targetAt: new Date(targetMs).toISOString(),
    maxAt: new Date(maxMs).toISOString(),
    atRiskAt: new Date(atRiskMs).toISOString(),
    msToTarget: targetMs - at,
    msToMax: maxMs - at,
    state,
    closed,
  };
}

/** True when `timeZone` is an IANA zone this runtime knows, e.g. `Europe/London`. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string({ message: "Enter a time zone" })
  .trim()
  .min(1, "Enter a time zone")
  .refine(isValidTimeZone, "Use an IANA time zone name, e.g. Europe/London or America/New_York");

/**
 * A deadline in the reader's time zone with the zone's abbreviation or offset, e.g.
 * `Sun, 29 Mar 2026, 13:00 BST`. The instant is the same everywhere; only the wall clock differs.
 */
export function formatDeadline(at: TimeInput, timeZone: string, locale = "en-GB"): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(new Date(toEpochMs(at)));
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Minutes east of UTC in force at that instant, e.g. 60 for BST, -300 for EST. */
  utcOffsetMinutes: number;
}

/** The wall-clock reading of an instant in a time zone (for tests and for charts that need numbers). */
export function wallClock(at: TimeInput, timeZone: string): WallClock {
  const ms = toEpochMs(at);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? Number.NaN);
  const w = { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, get("second"));
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return { ...w, utcOffsetMinutes: Math.round((asUtc - wholeSecond) / 60_000) };
}

/** "2 d 3 h", "3 h 20 min", "45 min", "under a minute"; the sign is the caller's to word ("left" / "overdue"). */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 60_000);
  if (total < 1) return "under a minute";
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/** One line for the board, e.g. "Emergency · 3 h 20 min left to target" or "High · target missed 2 d ago". */
export function describeSlaClock(clock: SlaClock): string {
  const p = releasePriorityLabels[clock.priority];
  switch (clock.state) {
    case "ON_TRACK":
    case "AT_RISK":
      return `${p} · ${formatDuration(clock.msToTarget)} left to target`;
    case "TARGET_MISSED":
      return `${p} · target missed ${formatDuration(clock.msToTarget)} ago, ${formatDuration(clock.msToMax)} left to the maximum`;
    case "BREACHED":
      return `${p} · maximum passed ${formatDuration(clock.msToMax)} ago`;
    case "MET":
      return `${p} · met with ${formatDuration(clock.msToTarget)} to spare`;
    case "MET_LATE":
      return `${p} · met ${formatDuration(clock.msToTarget)} after the target`;
  }
}
