import { describe, expect, it } from "vitest";
import { drillClock, drillElapsedMs, responseElapsedMs, wallTimeAtDrillMs, wallTimeAtSimMs } from "./drill-clock.js";

const T0 = "2026-03-10T09:00:00.000Z";
const MIN = 60_000;
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * MIN).toISOString();

describe("drillClock", () => {
  it("without pauses: drill time is real time, sim time is × timeScale", () => {
    const c = drillClock({ startedAt: T0, timeScale: 24, at: at(30) });
    expect(c).toEqual({ drillMs: 30 * MIN, simMs: 12 * 60 * MIN, drillMinute: 30, paused: false, simAt: null });
  });

  it("excludes a closed pause from drill and sim time", () => {
    const pauses = [{ from: at(10), to: at(25) }];
    const c = drillClock({ startedAt: T0, pauses, timeScale: 24, at: at(40) });
    expect(c.drillMs).toBe(25 * MIN);
    expect(c.simMs).toBe(25 * 24 * MIN);
    expect(c.paused).toBe(false);
  });

  it("stops during a pause: an instant inside it reads the pause's start", () => {
    const pauses = [{ from: at(10), to: at(25) }];
    const c = drillClock({ startedAt: T0, pauses, timeScale: 24, at: at(20) });
    expect(c.drillMs).toBe(10 * MIN);
    expect(c.paused).toBe(true);
  });

  it("an open pause holds the clock until it is resumed", () => {
    const pauses = [{ from: at(10), to: null }];
    expect(drillClock({ startedAt: T0, pauses, timeScale: 12, at: at(50) })).toMatchObject({
      drillMs: 10 * MIN,
      simMs: 120 * MIN,
      paused: true,
    });
  });

  it("adds several pauses, merges overlapping ones and ignores time before the start", () => {
    const pauses = [
      { from: at(-30), to: at(5) },
      { from: at(20), to: at(30) },
      { from: at(25), to: at(35) },
      { from: at(50), to: at(52) },
    ];
    // 60 min − 5 (before/at start) − 15 (20–35) − 2 = 38.
    expect(drillElapsedMs(T0, pauses, at(60))).toBe(38 * MIN);
  });

  it("reads 0 before the start", () => {
    expect(drillClock({ startedAt: T0, timeScale: 24, at: at(-5) })).toMatchObject({ drillMs: 0, simMs: 0 });
  });

  it("reads the sandbox calendar from its origin", () => {
    const c = drillClock({ startedAt: T0, timeScale: 24, at: at(60), simOrigin: "2026-03-10T06:00:00.000Z" });
    expect(c.simAt).toBe("2026-03-11T06:00:00.000Z");
  });

  it("refuses a time scale that is not a positive number", () => {
    expect(() => drillClock({ startedAt: T0, timeScale: 0, at: at(1) })).toThrow(RangeError);
    expect(() => drillClock({ startedAt: T0, timeScale: Number.NaN, at: at(1) })).toThrow(RangeError);
  });
});

describe("wall time of a drill or sim reading", () => {
  it("is the start plus the reading without pauses", () => {
    expect(wallTimeAtDrillMs(T0, [], 30 * MIN)).toBe(Date.parse(at(30)));
  });

  it("moves later by the pauses before it", () => {
    const pauses = [{ from: at(10), to: at(25) }];
    expect(wallTimeAtDrillMs(T0, pauses, 30 * MIN)).toBe(Date.parse(at(45)));
    expect(wallTimeAtDrillMs(T0, pauses, 10 * MIN)).toBe(Date.parse(at(10)));
    expect(wallTimeAtDrillMs(T0, pauses, 5 * MIN)).toBe(Date.parse(at(5)));
  });

  it("is never reached behind an open pause", () => {
    expect(wallTimeAtDrillMs(T0, [{ from: at(10), to: null }], 30 * MIN)).toBeNull();
    expect(wallTimeAtDrillMs(T0, [{ from: at(10), to: null }], 5 * MIN)).toBe(Date.parse(at(5)));
  });

  it("24 simulated hours at × 24 is one drill hour later, plus pauses", () => {
    const H24 = 24 * 60 * MIN;
    expect(wallTimeAtSimMs({ startedAt: T0, timeScale: 24 }, H24)).toBe(Date.parse(at(60)));
    expect(wallTimeAtSimMs({ startedAt: T0, timeScale: 24, pauses: [{ from: at(0), to: at(15) }] }, H24)).toBe(
      Date.parse(at(75)),
    );
  });
});

describe("responseElapsedMs", () => {
  const clock = { startedAt: T0, timeScale: 24 };
  it("runs at drill speed until the advertisement and at sim speed after it", () => {
    expect(responseElapsedMs(clock, at(20), at(30))).toBe(20 * MIN);
    expect(responseElapsedMs(clock, at(40), at(30))).toBe(30 * MIN + 10 * 24 * MIN);
  });
  it("is drill time when nothing was advertised", () => {
    expect(responseElapsedMs(clock, at(40), null)).toBe(40 * MIN);
  });
  it("leaves pauses out of both parts", () => {
    const pauses = [
      { from: at(10), to: at(20) },
      { from: at(40), to: at(50) },
    ];
    // advertised at drill 20 (wall 30); at wall 60 the drill reads 40 → 20 + 20 × 24.
    expect(responseElapsedMs({ ...clock, pauses }, at(60), at(30))).toBe(20 * MIN + 20 * 24 * MIN);
  });
});
