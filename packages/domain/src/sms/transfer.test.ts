import { describe, expect, it } from "vitest";
import {
  businessHoursSchedule,
  hourUsageAllows,
  hourUsageAt,
  localDayHour,
  openAddressSchedule,
  uniformAddressSchedule,
} from "./schedule.js";
import { KB_PER_SECOND_PER_KBPS, arrivesBefore, linkCapacityKB, transferSeconds } from "./transfer.js";

// Tuesday 2026-03-10 08:00 UTC.
const TUE_0800 = Date.parse("2026-03-10T08:00:00Z");
const HOUR = 3_600_000;

describe("schedule helpers", () => {
  it("local weekday and hour", () => {
    expect(localDayHour(TUE_0800)).toEqual({ day: 2, hour: 8 });
    expect(localDayHour(TUE_0800, -300)).toEqual({ day: 2, hour: 3 });
    expect(localDayHour(Date.parse("2026-03-08T23:30:00Z"), 60)).toEqual({ day: 1, hour: 0 });
  });

  it("HourUsage 1 all, 2 all but low, 3 high only, 4 closed", () => {
    expect(["HIGH", "MEDIUM", "LOW"].map((p) => hourUsageAllows(1, p as "HIGH"))).toEqual([true, true, true]);
    expect(["HIGH", "MEDIUM", "LOW"].map((p) => hourUsageAllows(2, p as "HIGH"))).toEqual([true, true, false]);
    expect(["HIGH", "MEDIUM", "LOW"].map((p) => hourUsageAllows(3, p as "HIGH"))).toEqual([true, false, false]);
    expect(["HIGH", "MEDIUM", "LOW"].map((p) => hourUsageAllows(4, p as "HIGH"))).toEqual([false, false, false]);
  });

  it("business hours builder", () => {
    const s = businessHoursSchedule({ inside: 3, outside: 1 });
    expect(hourUsageAt(s, TUE_0800)).toBe(3);
    expect(hourUsageAt(s, TUE_0800 + 10 * HOUR)).toBe(1);
    expect(hourUsageAt(s, Date.parse("2026-03-08T10:00:00Z"))).toBe(1); // Sunday
  });
});

describe("transferSeconds", () => {
  const link = { bandwidthKbps: 1000 };
  const rate = 1000 * KB_PER_SECOND_PER_KBPS; // KB/s

  it("unlimited, open schedule: size / bandwidth", () => {
    expect(transferSeconds(5120, link, openAddressSchedule(), { mode: "UNLIMITED" }, TUE_0800, "LOW")).toBeCloseTo(
      5120 / rate,
      6,
    );
    expect(transferSeconds(5120, { bandwidthKbps: 56 }, null, null, TUE_0800, "LOW")).toBeCloseTo(
      5120 / (56 * KB_PER_SECOND_PER_KBPS),
      6,
    );
    expect(transferSeconds(0, link, null, null, TUE_0800, "LOW")).toBe(0);
  });

  it("closed hours move nothing: a transfer starting in a closed window waits for the opening", () => {
    const s = businessHoursSchedule({ inside: 4, outside: 1 }); // closed Mon–Fri 08–18
    const secs = transferSeconds(1000, link, s, null, TUE_0800, "HIGH");
    expect(secs).toBeCloseTo(10 * 3600 + 1000 / rate, 6);
    // Nothing moves while closed: capacity 08:00–18:00 is zero.
    expect(linkCapacityKB(link, s, null, TUE_0800, TUE_0800 + 10 * HOUR, "HIGH")).toBe(0);
  });

  it("high-only hours move only high-priority packages", () => {
    const s = businessHoursSchedule({ inside: 3, outside: 4, fromHour: 8, toHour: 10 });
    const size = rate * 1800; // 30 minutes of link time
    expect(transferSeconds(size, link, s, null, TUE_0800, "HIGH")).toBeCloseTo(1800, 6);
    expect(transferSeconds(size, link, s, null, TUE_0800, "MEDIUM")).toBe(Infinity);
    expect(transferSeconds(size, link, s, null, TUE_0800, "LOW")).toBe(Infinity);
    // "All but low" lets MEDIUM through.
    const s2 = businessHoursSchedule({ inside: 2, outside: 4, fromHour: 8, toHour: 10 });
    expect(transferSeconds(size, link, s2, null, TUE_0800, "MEDIUM")).toBeCloseTo(1800, 6);
    expect(transferSeconds(size, link, uniformAddressSchedule(4), null, TUE_0800, "HIGH")).toBe(Infinity);
  });

  it("a transfer pauses over a closed window and resumes", () => {
    // Open only 08–09 Mon–Fri; two hours of data takes until 08:00 the next day + 1 h.
    const s = businessHoursSchedule({ inside: 1, outside: 4, fromHour: 8, toHour: 9 });
    const secs = transferSeconds(rate * 7200, link, s, null, TUE_0800, "LOW");
    expect(secs).toBeCloseTo(24 * 3600 + 3600, 3);
  });

  it("pulse mode: blocks of blockKB, each followed by the delay except the last", () => {
    // 1000 KB in 10 KB blocks with 5 s pauses: 100 blocks, 99 pauses.
    const blockTime = 10 / rate;
    const secs = transferSeconds(
      1000,
      link,
      null,
      { mode: "PULSE", blockSizeKB: 10, delaySeconds: 5 },
      TUE_0800,
      "LOW",
    );
    expect(secs).toBeCloseTo(100 * blockTime + 99 * 5, 6);
    // A partial last block.
    const secs2 = transferSeconds(
      1005,
      link,
      null,
      { mode: "PULSE", blockSizeKB: 10, delaySeconds: 5 },
      TUE_0800,
      "LOW",
    );
    expect(secs2).toBeCloseTo(1005 / rate + 100 * 5, 6);
    // Effective rate ≈ block / (block time + delay) over long transfers.
    const long = transferSeconds(
      100_000,
      link,
      null,
      { mode: "PULSE", blockSizeKB: 4, delaySeconds: 2 },
      TUE_0800,
      "LOW",
    );
    expect(long).toBeCloseTo(25_000 * (4 / rate) + 24_999 * 2, 3);
  });

  it("pulse mode honours the schedule and lets pauses elapse while closed", () => {
    const s = businessHoursSchedule({ inside: 1, outside: 4, fromHour: 8, toHour: 9 });
    const cycle = 64 / rate + 30;
    const perHour = Math.floor(3600 / cycle) + 1; // blocks that start within one open hour (last may straddle)
    const secs = transferSeconds(
      64 * (perHour + 1),
      link,
      s,
      { mode: "PULSE", blockSizeKB: 64, delaySeconds: 30 },
      TUE_0800,
      "HIGH",
    );
    expect(secs).toBeGreaterThan(24 * 3600);
    expect(secs).toBeLessThan(25 * 3600);
  });

  it("hourly limit: the hour's percentage of the link", () => {
    const pct = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 50 : 100));
    const limit = { mode: "HOURLY_LIMIT" as const, hourlyLimitPct: pct };
    expect(transferSeconds(rate * 600, link, null, limit, TUE_0800, "LOW")).toBeCloseTo(1200, 6);
    // Starting 17:30: 30 minutes at 50 % then full rate.
    const t1730 = TUE_0800 + 9.5 * HOUR;
    expect(transferSeconds(rate * 2700, link, null, limit, t1730, "LOW")).toBeCloseTo(1800 + 1800, 6);
    // Local hours: a site at UTC-5 is at 03:00 when it is 08:00 UTC, so 100 %.
    expect(
      transferSeconds(rate * 600, { bandwidthKbps: 1000, utcOffsetMinutes: -300 }, null, limit, TUE_0800, "LOW"),
    ).toBeCloseTo(600, 6);
  });

  it("a package larger than the link can carry before the deadline misses it", () => {
    const dialup = { bandwidthKbps: 56 };
    const deadline = TUE_0800 + 24 * HOUR;
    const capacity = linkCapacityKB(dialup, null, null, TUE_0800, deadline, "HIGH");
    expect(capacity).toBeCloseTo(56 * KB_PER_SECOND_PER_KBPS * 86_400, 3);
    expect(arrivesBefore(capacity * 0.99, dialup, null, null, TUE_0800, deadline, "HIGH")).toBe(true);
    expect(arrivesBefore(capacity * 1.01, dialup, null, null, TUE_0800, deadline, "HIGH")).toBe(false);
    expect(transferSeconds(capacity * 1.01, dialup, null, null, TUE_0800, "HIGH")).toBeGreaterThan(86_400);
  });
});
