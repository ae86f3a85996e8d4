import { POWER_PROFILES, type PowerProfile } from "./fleet.js";
import { hash32, hashFloat } from "./prng.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Look this many days ahead for the next time a machine comes online. */
const MAX_LOOKAHEAD_DAYS = 60;

export const powerProfileCode = (p: PowerProfile): number => POWER_PROFILES.indexOf(p);

/**
 * When each machine is on and connected, as a pure function of (machine, local day): every
 * day's on-line intervals are derived from a hash of (seed, machine key, day), so asking "is it
 * on at t?" never needs per-machine events and never depends on query order.
 *
 * Intervals of one local day start at or after 07:00 and end before 06:00 the next day, so days
 * never overlap. Times are epoch ms.
 */
export class PowerModel {
  private readonly profile: Uint8Array;
  private readonly key: Uint32Array;
  private readonly offUntil: Float64Array;
  private readonly offsetMs: Float64Array;
  /** From this instant the machine never comes back (a degraded machine in a blue-screen loop). */
  private readonly downFrom: Float64Array;
  private readonly buf = new Float64Array(4);

  /** Interval found by `find`. */
  outStart = 0;
  outEnd = 0;

  constructor(
    private readonly seed: number,
    n: number,
  ) {
    this.profile = new Uint8Array(n);
    this.key = new Uint32Array(n);
    this.offUntil = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.offsetMs = new Float64Array(n);
    this.downFrom = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  }

  set(i: number, profile: PowerProfile, machineKey: number, offUntilMs: number | null, utcOffsetMinutes: number): void {
    this.profile[i] = powerProfileCode(profile);
    this.key[i] = hash32(this.seed, machineKey, 0x504f5752);
    this.offUntil[i] = offUntilMs ?? Number.NEGATIVE_INFINITY;
    this.offsetMs[i] = utcOffsetMinutes * MIN;
  }

  /** The machine is off for good from `t` (keeps the earliest such instant). */
  setDownFrom(i: number, t: number): void {
    if (t < (this.downFrom[i] as number)) this.downFrom[i] = t;
  }

  /** When the machine went off for good, or +Infinity. */
  downSince(i: number): number {
    return this.downFrom[i] as number;
  }

  /** Writes the on-line intervals of local day `day` into buf; returns how many. */
  private dayIntervals(i: number, day: number): number {
    const key = this.key[i] as number;
    const base = day * DAY - (this.offsetMs[i] as number);
    const dow = (((day + 4) % 7) + 7) % 7;
    const weekday = dow >= 1 && dow <= 5;
    const h = (k: number) => hashFloat(key, day, k);
    const b = this.buf;
    let n = 0;
    switch (this.profile[i]) {
      case 1: {
        // OFFICE_HOURS desktop: on in the morning, off in the evening; sometimes left on overnight.
        if (weekday) {
          if (h(1) < 0.04) break; // sick day / holiday
          b[0] = base + 7 * HOUR + h(2) * 2.5 * HOUR;
          b[1] = h(3) < 0.08 ? base + DAY + 6 * HOUR : base + 16.5 * HOUR + h(4) * 2.5 * HOUR;
          n = 1;
        } else if (h(5) < 0.04) {
          b[0] = base + 10 * HOUR;
          b[1] = b[0] + HOUR + h(6) * 4 * HOUR;
          n = 1;
        }
        break;
      }
      case 2: {
        // LAPTOP_OFFICE: docked in the office on most weekdays.
        if (weekday && h(1) < 0.78) {
          b[0] = base + 8 * HOUR + h(2) * 2 * HOUR;
          b[1] = base + 15.5 * HOUR + h(3) * 3 * HOUR;
          n = 1;
        }
        break;
      }
      case 3: {
        // VPN_SESSIONS: a working session most weekdays, sometimes an evening one.
        if (weekday) {
          if (h(1) < 0.8) {
            b[n * 2] = base + 8 * HOUR + h(2) * 3 * HOUR;
            b[n * 2 + 1] = (b[n * 2] as number) + HOUR + h(3) * 3 * HOUR;
            n++;
          }
          if (h(4) < 0.45) {
            b[n * 2] = base + 19 * HOUR + h(5) * 2.5 * HOUR;
            b[n * 2 + 1] = (b[n * 2] as number) + 0.5 * HOUR + h(6) * 1.5 * HOUR;
            n++;
          }
        } else if (h(7) < 0.3) {
          b[0] = base + 10 * HOUR + h(8) * 8 * HOUR;
          b[1] = b[0] + 0.5 * HOUR + h(9) * 1.5 * HOUR;
          n = 1;
        }
        break;
      }
      case 4: {
        // DIALUP_SESSIONS: a short modem session on about half the days.
        if (h(1) < 0.5) {
          b[0] = base + 7 * HOUR + h(2) * 14 * HOUR;
          b[1] = b[0] + 20 * MIN + h(3) * 70 * MIN;
          n = 1;
        }
        break;
      }
      default:
        break;
    }
    return n;
  }

  /**
   * Finds the on-line interval that contains `t`, or else the first one after `t`, into
   * outStart/outEnd. Returns false if the machine does not come on within the look-ahead, or
   * is down for good by then.
   */
  find(i: number, t: number): boolean {
    const down = this.downFrom[i] as number;
    if (t >= down || !this.findUp(i, t) || this.outStart >= down) return false;
    if (this.outEnd > down) this.outEnd = down;
    return true;
  }

  private findUp(i: number, t: number): boolean {
    const off = this.offUntil[i] as number;
    if (this.profile[i] === 0) {
      this.outStart = off;
      this.outEnd = Number.POSITIVE_INFINITY;
      return true;
    }
    const from = Math.max(t, off);
    const offset = this.offsetMs[i] as number;
    const firstDay = Math.floor((from + offset) / DAY) - 1;
    for (let day = firstDay; day <= firstDay + MAX_LOOKAHEAD_DAYS; day++) {
      const n = this.dayIntervals(i, day);
      for (let k = 0; k < n; k++) {
        let s = this.buf[2 * k] as number;
        const e = this.buf[2 * k + 1] as number;
        if (e <= from) continue;
        if (s < off) s = off;
        this.outStart = s;
        this.outEnd = e;
        return true;
      }
    }
    return false;
  }

  isOnline(i: number, t: number): boolean {
    return this.find(i, t) && this.outStart <= t;
  }

  /** First instant ≥ t at which the machine is on, or +Infinity. */
  nextOnline(i: number, t: number): number {
    if (!this.find(i, t)) return Number.POSITIVE_INFINITY;
    return Math.max(this.outStart, t);
  }

  /** When the machine next goes off (t itself if it is off at t). */
  onlineUntil(i: number, t: number): number {
    if (!this.find(i, t) || this.outStart > t) return t;
    return this.outEnd;
  }

  /**
   * The instant at which `workMs` of on-line time has accumulated from `t` (a BITS download
   * pauses while the machine is off and resumes when it is back). +Infinity if never.
   */
  accumulate(i: number, t: number, workMs: number): number {
    let cur = t;
    let left = workMs;
    for (let guard = 0; guard < 1000; guard++) {
      if (!this.find(i, cur)) return Number.POSITIVE_INFINITY;
      const s = Math.max(this.outStart, cur);
      const e = this.outEnd;
      if (s + left <= e) return s + left;
      left -= e - s;
      cur = e;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Start of the first on-line interval that begins after the machine next goes off (a restart). */
  nextRestart(i: number, t: number): number {
    const offAt = this.onlineUntil(i, t);
    if (!Number.isFinite(offAt)) return Number.POSITIVE_INFINITY;
    return this.nextOnline(i, offAt + 1);
  }
}
