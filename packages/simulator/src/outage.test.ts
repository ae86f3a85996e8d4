import { STATUS_MESSAGE_IDS } from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { createSimulation, type SimBatch } from "./engine.js";
import { emergencyRelease, loadRelease } from "./scenarios.js";
import { HOUR, T0, concat, tinyFleet } from "./test-support.js";

/**
 * Infrastructure outages (a drill's DP_DOWN / LINK_DOWN injects and their restores): a
 * distribution point that is down serves and receives no content; a sender link that is down
 * carries nothing until it is back.
 */

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const SLO_IDS = (fleet: ReturnType<typeof tinyFleet>) =>
  new Set(fleet.computers.filter((c) => c.siteCode === "SLO").map((c) => c.resourceId));
const succeeded = (b: Pick<SimBatch, "statusMessages">, ids: Set<number>) =>
  b.statusMessages.filter((m) => ids.has(m.resourceId) && m.messageId === STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED);

function setUp(noLocalDpMode: "DONT_RUN" | "DOWNLOAD_REMOTE" = "DONT_RUN") {
  const fleet = tinyFleet({ sloDesktops: 10, cenDesktops: 5 });
  const sim = createSimulation({ fleet, seed: 3, startTime: T0 });
  const release = emergencyRelease(fleet, { at: iso(T0), noLocalDpMode });
  return { fleet, sim, release };
}

describe("a distribution point goes down", () => {
  it("clients of its site wait without a remote-DP fallback, and install once it is back and refilled", () => {
    const { fleet, sim, release } = setUp("DONT_RUN");
    sim.setDistributionPointDown("SLO", true, { at: iso(T0) });
    loadRelease(sim, release);
    const down = concat([sim.advance(T0 + 12 * HOUR)]);
    const slo = SLO_IDS(fleet);
    expect(sim.isDistributionPointDown("SLOSMS01")).toBe(true);
    expect(succeeded(down, slo)).toEqual([]);
    // CEN's clients are not affected.
    expect(
      down.statusMessages.some((m) => !slo.has(m.resourceId) && m.messageId === STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED),
    ).toBe(true);
    // Its package never became INSTALLED there.
    expect(down.dpStatus.filter((d) => d.serverName === "SLOSMS01" && d.state === "INSTALLED")).toEqual([]);

    sim.setDistributionPointDown("SLO", false);
    const back = concat([sim.advance(T0 + 24 * HOUR)]);
    expect(back.dpStatus.filter((d) => d.serverName === "SLOSMS01").map((d) => d.state)).toEqual([
      "IN_PROGRESS",
      "INSTALLED",
    ]);
    expect(succeeded(back, slo).length).toBe(slo.size);
  });

  it("with 'download from a remote DP' allowed, its clients fall back to the parent site's DP", () => {
    const { fleet, sim, release } = setUp("DOWNLOAD_REMOTE");
    sim.setDistributionPointDown("SLO", true, { at: iso(T0) });
    loadRelease(sim, release);
    const out = concat([sim.advance(T0 + 12 * HOUR)]);
    expect(succeeded(out, SLO_IDS(fleet)).length).toBe(SLO_IDS(fleet).size);
  });

  it("a DP that fails after it got the package reports FAILED and serves nothing until refilled", () => {
    const { fleet, sim, release } = setUp("DONT_RUN");
    // The advertisement starts an hour later, so the DPs hold the package before the failure.
    const late = { ...release, advertisement: { ...release.advertisement, presentTime: iso(T0 + 2 * HOUR) } };
    loadRelease(sim, late);
    const before = concat([sim.advance(T0 + HOUR)]);
    expect(before.dpStatus.some((d) => d.serverName === "SLOSMS01" && d.state === "INSTALLED")).toBe(true);
    sim.setDistributionPointDown("SLO", true);
    const down = concat([sim.advance(T0 + 10 * HOUR)]);
    expect(down.dpStatus.filter((d) => d.serverName === "SLOSMS01").map((d) => d.state)).toEqual(["FAILED"]);
    expect(succeeded(down, SLO_IDS(fleet))).toEqual([]);
  });

  it("refuses an unknown site or DP", () => {
    const { sim } = setUp();
    expect(() => sim.setDistributionPointDown("XXX", true)).toThrow(/Unknown site XXX/);
    expect(() => sim.setDistributionPointDown("SLO", true, { serverName: "NOPE" })).toThrow(
      /No distribution point NOPE/,
    );
  });
});

describe("a sender link goes down", () => {
  it("nothing crosses it until it is back: no package, no advertisement", () => {
    const { fleet, sim, release } = setUp();
    sim.setLinkDown("CEN", "SLO", true, iso(T0));
    loadRelease(sim, release);
    const down = concat([sim.advance(T0 + 12 * HOUR)]);
    expect(sim.isLinkDown("CEN", "SLO")).toBe(true);
    expect(down.dpStatus.filter((d) => d.serverName === "SLOSMS01" && d.state === "INSTALLED")).toEqual([]);
    expect(down.statusMessages.filter((m) => SLO_IDS(fleet).has(m.resourceId))).toEqual([]);

    sim.setLinkDown("CEN", "SLO", false);
    const back = concat([sim.advance(T0 + 24 * HOUR)]);
    expect(back.dpStatus.some((d) => d.serverName === "SLOSMS01" && d.state === "INSTALLED")).toBe(true);
    expect(succeeded(back, SLO_IDS(fleet)).length).toBe(SLO_IDS(fleet).size);
  });

  it("a transfer under way is interrupted and sent again from the start when the link is back", () => {
    // A thin link: the 5 MB package needs well over an hour.
    const fleet = tinyFleet({ sloDesktops: 2, cenDesktops: 1, linkKbps: 8 });
    const sim = createSimulation({ fleet, seed: 3, startTime: T0 });
    loadRelease(sim, emergencyRelease(fleet, { at: iso(T0) }));
    sim.advance(T0 + 30 * MIN);
    sim.setLinkDown("CEN", "SLO", true);
    sim.advance(T0 + 10 * HOUR);
    const outage = 10 * HOUR - 30 * MIN;
    sim.setLinkDown("CEN", "SLO", false);
    const back = concat([sim.advance(T0 + 60 * HOUR)]);
    const installed = back.dpStatus.find((d) => d.serverName === "SLOSMS01" && d.state === "INSTALLED");
    expect(installed).toBeDefined();
    // Without the outage the package is there this much earlier; with it, after the restore plus a full transfer.
    const plain = createSimulation({ fleet, seed: 3, startTime: T0 });
    loadRelease(plain, emergencyRelease(fleet, { at: iso(T0) }));
    const ref = concat([plain.advance(T0 + 60 * HOUR)]).dpStatus.find(
      (d) => d.serverName === "SLOSMS01" && d.state === "INSTALLED",
    );
    expect(Date.parse(installed!.time) - Date.parse(ref!.time)).toBeGreaterThanOrEqual(outage);
  });

  it("refuses a pair of sites with no address between them", () => {
    const { sim } = setUp();
    expect(() => sim.setLinkDown("CEN", "CEN", true)).toThrow(/No sender address between CEN and CEN/);
  });
});
