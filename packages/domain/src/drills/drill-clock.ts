import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";

/**
 * The drill clock. Drill time is real time since the start with the paused intervals taken out;
 * simulated time is drill time × timeScale (the sandbox fleet runs faster than the team). A pause
 * stops both: the umpire can halt the exercise without the fleet racing ahead.
 */

export const DrillPauseSchema = z.object({ from: TimestampSchema, to: TimestampSchema.nullable() });
export type DrillPause = z.infer<typeof DrillPauseSchema>;

export interface PauseLike {
  from: TimeInput;
  /** `null` = still paused. */
  to: TimeInput | null;
}

export interface DrillClockBase {
  startedAt: TimeInput;
  pauses?: readonly PauseLike[];
  timeScale: number;
}

export interface DrillClockInput extends DrillClockBase {
  at: TimeInput;
  /** Where the sandbox's simulated calendar starts, to read `simAt`. */
  simOrigin?: TimeInput;
}

export interface DrillClock {
  /** Real ms since the start, pauses excluded; 0 before the start. */
  drillMs: number;
  /** drillMs × timeScale. */
  simMs: number;
  /** Whole drill minutes, as the umpire's schedule counts them. */
  drillMinute: number;
  /** `at` falls inside a pause. */
  paused: boolean;
  /** simOrigin + simMs, when a simOrigin was given. */
  simAt: string | null;
}

function checkScale(timeScale: number): void {
  if (!(Number.isFinite(timeScale) && timeScale > 0))
    throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
}

/** Pauses as sorted, merged [from, to) epoch intervals from the start on; an open pause runs to +∞. */
function pauseIntervals(startMs: number, pauses: readonly PauseLike[] = []): [number, number][] {
  const raw = pauses
    .map((p): [number, number] => [
      Math.max(startMs, toEpochMs(p.from)),
      p.to === null ? Number.POSITIVE_INFINITY : toEpochMs(p.to),
    ])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const iv of raw) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

/** Real ms from the start to `at` with the paused parts removed. */
export function drillElapsedMs(startedAt: TimeInput, pauses: readonly PauseLike[] | undefined, at: TimeInput): number {
  const start = toEpochMs(startedAt);
  const end = toEpochMs(at);
  if (end <= start) return 0;
  let paused = 0;
  for (const [a, b] of pauseIntervals(start, pauses)) {
    if (a >= end) break;
    paused += Math.min(b, end) - a;
  }
  return end - start - paused;
}

export function drillClock(input: DrillClockInput): DrillClock {
  checkScale(input.timeScale);
  const drillMs = drillElapsedMs(input.startedAt, input.pauses, input.at);
  const at = toEpochMs(input.at);
  const start = toEpochMs(input.startedAt);
  const paused = pauseIntervals(start, input.pauses).some(([a, b]) => at >= a && at < b);
  const simMs = drillMs * input.timeScale;
  return {
    drillMs,
    simMs,
    drillMinute: Math.floor(drillMs / 60_000),
    paused,
    simAt: input.simOrigin === undefined ? null : new Date(toEpochMs(input.simOrigin) + simMs).toISOString(),
  };
}

/**
 * The first real instant (epoch ms) at which the drill clock reads `drillMs`, assuming no pause
 * beyond those given; `null` when an open pause means it is never reached.
 */
export function wallTimeAtDrillMs(
  startedAt: TimeInput,
  pauses: readonly PauseLike[] | undefined,
  drillMs: number,
): number | null {
  const start = toEpochMs(startedAt);
  let t = start;
  let left = Math.max(0, drillMs);
  for (const [a, b] of pauseIntervals(start, pauses)) {
    if (t + left <= a) break;
    left -= a - t;
    if (!Number.isFinite(b)) return null;
    t = b;
  }
  return t + left;
}

/** The first real instant at which the simulated clock reads `simMs`. */
export function wallTimeAtSimMs(clock: DrillClockBase, simMs: number): number | null {
  checkScale(clock.timeScale);
  return wallTimeAtDrillMs(clock.startedAt, clock.pauses, simMs / clock.timeScale);
}

/**
 * The RESPONSE clock (metric-definitions.ts): drill time until the release was advertised,
 * simulated time after it. Without an advertisement it is plain drill time.
 */
export function responseElapsedMs(clock: DrillClockBase, at: TimeInput, advertisedAt: TimeInput | null): number {
  checkScale(clock.timeScale);
  const d = drillElapsedMs(clock.startedAt, clock.pauses, at);
  if (advertisedAt === null) return d;
  const a = drillElapsedMs(clock.startedAt, clock.pauses, advertisedAt);
  return d <= a ? d : a + (d - a) * clock.timeScale;
}
