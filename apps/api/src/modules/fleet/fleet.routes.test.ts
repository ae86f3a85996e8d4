import { describe, expect, it } from "vitest";
import type { ComputerPage, SenderAddressRecord, SiteRecord } from "@firebreak/domain";
import { buildTestApp, userWithRole } from "../../../test/helpers.js";
import { smallFleet } from "../../../test/fleet-fixture.js";

const t = await buildTestApp();
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
const observer = await userWithRole(t, "OBSERVER");
const imported = await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/import", payload: smallFleet });

describe("fleet import", () => {
  it("upserts the hierarchy and fleet, idempotently", async () => {
    expect(imported.json()).toEqual({
      sites: 2,
      siteSystems: 2,
      boundaries: 1,
      senderAddresses: 1,
      computers: 4,
      collections: 1,
    });
    const again = await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/import", payload: smallFleet });
    expect(again.statusCode).toBe(200);
    expect(await t.db.prisma.computer.count()).toBe(4);
    const sites = (await observer.inject({ method: "GET", url: "/api/fleets/production/sites" })).json<{
      items: SiteRecord[];
    }>().items;
    expect(sites.map((s) => [s.siteCode, s.computerCount])).toEqual([
      ["BRN", 1],
      ["CEN", 3],
    ]);
  });

  it("leaves the on-line share unknown when the import does not give it, and keeps a measured one", async () => {
    const page = async () =>
      (
        await observer.inject({ method: "GET", url: "/api/fleets/production/computers?sort=resourceId" })
      ).json<ComputerPage>();
    expect((await page()).items.map((c) => c.onlineRatio)).toEqual([null, null, null, null]);
    const first = smallFleet.computers![0]!;
    await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/import",
      payload: { computers: [{ ...first, onlineRatio: 0.25 }] },
    });
    // A later import without the share keeps the measured one.
    await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/import", payload: { computers: [first] } });
    expect((await page()).items.find((c) => c.resourceId === first.resourceId)?.onlineRatio).toBe(0.25);
  });

  it("rejects computers at unknown sites and stores nothing", async () => {
    const res = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/import",
      payload: { computers: [{ ...smallFleet.computers![0]!, resourceId: 5000, name: "GHOST", siteCode: "XYZ" }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0]).toEqual({ path: "body.computers.0.siteCode", message: "no site XYZ" });
    expect(await t.db.prisma.computer.count()).toBe(4);
  });

  it("derives the patch-infrastructure flag of site systems from their roles", async () => {
    const items = (await observer.inject({ method: "GET", url: "/api/fleets/production/site-systems" })).json().items;
    expect(items).toHaveLength(2);
    expect(
      items.map((s: { serverName: string; isPatchInfrastructure: boolean }) => [s.serverName, s.isPatchInfrastructure]),
    ).toEqual([
      ["BRN-DP01", true],
      ["CEN-SMS01", true],
    ]);
  });

  it("stores a branch DP's content link and capacity, keeps them on a re-import that omits them", async () => {
    const list = async () =>
      (await observer.inject({ method: "GET", url: "/api/fleets/production/site-systems" })).json<{
        items: { serverName: string; contentLinkKbps?: number; capacityKbps?: number }[];
      }>().items;
    const dp = smallFleet.siteSystems!.find((s) => s.serverName === "BRN-DP01")!;
    expect((await list()).find((s) => s.serverName === "BRN-DP01")).not.toHaveProperty("contentLinkKbps");
    const res = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/import",
      payload: { siteSystems: [{ ...dp, contentLinkKbps: 2048, capacityKbps: 100_000 }] },
    });
    expect(res.statusCode).toBe(200);
    const stored = async () => (await list()).find((s) => s.serverName === "BRN-DP01");
    expect(await stored()).toMatchObject({ contentLinkKbps: 2048, capacityKbps: 100_000 });
    await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/import", payload: { siteSystems: [dp] } });
    expect(await stored()).toMatchObject({ contentLinkKbps: 2048, capacityKbps: 100_000 });
    const row = await t.db.prisma.siteSystem.findFirstOrThrow({ where: { serverName: "BRN-DP01" } });
    expect([row.contentLinkKbps, row.capacityKbps]).toEqual([2048, 100_000]);
    // The site server stays on the LAN.
    expect((await list()).find((s) => s.serverName === "CEN-SMS01")).not.toHaveProperty("contentLinkKbps");

    const bad = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/import",
      payload: { siteSystems: [{ ...dp, contentLinkKbps: 0, capacityKbps: -1 }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.map((d: { message: string }) => d.message)
        .sort(),
    ).toEqual([
      "Content link bandwidth must be a positive number of kbit/s",
      "DP capacity must be a positive number of kbit/s",
    ]);
  });
});

describe("sites", () => {
  it("validates site codes and the hierarchy", async () => {
    const bad = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/sites",
      payload: { siteCode: "toolong", name: "X", type: "SECONDARY", parentSiteCode: null },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(["body.parentSiteCode", "body.siteCode"]);
    const orphan = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/sites",
      payload: { siteCode: "SEC", name: "X", type: "SECONDARY", parentSiteCode: "NOP" },
    });
    expect(orphan.statusCode).toBe(400);
    const ok = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/sites",
      payload: { siteCode: "SEC", name: "Depot", type: "SECONDARY", parentSiteCode: "BRN" },
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });
});

describe("sender addresses", () => {
  const url = "/api/fleets/production/sender-addresses/CEN-BRN-LAN";
  it("an SMS administrator closes business hours and sets pulse mode, with If-Match and an audit entry", async () => {
    const got = await smsAdmin.inject({ method: "GET", url });
    const etag = got.headers.etag as string;
    expect(etag).toBe(`W/"${got.json<SenderAddressRecord>().version}"`);
    const schedule = got
      .json<SenderAddressRecord>()
      .usageSchedule.map((day) => day.map((h, hour) => (hour >= 8 && hour < 18 ? 3 : h)));
    const res = await smsAdmin.inject({
      method: "PATCH",
      url,
      payload: { usageSchedule: schedule, rateLimit: { mode: "PULSE", blockSizeKB: 3, delaySeconds: 5 } },
      headers: { "if-match": etag },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      rateLimit: { mode: "PULSE", blockSizeKB: 3, delaySeconds: 5 },
      relaxedForEmergency: false,
    });
    expect(res.headers.etag).not.toBe(etag);
    expect(res.json().usageSchedule[1][9]).toBe(3);
    const entry = await t.db.prisma.auditEntry.findFirst({ where: { action: "sender_address.update" } });
    expect(entry?.entityId).toBe("CEN-BRN-LAN");
  });

  it("rejects a schedule that is not 7 x 24 values of 1 to 4", async () => {
    const res = await smsAdmin.inject({
      method: "PATCH",
      url,
      payload: { usageSchedule: [[5]] },
      headers: { "if-match": (await smsAdmin.inject({ method: "GET", url })).headers.etag as string },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/7 days|24 hourly|Availability/);
  });

  it("428 without If-Match; observers may read but not change", async () => {
    expect((await smsAdmin.inject({ method: "PATCH", url, payload: { bandwidthKbps: 64 } })).statusCode).toBe(428);
    expect(
      (
        await observer.inject({
          method: "PATCH",
          url,
          payload: { bandwidthKbps: 64 },
          headers: { "if-match": 'W/"2"' },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe("computers", () => {
  it("pages, sorts and filters on the server", async () => {
    const page = (
      await observer.inject({
        method: "GET",
        url: "/api/fleets/production/computers?pageSize=2&sort=resourceId&order=desc",
      })
    ).json<ComputerPage>();
    expect(page.total).toBe(4);
    expect(page.items.map((c) => c.resourceId)).toEqual([1004, 1003]);
    const dialup = (
      await observer.inject({ method: "GET", url: "/api/fleets/production/computers?connectionProfile=DIALUP" })
    ).json<ComputerPage>();
    expect(dialup.items.map((c) => c.name)).toEqual(["BRN-LT001"]);
    const inCollection = (
      await observer.inject({ method: "GET", url: "/api/fleets/production/computers?collectionId=CEN00010&search=ws" })
    ).json<ComputerPage>();
    expect(inCollection.items.map((c) => c.name)).toEqual(["CEN-WS001", "CEN-WS002"]);
    expect(
      (await observer.inject({ method: "GET", url: "/api/fleets/production/computers?sort=password" })).statusCode,
    ).toBe(400);
  });

  it("answers 404 for an unknown fleet", async () => {
    expect(
      (await observer.inject({ method: "GET", url: "/api/fleets/00000000-0000-4000-8000-0000000000ff/computers" }))
        .statusCode,
    ).toBe(404);
  });
});
