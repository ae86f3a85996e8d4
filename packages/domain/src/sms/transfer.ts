import type { SendingPriority } from "./enums.js";
import { hourUsageAllows, openHoursPerWeek, type AddressSchedule, type HourUsage } from "./schedule.js";

/**
 * How long a sender address needs to move a package (domain.md §5.9): link bandwidth, the
 * address schedule (hour usage vs the package's sending priority) and the rate limit.
 *
 * Units: sizes in KB (1,024 bytes), bandwidth in kbit/s (1,000 bit/s), so one kbit/s carries
 * 1000 / 8 / 1024 = 0.1220703125 KB/s.
 *
 * Rate limits [F*:S13]:
 * - UNLIMITED: the whole link.
 * - HOURLY_LIMIT: during local hour h the sender uses `hourlyLimitPct[h]` % of the link ("50 % =
 *   send a block, then pause as long as it took"), modelled as a continuous rate.
 * - PULSE: blocks of `blockSizeKB`, each followed by `delaySeconds` of silence; one block takes
 *   blockSizeKB / link rate. No pause after the last block. Pauses run on the wall clock whether
 *   or not the schedule is open; blocks only travel in open hours and resume where they stopped.
 *
 * Callers that honour `IgnoreAddressSchedule` pass `schedule = null`.
 */

/** Rate limit as the arithmetic reads it (the zod-inferred `RateLimit` is assignable to it). */
export type RateLimitSpec =
  | { mode: "UNLIMITED" }
  | { mode: "PULSE"; blockSizeKB: number; delaySeconds: number }
  | { mode: "HOURLY_LIMIT"; hourlyLimitPct: readonly number[] };

export interface LinkSpec {
  bandwidthKbps: number;
  /** UTC offset of the sending site; the schedule's and rate limit's hours are local hours. */
  utcOffsetMinutes?: number;
}

export const KB_PER_SECOND_PER_KBPS = 1000 / 8 / 1024;

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Give up after this long; a transfer that needs more than a year is "never" for the console. */
export const DEFAULT_TRANSFER_HORIZON_MS = 400 * MS_PER_DAY;
const EPS_KB = 1e-9;

export type TimeInput = number | string | Date;
export const toEpochMs = (t: TimeInput): number => {
  const ms = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid time: ${String(t)}`);
  return ms;
};

export interface TransferProgress {
  /** True when the whole size arrived before the horizon. */
  done: boolean;
  /** Elapsed ms until done, or until the horizon when not done. */
  elapsedMs: number;
  sentKB: number;
}

/**
 * Core stepping function: walks local-hour windows from `startMs` and sends until `sizeKB` is
 * through or `horizonMs` has elapsed.
 */
export function simulateTransfer(
  sizeKB: number,
  link: LinkSpec,
  schedule: AddressSchedule | null | undefined,
  rateLimit: RateLimitSpec | null | undefined,
  startTime: TimeInput,
  sendingPriority: SendingPriority,
  horizonMs: number = DEFAULT_TRANSFER_HORIZON_MS,
): TransferProgress {
  const startMs = toEpochMs(startTime);
  if (!(sizeKB > 0)) return { done: true, elapsedMs: 0, sentKB: 0 };
  const rateKBPerMs = (link.bandwidthKbps * KB_PER_SECOND_PER_KBPS) / 1000;
  if (!(rateKBPerMs > 0) || !Number.isFinite(rateKBPerMs)) return { done: false, elapsedMs: horizonMs, sentKB: 0 };
  if (schedule && openHoursPerWeek(schedule, sendingPriority) === 0)
    return { done: false, elapsedMs: horizonMs, sentKB: 0 };

  const offsetMs = (link.utcOffsetMinutes ?? 0) * 60_000;
  const rate = rateLimit ?? { mode: "UNLIMITED" as const };
  const pulse = rate.mode === "PULSE";
  const blockKB = pulse ? rate.blockSizeKB : 0;
  const delayMs = pulse ? rate.delaySeconds * 1000 : 0;
  if (pulse && !(blockKB > 0)) return { done: false, elapsedMs: horizonMs, sentKB: 0 };

  let t = 0;
  let remaining = sizeKB;
  let sent = 0;
  let blockLeft = blockKB;
  let delayLeft = 0;

  while (t < horizonMs) {
    const local = startMs + t + offsetMs;
    const dayNumber = Math.floor(local / MS_PER_DAY);
    const hour = Math.floor((local - dayNumber * MS_PER_DAY) / MS_PER_HOUR);
    const day = (((dayNumber + 4) % 7) + 7) % 7;
    const hourEnd = dayNumber * MS_PER_DAY + (hour + 1) * MS_PER_HOUR;
    const window = Math.min(hourEnd - local, horizonMs - t);

    const usage: HourUsage = schedule ? (schedule[day]?.[hour] ?? 1) : 1;
    const pct = rate.mode === "HOURLY_LIMIT" ? (rate.hourlyLimitPct[hour] ?? 100) / 100 : 1;
    const r = rateKBPerMs * pct;

    if (!hourUsageAllows(usage, sendingPriority) || !(r > 0)) {
      if (delayLeft > 0) delayLeft = Math.max(0, delayLeft - window);
      t += window;
      continue;
    }

    if (!pulse) {
      const capacity = r * window;
      if (capacity >= remaining - EPS_KB) {
        t += remaining / r;
        return { done: true, elapsedMs: t, sentKB: sizeKB };
      }
      remaining -= capacity;
      sent += capacity;
      t += window;
      continue;
    }

    // Pulse mode inside one open window.
    let w = window;
    while (w > 0) {
      if (delayLeft > 0) {
        const d = Math.min(delayLeft, w);
        delayLeft -= d;
        w -= d;
        t += d;
        if (w <= 0) break;
      }
      if (blockLeft >= blockKB - EPS_KB) {
        // Skip whole block+pause cycles in one step; keep the last block out (it has no pause).
        const cycle = blockKB / r + delayMs;
        const blocksNeeded = Math.ceil(remaining / blockKB - EPS_KB);
        const k = Math.min(Math.floor(w / cycle), blocksNeeded - 1);
        if (k > 0) {
          t += k * cycle;
          w -= k * cycle;
          remaining -= k * blockKB;
          sent += k * blockKB;
          continue;
        }
      }
      const amount = Math.min(blockLeft, remaining);
      const need = amount / r;
      if (need <= w) {
        t += need;
        w -= need;
        remaining -= amount;
        sent += amount;
        blockLeft -= amount;
        if (remaining <= EPS_KB) return { done: true, elapsedMs: t, sentKB: sizeKB };
        if (blockLeft <= EPS_KB) {
          blockLeft = blockKB;
          delayLeft = delayMs;
        }
      } else {
        const part = r * w;
        blockLeft -= part;
        remaining -= part;
        sent += part;
        t += w;
        w = 0;
      }
    }
  }
  return { done: false, elapsedMs: horizonMs, sentKB: sent };
}

/**
 * Seconds an address needs to move `sizeKB` starting at `startTime`, or `Infinity` when the
 * schedule never opens for this priority (or the transfer would take longer than the horizon).
 */
export function transferSeconds(
  sizeKB: number,
  link: LinkSpec,
  schedule: AddressSchedule | null | undefined,
  rateLimit: RateLimitSpec | null | undefined,
  startTime: TimeInput,
  sendingPriority: SendingPriority,
): number {
  const p = simulateTransfer(sizeKB, link, schedule, rateLimit, startTime, sendingPriority);
  return p.done ? p.elapsedMs / 1000 : Number.POSITIVE_INFINITY;
}

/** How many KB the address can carry between two instants (for "can it make the deadline?" rules). */
export function linkCapacityKB(
  link: LinkSpec,
  schedule: AddressSchedule | null | undefined,
  rateLimit: RateLimitSpec | null | undefined,
  from: TimeInput,
  until: TimeInput,
  sendingPriority: SendingPriority,
): number {
  const fromMs = toEpochMs(from);
  const span = toEpochMs(until) - fromMs;
  if (span <= 0) return 0;
  return simulateTransfer(Number.MAX_SAFE_INTEGER, link, schedule, rateLimit, fromMs, sendingPriority, span).sentKB;
}

/** Does a package of `sizeKB` arrive before `deadline` when it starts at `startTime`? */
export function arrivesBefore(
  sizeKB: number,
  link: LinkSpec,
  schedule: AddressSchedule | null | undefined,
  rateLimit: RateLimitSpec | null | undefined,
  startTime: TimeInput,
  deadline: TimeInput,
  sendingPriority: SendingPriority,
): boolean {
  const span = toEpochMs(deadline) - toEpochMs(startTime);
  if (span < 0) return false;
  return simulateTransfer(sizeKB, link, schedule, rateLimit, startTime, sendingPriority, span).done;
}
