import { describe, expect, it } from "vitest";
import { ForecastResultSchema, type FleetImport, type ForecastRecord } from "@firebreak/domain";
import { emergencyRelease, generateFleet, PRESET_COLLECTIONS } from "@firebreak/simulator";
import { onlineRatios, toImportComputer, toImportSiteSystem } from "@firebreak/simulator/client";
import { buildTestApp, userWithRole } from "../../../test/helpers.js";
import { toFleetDescription } from "./forecasts.fleet.js";
import { FORECASTS, startForecast, waitForForecast } from "./forecasts.fixture.js";
import { forecastsRepository as repo } from "./forecasts.repository.js";
import { PRODUCTION_FLEET_ID } from "@firebreak/domain";

// The simulator's demo hierarchy with 1,000 workstations, imported through the API as a forwarder
// would, and the emergency release of the presets. At most two forecasts compute at once; one may wait.
const START = "2026-03-10T06:00:00.000Z";
const fleet = generateFleet({ preset: "demo", seed: 7, computers: 1000 });
const release = emergencyRelease(fleet, { at: START });

const t = await buildTestApp({ forecasts: { concurrency: 2, queueLimit: 1 } });
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
const member = await userWithRole(t, "ERT_MEMBER");
const ratios = onlineRatios(fleet, { seed: 7, from: START });
const body: FleetImport = {
  sites: [...fleet.sites].sort(
    (a, b) => ["CENTRAL", "PRIMARY", "SECONDARY"].indexOf(a.type) - ["CENTRAL", "PRIMARY", "SECONDARY"].indexOf(b.type),
  ),
  siteSystems: fleet.siteSystems.map(toImportSiteSystem),
  boundaries: fleet.boundaries,
  senderAddresses: fleet.addresses,
  computers: fleet.computers.map((c, i) => toImportComputer(c, ratios[i])),
  collections: fleet.collections,
};
for (const [url, payload] of [
  ["/api/fleets/production/import", body],
  ["/api/fleets/production/packages", release.package],
  [`/api/fleets/production/packages/${release.package.packageId}/programs`, release.program],
  ["/api/fleets/production/advertisements", release.advertisement],
] as const) {
  const res = await smsAdmin.inject({ method: "POST", url, payload });
  expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
}
const forecast = (o: Record<string, unknown> = {}) => ({
  fromAdvertisement: { advertisementId: release.advertisement.advertisementId, startTime: START },
  priority: "EMERGENCY",
  runs: 20,
  ...o,
});

describe("the fleet the forecast plays", () => {
  it("is built from the database with one query per table: the targets, their sites, links and power habits", async () => {
    const ad = release.advertisement;
    const [sites, siteSystems, boundaries, addresses, collections, memberships, computers] = await Promise.all([
      repo.listSites(t.db.prisma, PRODUCTION_FLEET_ID),
      repo.listSiteSystems(t.db.prisma, PRODUCTION_FLEET_ID),
      repo.listBoundaries(t.db.prisma, PRODUCTION_FLEET_ID),
      repo.listAddresses(t.db.prisma, PRODUCTION_FLEET_ID),
      repo.listCollections(t.db.prisma, PRODUCTION_FLEET_ID),
      repo.targetMemberships(t.db.prisma, PRODUCTION_FLEET_ID, ad.collectionId, ad.includeSubCollection),
      repo.targetComputers(t.db.prisma, PRODUCTION_FLEET_ID, ad.collectionId, ad.includeSubCollection),
    ]);
    const built = toFleetDescription({
      sites,
      siteSystems,
      boundaries,
      addresses,
      computers,
      collections,
      memberships,
    });
    const targets = new Set(
      fleet.collections.find((c) => c.collectionId === PRESET_COLLECTIONS.ALL_WORKSTATIONS)!.memberResourceIds,
    );
    expect(built.computers.map((c) => c.resourceId).sort((a, b) => a - b)).toEqual([...targets].sort((a, b) => a - b));
    expect(built.sites).toHaveLength(fleet.sites.length);
    expect(built.addresses.map((a) => a.addressId).sort()).toEqual(fleet.addresses.map((a) => a.addressId).sort());
    expect(built.siteSystems).toHaveLength(fleet.siteSystems.length);
    // A branch DP's WAN content link and DP capacity come back from site_systems.
    const links = (ss: { serverName: string; contentLinkKbps?: number; capacityKbps?: number }[]) =>
      ss.map((s) => [s.serverName, s.contentLinkKbps, s.capacityKbps]).sort();
    expect(links(built.siteSystems)).toEqual(links(fleet.siteSystems));
    expect(built.siteSystems.some((s) => s.contentLinkKbps !== undefined)).toBe(true);
    // The power pattern comes back from the on-line share for nearly every machine.
    const original = new Map(fleet.computers.map((c) => [c.resourceId, c.power?.profile]));
    const same = built.computers.filter((c) => c.power?.profile === original.get(c.resourceId)).length;
    expect(same / built.computers.length).toBeGreaterThan(0.95);
  });
});

describe("the forecast pool", () => {
  it("computes two forecasts at once, both to the end", async () => {
    const a = await startForecast(member, forecast({ seed: 1 }));
    const b = await startForecast(smsAdmin, forecast({ seed: 2 }));
    const [ra, rb] = await Promise.all([waitForForecast(member, a.id), waitForForecast(smsAdmin, b.id)]);
    for (const r of [ra.final, rb.final]) {
      expect(r.status, r.error ?? "").toBe("DONE");
      const result = ForecastResultSchema.parse(r.result);
      expect(result.sampling.targets).toBeGreaterThan(900);
    }
    // Both were under way together at some point.
    const running = (seen: ForecastRecord[]) => seen.some((s) => s.status === "RUNNING");
    expect(running(ra.seen) && running(rb.seen)).toBe(true);
  });

  it("keeps answering other requests while a forecast computes (the engine runs in a worker thread)", async () => {
    const f = await startForecast(member, forecast({ runs: 100, seed: 3 }));
    // Wait until it computes, then read it twice around another request: the runs advanced between
    // the two answers, so the event loop served requests while the forecast ran.
    let before: ForecastRecord;
    for (;;) {
      before = (await member.inject({ method: "GET", url: `${FORECASTS}/${f.id}` })).json<ForecastRecord>();
      if (before.status === "RUNNING" && before.runsDone > 0) break;
      expect(before.status).not.toBe("FAILED");
      await new Promise((r) => setTimeout(r, 20));
    }
    const health = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(health.statusCode).toBe(200);
    const list = await member.inject({ method: "GET", url: "/api/fleets/production/advertisements" });
    expect(list.statusCode).toBe(200);
    let after: ForecastRecord;
    do {
      await new Promise((r) => setTimeout(r, 50));
      after = (await member.inject({ method: "GET", url: `${FORECASTS}/${f.id}` })).json<ForecastRecord>();
    } while (after.status === "RUNNING" && after.runsDone === before.runsDone);
    expect(after.runsDone).toBeGreaterThan(before.runsDone);
    expect((await waitForForecast(member, f.id)).final.status).toBe("DONE");
  });

  it("answers an identical request with the forecast under way, and refuses more than the queue holds (429)", async () => {
    const a = await startForecast(member, forecast({ runs: 40, seed: 4 }));
    const again = await startForecast(member, forecast({ runs: 40, seed: 4 }));
    expect(again.id).toBe(a.id);
    const b = await startForecast(member, forecast({ runs: 40, seed: 5 }));
    const c = await startForecast(member, forecast({ runs: 40, seed: 6 }));
    const refused = await member.inject({ method: "POST", url: FORECASTS, payload: forecast({ runs: 40, seed: 8 }) });
    expect(refused.statusCode, refused.body).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.json().message).toMatch(/Try again in about \d+ seconds\./);
    for (const f of [a, b, c]) expect((await waitForForecast(member, f.id)).final.status).toBe("DONE");
    expect(
      await t.db.prisma.forecast.count({
        where: { runsTotal: { gt: 0 }, request: { path: ["request", "seed"], equals: 8 } },
      }),
    ).toBe(0);
  });
});
