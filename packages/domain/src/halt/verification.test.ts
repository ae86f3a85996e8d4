import { describe, expect, it } from "vitest";
import { HALT_VERIFICATION_MACHINES, haltVerification, type ProgramStart } from "./verification.js";

/** A start the client timed at `time` and that arrived at `receivedAt` (default: when it says). */
const start = (resourceId: number, time: string, receivedAt = time): ProgramStart => ({
  resourceId,
  machineName: `WS${resourceId}`,
  siteCode: resourceId < 2000 ? "CEN" : "BRN",
  time,
  receivedAt,
});

const HALT = "2026-11-20T10:00:00.000Z";

describe("haltVerification", () => {
  it("says when the release is not halted, with when the last start arrived and its client time", () => {
    expect(
      haltVerification({ haltedAt: null, starts: [start(1001, "2026-11-20T09:00:00Z", "2026-11-20T09:03:00Z")] }),
    ).toEqual({
      state: "NOT_HALTED",
      haltedAt: null,
      lastStart: {
        resourceId: 1001,
        machineName: "WS1001",
        siteCode: "CEN",
        time: "2026-11-20T09:00:00.000Z",
        receivedAt: "2026-11-20T09:03:00.000Z",
      },
      startsAfterHalt: 0,
      machinesAfterHalt: 0,
      possiblyBeforeHalt: 0,
      firstStartsAfterHalt: [],
      summary:
        "The program is not disabled; last program start received 2026-11-20 09:03:00 UTC (client time 2026-11-20 09:00:00 UTC).",
    });
  });

  it("verifies a halt with no start received after it", () => {
    const v = haltVerification({
      haltedAt: HALT,
      starts: [start(1001, "2026-11-20T09:59:59Z"), start(1002, "2026-11-20T09:00:00Z")],
    });
    expect(v).toMatchObject({ state: "NO_STARTS_AFTER_HALT", startsAfterHalt: 0 });
    expect(v.lastStart?.machineName).toBe("WS1001");
    expect(v.summary).toBe(
      "Program disabled at 2026-11-20 10:00:00 UTC; last program start received 2026-11-20 09:59:59 UTC (client time 2026-11-20 09:59:59 UTC); no start received after the halt.",
    );
  });

  it("counts a start arriving at the very instant of the halt as before it", () => {
    expect(haltVerification({ haltedAt: HALT, starts: [start(1001, HALT)] }).state).toBe("NO_STARTS_AFTER_HALT");
  });

  it("goes by arrival: a fast client clock does not make a start received before the halt one after it", () => {
    const v = haltVerification({
      haltedAt: HALT,
      starts: [start(1001, "2026-11-20T10:30:00Z", "2026-11-20T09:58:00Z")],
    });
    expect(v.state).toBe("NO_STARTS_AFTER_HALT");
  });

  it("flags a start received after the halt whose client time is earlier, as possibly before the halt", () => {
    const v = haltVerification({
      haltedAt: HALT,
      starts: [start(2001, "2026-11-20T09:55:00Z", "2026-11-20T10:07:00Z")],
    });
    expect(v).toMatchObject({ state: "STARTS_AFTER_HALT", startsAfterHalt: 1, possiblyBeforeHalt: 1 });
    expect(v.firstStartsAfterHalt).toEqual([expect.objectContaining({ resourceId: 2001, clientTimeBeforeHalt: true })]);
    expect(v.summary).toBe(
      "Program disabled at 2026-11-20 10:00:00 UTC; last program start received 2026-11-20 10:07:00 UTC (client time 2026-11-20 09:55:00 UTC); 1 start received after the halt on 1 machine, it possibly started before the halt (client clock) (first: WS2001, received 2026-11-20 10:07:00 UTC).",
    );
  });

  it("flags starts received after the halt, one row per machine, in arrival order", () => {
    const v = haltVerification({
      haltedAt: new Date(HALT),
      starts: [
        start(2001, "2026-11-20T10:20:00Z"),
        start(1001, "2026-11-20T10:05:00Z"),
        start(1001, "2026-11-20T10:30:00Z"),
        start(1002, "2026-11-20T09:00:00Z"),
      ],
    });
    expect(v.state).toBe("STARTS_AFTER_HALT");
    expect(v.startsAfterHalt).toBe(3);
    expect(v.machinesAfterHalt).toBe(2);
    expect(v.possiblyBeforeHalt).toBe(0);
    expect(v.lastStart?.time).toBe("2026-11-20T10:30:00.000Z");
    expect(v.firstStartsAfterHalt.map((s) => [s.machineName, s.time, s.clientTimeBeforeHalt])).toEqual([
      ["WS1001", "2026-11-20T10:05:00.000Z", false],
      ["WS2001", "2026-11-20T10:20:00.000Z", false],
    ]);
    expect(v.summary).toBe(
      "Program disabled at 2026-11-20 10:00:00 UTC; last program start received 2026-11-20 10:30:00 UTC (client time 2026-11-20 10:30:00 UTC); 3 starts received after the halt on 2 machines (first: WS1001, received 2026-11-20 10:05:00 UTC).",
    );
  });

  it("lists a bounded number of machines and takes the caller's totals when it capped the rows", () => {
    const starts = Array.from({ length: 15 }, (_, i) =>
      start(1001 + i, `2026-11-20T10:${String(i + 1).padStart(2, "0")}:00Z`),
    );
    const v = haltVerification({
      haltedAt: HALT,
      starts,
      startsAfterHaltTotal: 400,
      machinesAfterHaltTotal: 380,
      possiblyBeforeHaltTotal: 7,
    });
    expect(v.firstStartsAfterHalt).toHaveLength(HALT_VERIFICATION_MACHINES);
    expect(v).toMatchObject({ startsAfterHalt: 400, machinesAfterHalt: 380, possiblyBeforeHalt: 7 });
    expect(v.summary).toContain("7 possibly started before the halt (client clock)");
  });
});
