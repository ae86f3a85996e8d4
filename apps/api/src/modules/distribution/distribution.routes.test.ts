import { describe, expect, it } from "vitest";
import {
  AdvertFlags,
  advertisementDialogLabels,
  type AdvertisementRecord,
  type PackageDetail,
} from "@firebreak/domain";
import { buildTestApp, userWithRole } from "../../../test/helpers.js";
import { advertisementBody, buildDistribution, packageBody, programBody } from "../../../test/fleet-fixture.js";

const t = await buildTestApp();
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
const created: AdvertisementRecord = await buildDistribution(smsAdmin);
const adUrl = "/api/fleets/production/advertisements/CEN2000A";

describe("advertisements", () => {
  it("derive the Schedule-tab state: a new mandatory assignment keeps the slow-link box checked", () => {
    expect(created).toMatchObject({
      mandatory: true,
      mandatoryOverSlowLinks: false,
      forcesDialUpClients: false,
      allowUsersToRunIndependently: true,
      noLocalDpMode: "DONT_RUN",
      version: 1,
    });
  });

  it("clearing the slow-link box (setting ONSLOWNET) with If-Match forces slow-link clients, and is audited", async () => {
    const body = {
      ...advertisementBody,
      advertFlags: AdvertFlags.with(advertisementBody.advertFlags, "ONSLOWNET", true),
      remoteClientFlags: 0x50,
    };
    const stale = await smsAdmin.inject({ method: "PUT", url: adUrl, payload: body, headers: { "if-match": 'W/"0"' } });
    expect(stale.statusCode).toBe(412);
    const res = await smsAdmin.inject({ method: "PUT", url: adUrl, payload: body, headers: { "if-match": 'W/"1"' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      mandatoryOverSlowLinks: true,
      forcesDialUpClients: true,
      noLocalDpMode: "DOWNLOAD_REMOTE",
      version: 2,
    });
    const audit = await t.db.prisma.auditEntry.findFirst({
      where: { action: "advertisement.update", entityId: "CEN2000A" },
    });
    expect((audit?.before as { mandatoryOverSlowLinks: boolean }).mandatoryOverSlowLinks).toBe(false);
    expect((audit?.after as { mandatoryOverSlowLinks: boolean }).mandatoryOverSlowLinks).toBe(true);
  });

  it("refuses inconsistent settings with messages in the SMS dialog's words", async () => {
    const res = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/advertisements",
      payload: {
        ...advertisementBody,
        advertisementId: "CEN2000B",
        assignedSchedule: [],
        advertFlags: AdvertFlags.fromNames(["ONSLOWNET"]),
        expirationTime: "2026-11-01T00:00:00Z",
      },
    });
    expect(res.statusCode).toBe(400);
    const details: { path: string; message: string }[] = res.json().details;
    expect(details.find((d) => d.path === "body.advertFlags")?.message).toContain(
      advertisementDialogLabels.notMandatoryOverSlowLinks,
    );
    expect(details.find((d) => d.path === "body.expirationTime")?.message).toMatch(/expire after its start time/);
    expect(await t.db.prisma.advertisement.count()).toBe(1);
  });

  it("needs the program to exist in the named package and the collection to exist", async () => {
    const noProgram = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/advertisements",
      payload: { ...advertisementBody, advertisementId: "CEN2000C", programName: "Nope" },
    });
    expect(noProgram.statusCode).toBe(404);
    expect(noProgram.json().message).toContain('has no program "Nope"');
    const noCollection = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/advertisements",
      payload: { ...advertisementBody, advertisementId: "CEN2000C", collectionId: "CEN000FF" },
    });
    expect(noCollection.statusCode).toBe(400);
    expect(noCollection.json().details[0].path).toBe("body.collectionId");
    const dup = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/advertisements",
      payload: advertisementBody,
    });
    expect(dup.statusCode).toBe(409);
  });

  it("are changed only by SMS administrators", async () => {
    const lead = await userWithRole(t, "ERT_LEAD");
    expect((await lead.inject({ method: "GET", url: adUrl })).statusCode).toBe(200);
    expect(
      (await lead.inject({ method: "PUT", url: adUrl, payload: advertisementBody, headers: { "if-match": 'W/"2"' } }))
        .statusCode,
    ).toBe(403);
  });
});

describe("packages and programs", () => {
  it("a new package targets every distribution point at source version 1", async () => {
    const res = await smsAdmin.inject({
      method: "GET",
      url: `/api/fleets/production/packages/${packageBody.packageId}`,
    });
    const pkg = res.json<PackageDetail>();
    expect(pkg.distributions.map((d) => [d.serverName, d.state, d.storedVersion])).toEqual([
      ["BRN-DP01", "PENDING", 0],
      ["CEN-SMS01", "PENDING", 0],
    ]);
    expect(pkg).toMatchObject({ dpCount: 2, dpCurrentCount: 0, sourceVersion: 1 });
    expect(pkg.programs[0]).toMatchObject({ programName: programBody.programName, disabled: false });
  });

  it("refreshing the source bumps the source version", async () => {
    const res = await smsAdmin.inject({
      method: "PATCH",
      url: `/api/fleets/production/packages/${packageBody.packageId}`,
      payload: { refreshSource: true },
      headers: { "if-match": 'W/"1"' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ sourceVersion: 2, version: 2 });
  });

  it('"Disable this program on computers where it is advertised" sets DISABLED and shows on the advertisement', async () => {
    const url = `/api/fleets/production/packages/${packageBody.packageId}/programs/${encodeURIComponent(programBody.programName)}`;
    const res = await smsAdmin.inject({
      method: "PATCH",
      url,
      payload: { disabled: true },
      headers: { "if-match": 'W/"1"' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().disabled).toBe(true);
    expect(res.json().programFlags & 0x1000).toBe(0x1000);
    expect((await smsAdmin.inject({ method: "GET", url: adUrl })).json().programDisabled).toBe(true);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "program.disable" } })).toBe(1);
  });

  it("refuses a program for a different package and conflicting flags", async () => {
    const other = await smsAdmin.inject({
      method: "POST",
      url: `/api/fleets/production/packages/${packageBody.packageId}/programs`,
      payload: { ...programBody, packageId: "CEN00099", programName: "x" },
    });
    expect(other.statusCode).toBe(400);
    const conflicting = await smsAdmin.inject({
      method: "POST",
      url: `/api/fleets/production/packages/${packageBody.packageId}/programs`,
      payload: { ...programBody, programName: "y", programFlags: 0x00004000 | 0x00020000 },
    });
    expect(conflicting.statusCode).toBe(400);
    expect(conflicting.json().details[0].path).toBe("body.programFlags");
  });
});
