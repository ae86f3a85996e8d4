import { describe, expect, it } from "vitest";
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy } from "./priority.js";
import {
  TimeZoneSchema,
  describeSlaClock,
  formatDeadline,
  formatDuration,
  isValidTimeZone,
  slaClock,
  wallClock,
} from "./sla.js";

const HOUR = 3_600_000;
const policy = DEFAULT_PRIORITY_POLICY;

describe("SLA arithmetic is exact elapsed time", () => {
  it("Emergency: target 24 h and maximum 14 days after the priority was set", () => {
    const c = slaClock({
      prioritySetAt: "2026-03-10T09:00:00Z",
      priority: "EMERGENCY",
      policy,
      now: "2026-03-10T10:00:00Z",
    });
    expect(c.targetAt).toBe("2026-03-11T09:00:00.000Z");
    expect(c.maxAt).toBe("2026-03-24T09:00:00.000Z");
    expect(c.atRiskAt).toBe("2026-03-11T03:00:00.000Z");
    expect(c.msToTarget).toBe(23 * HOUR);
    expect(c.msToMax).toBe(335 * HOUR);
    expect(c.state).toBe("ON_TRACK");
    expect(c.closed).toBe(false);
  });

  it("the default policy is Table 2 in hours", () => {
    expect(Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, [v.targetHours, v.maxHours]]))).toEqual({
      EMERGENCY: [24, 336],
      HIGH: [720, 1440],
      MEDIUM: [2880, 4320],
      LOW: [8760, 8760],
    });
  });

  it("ON_TRACK → AT_RISK (under 25 % of the window left) → TARGET_MISSED → BREACHED", () => {
    const start = Date.parse("2026-03-10T09:00:00Z");
    const at = (ms: number) => slaClock({ prioritySetAt: start, priority: "EMERGENCY", policy, now: start + ms }).state;
    expect(at(0)).toBe("ON_TRACK");
    expect(at(18 * HOUR)).toBe("ON_TRACK"); // exactly 25 % (6 h) left
    expect(at(18 * HOUR + 1)).toBe("AT_RISK");
    expect(at(24 * HOUR)).toBe("AT_RISK"); // the target instant itself is still in time
    expect(at(24 * HOUR + 1)).toBe("TARGET_MISSED");
    expect(at(336 * HOUR)).toBe("TARGET_MISSED");
    expect(at(336 * HOUR + 1)).toBe("BREACHED");
  });

  it("the at-risk share is a parameter", () => {
    const start = Date.parse("2026-03-10T09:00:00Z");
    const c = slaClock({
      prioritySetAt: start,
      priority: "EMERGENCY",
      policy,
      now: start + 12 * HOUR + 1,
      atRiskFraction: 0.5,
    });
    expect(c.state).toBe("AT_RISK");
    expect(c.atRiskAt).toBe("2026-03-10T21:00:00.000Z");
    expect(() =>
      slaClock({ prioritySetAt: start, priority: "EMERGENCY", policy, now: start, atRiskFraction: 1.5 }),
    ).toThrow(RangeError);
  });

  it("closed: MET on or before the target, MET_LATE before the maximum, BREACHED after it; the clock freezes", () => {
    const start = Date.parse("2026-03-10T09:00:00Z");
    const closed = (ms: number) =>
      slaClock({ prioritySetAt: start, priority: "EMERGENCY", policy, now: start + 1000 * HOUR, closedAt: start + ms });
    expect(closed(24 * HOUR)).toMatchObject({ state: "MET", closed: true, msToTarget: 0 });
    expect(closed(30 * HOUR)).toMatchObject({ state: "MET_LATE", msToTarget: -6 * HOUR });
    expect(closed(400 * HOUR).state).toBe("BREACHED");
  });

  it("an edited policy changes the clock", () => {
    const custom: PriorityPolicy = { ...policy, EMERGENCY: { ...policy.EMERGENCY, targetHours: 8, maxHours: 72 } };
    const c = slaClock({
      prioritySetAt: "2026-03-10T09:00:00Z",
      priority: "EMERGENCY",
      policy: custom,
      now: "2026-03-10T18:00:00Z",
    });
    expect(c.targetAt).toBe("2026-03-10T17:00:00.000Z");
    expect(c.state).toBe("TARGET_MISSED");
  });
});

describe("time zones and daylight saving", () => {
  it("Europe/London spring forward: a 24 h Emergency set Saturday 12:00 GMT ends Sunday 13:00 BST", () => {
    // Clocks go forward at 01:00 GMT on Sunday 2026-03-29.
    const setAt = "2026-03-28T12:00:00Z";
    expect(wallClock(setAt, "Europe/London")).toMatchObject({ day: 28, hour: 12, minute: 0, utcOffsetMinutes: 0 });
    const c = slaClock({ prioritySetAt: setAt, priority: "EMERGENCY", policy, now: setAt });
    expect(Date.parse(c.targetAt) - Date.parse(setAt)).toBe(24 * HOUR);
    expect(c.targetAt).toBe("2026-03-29T12:00:00.000Z");
    expect(wallClock(c.targetAt, "Europe/London")).toEqual({
      year: 2026,
      month: 3,
      day: 29,
      hour: 13,
      minute: 0,
      utcOffsetMinutes: 60,
    });
    expect(formatDeadline(c.targetAt, "Europe/London")).toBe("Sun, 29 Mar 2026, 13:00 BST");
  });

  it("America/New_York fall back: a 24 h Emergency set Saturday 12:00 EDT ends Sunday 11:00 EST", () => {
    // Clocks go back at 02:00 EDT on Sunday 2026-11-01.
    const setAt = "2026-10-31T16:00:00Z";
    expect(wallClock(setAt, "America/New_York")).toMatchObject({ day: 31, hour: 12, utcOffsetMinutes: -240 });
    const c = slaClock({ prioritySetAt: setAt, priority: "EMERGENCY", policy, now: setAt });
    expect(c.targetAt).toBe("2026-11-01T16:00:00.000Z");
    expect(wallClock(c.targetAt, "America/New_York")).toEqual({
      year: 2026,
      month: 11,
      day: 1,
      hour: 11,
      minute: 0,
      utcOffsetMinutes: -300,
    });
    expect(formatDeadline(c.targetAt, "America/New_York", "en-US")).toBe("Sun, Nov 1, 2026, 11:00 EST");
    expect(formatDeadline(c.targetAt, "America/New_York")).toBe("Sun, 1 Nov 2026, 11:00 GMT-5");
  });

  it("the same deadline reads differently around the world, and time-zone-free zones do not shift", () => {
    const at = "2026-03-29T12:00:00Z";
    expect(formatDeadline(at, "UTC")).toBe("Sun, 29 Mar 2026, 12:00 UTC");
    expect(formatDeadline(at, "Asia/Kolkata")).toBe("Sun, 29 Mar 2026, 17:30 GMT+5:30");
    expect(formatDeadline(at, "Australia/Sydney")).toMatch(/^Sun, 29 Mar 2026, 23:00 GMT\+11$/);
  });

  it("a 720 h High across the European change keeps exactly 30 × 24 h", () => {
    const c = slaClock({
      prioritySetAt: "2026-03-15T12:00:00Z",
      priority: "HIGH",
      policy,
      now: "2026-03-15T12:00:00Z",
    });
    expect(c.targetAt).toBe("2026-04-14T12:00:00.000Z");
    expect(wallClock(c.targetAt, "Europe/Berlin")).toMatchObject({
      month: 4,
      day: 14,
      hour: 14,
      utcOffsetMinutes: 120,
    });
    expect(wallClock("2026-03-15T12:00:00Z", "Europe/Berlin")).toMatchObject({ hour: 13, utcOffsetMinutes: 60 });
  });

  it("an SLA that runs over the night the clocks go back is not an hour longer", () => {
    // Set 00:30 BST on 2026-10-25 (23:30 UTC the day before); the clock reads 01:00–02:00 twice that night.
    const setAt = "2026-10-24T23:30:00Z";
    const c = slaClock({ prioritySetAt: setAt, priority: "EMERGENCY", policy, now: "2026-10-25T23:30:00Z" });
    expect(c.msToTarget).toBe(0);
    expect(wallClock(c.targetAt, "Europe/London")).toMatchObject({
      day: 25,
      hour: 23,
      minute: 30,
      utcOffsetMinutes: 0,
    });
  });

  it("validates time zone names", () => {
    expect(isValidTimeZone("Europe/London")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(TimeZoneSchema.safeParse("America/New_York").success).toBe(true);
    expect(TimeZoneSchema.safeParse("GMT+25").error?.issues[0]?.message).toBe(
      "Use an IANA time zone name, e.g. Europe/London or America/New_York",
    );
  });
});

describe("words for the board", () => {
  it("formats durations and clock lines", () => {
    expect(formatDuration(30_000)).toBe("under a minute");
    expect(formatDuration(45 * 60_000)).toBe("45 min");
    expect(formatDuration(3 * HOUR + 20 * 60_000)).toBe("3 h 20 min");
    expect(formatDuration(-(51 * HOUR))).toBe("2 d 3 h");
    expect(formatDuration(48 * HOUR)).toBe("2 d");
    const start = Date.parse("2026-03-10T09:00:00Z");
    const at = (ms: number, closedMs?: number) =>
      describeSlaClock(
        slaClock({
          prioritySetAt: start,
          priority: "EMERGENCY",
          policy,
          now: start + ms,
          closedAt: closedMs === undefined ? null : start + closedMs,
        }),
      );
    expect(at(20 * HOUR + 40 * 60_000)).toBe("Emergency · 3 h 20 min left to target");
    expect(at(26 * HOUR)).toBe("Emergency · target missed 2 h ago, 12 d 22 h left to the maximum");
    expect(at(340 * HOUR)).toBe("Emergency · maximum passed 4 h ago");
    expect(at(0, 20 * HOUR)).toBe("Emergency · met with 4 h to spare");
    expect(at(0, 25 * HOUR)).toBe("Emergency · met 1 h after the target");
  });
});
