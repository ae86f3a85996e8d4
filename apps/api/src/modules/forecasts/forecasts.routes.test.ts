import { describe, expect, it } from "vitest";
import {
  AdvertFlags,
  ForecastResultSchema,
  PRODUCTION_FLEET_ID,
  type AdvertisementRecord,
  type ApplyForecastPreview,
  type ApplyForecastResult,
  type ForecastList,
  type ForecastRecord,
  type ForecastVsActual,
} from "@firebreak/domain";
import { buildTestApp } from "../../../test/helpers.js";
import { buildScenario } from "../emergencies/emergencies.fixture.js";
import { advertisementChangeSentences, forecastError, pickForecast, sameSchedule } from "./forecasts.compare.js";
import { FORECASTS, startForecast, waitForForecast } from "./forecasts.fixture.js";

// The war-room scenario: the small fleet with the CEN → BRN address restricted (business hours,
// pulse mode), advertisement CEN2000A as SMS creates it (slow-link box checked) and an Emergency
// case in READY.
const t = await buildTestApp();
const { lead, member, smsAdmin, observer, readyCase } = await buildScenario(t);
const AD = "/api/fleets/production/advertisements/CEN2000A";
const fromAd = (o: Record<string, unknown> = {}) => ({
  fromAdvertisement: { advertisementId: "CEN2000A", startTime: "2026-11-20T08:00:00.000Z" },
  caseId: readyCase.id,
  runs: 5,
  ...o,
});
const messages = (body: string) =>
  (JSON.parse(body) as { details?: { path: string; message: string }[] }).details?.map(
    (d) => `${d.path}: ${d.message}`,
  );

const first = await startForecast(member, fromAd());
const done = await waitForForecast(member, first.id);

describe("running a forecast", () => {
  it("answers 202 at once, shows progress while it runs, then DONE with a result that parses", () => {
    expect(first).toMatchObject({
      status: "QUEUED",
      runsDone: 0,
      caseId: readyCase.id,
      advertisementId: "CEN2000A",
      priority: "EMERGENCY",
      source: { advertisementId: "CEN2000A", advertisementVersion: 1, packageId: "CEN00021" },
      result: null,
    });
    expect(first.runsTotal).toBe(20);
    // Never more done than planned, never going back.
    const done1 = done.seen.map((s) => s.runsDone);
    expect(done1).toEqual([...done1].sort((a, b) => a - b));
    for (const s of done.seen) expect(s.runsDone).toBeLessThanOrEqual(s.runsTotal);
    const r = done.final;
    expect(r.status, r.error ?? "").toBe("DONE");
    expect(r.runsDone).toBe(r.runsTotal);
    expect(r.finishedAt).not.toBeNull();
    const result = ForecastResultSchema.parse(r.result);
    expect(result.variants.map((v) => v.variant)).toEqual([
      "AS_DRAFTED",
      "SLOW_LINK_CLEARED",
      "SENDERS_UNRESTRICTED",
      "COURIER_FOR_THIN_LINKS",
    ]);
    expect(result.sampling.targets).toBe(4);
    expect(result.startTime).toBe("2026-11-20T08:00:00.000Z");
    // The draft came from the database: the package, the slow-link box, the case's SLA clock.
    expect(r.request.draft.package).toMatchObject({ packageId: "CEN00021", sizeKB: 1300 });
    expect(AdvertFlags.has(r.request.draft.advertisement.advertFlags, "ONSLOWNET")).toBe(false);
    expect(r.request.slaStartedAt).toBeDefined();
    expect(r.request.programSuccessPct).toBe(99);
    const slow = result.variants.find((v) => v.variant === "SLOW_LINK_CLEARED")!;
    expect(AdvertFlags.has(slow.changes.advertFlags, "ONSLOWNET")).toBe(true);
    const senders = result.variants.find((v) => v.variant === "SENDERS_UNRESTRICTED")!;
    expect(senders.changes.openedAddressIds).toEqual(["CEN-BRN-LAN"]);
  });

  it("is audited, listed per case and per advertisement, and readable by an observer but not startable", async () => {
    const audit = await t.db.prisma.auditEntry.findFirst({ where: { action: "forecast.create", entityId: first.id } });
    expect(audit?.actorName).toBe(member.username);
    for (const q of [`caseId=${readyCase.id}`, "advertisementId=CEN2000A"]) {
      const list = await observer.inject({ method: "GET", url: `${FORECASTS}?${q}` });
      expect(list.statusCode).toBe(200);
      expect(list.json<ForecastList>().items.map((i) => i.id)).toContain(first.id);
    }
    expect((await observer.inject({ method: "GET", url: `${FORECASTS}/${first.id}` })).statusCode).toBe(200);
    const refused = await observer.inject({ method: "POST", url: FORECASTS, payload: fromAd() });
    expect(refused.statusCode).toBe(403);
    const missing = await member.inject({ method: "GET", url: `${FORECASTS}/00000000-0000-4000-8000-000000000000` });
    expect(missing.statusCode).toBe(404);
  });
});

describe("forecasts under way", () => {
  it("two identical requests at the same moment make one forecast", async () => {
    const payload = fromAd({ seed: 31 });
    const [a, b] = await Promise.all([
      member.inject({ method: "POST", url: FORECASTS, payload }),
      lead.inject({ method: "POST", url: FORECASTS, payload }),
    ]);
    expect([a.statusCode, b.statusCode], a.body + b.body).toEqual([202, 202]);
    expect(b.json<ForecastRecord>().id).toBe(a.json<ForecastRecord>().id);
    expect(await t.db.prisma.forecast.count({ where: { request: { path: ["request", "seed"], equals: 31 } } })).toBe(1);
    expect((await waitForForecast(member, a.json<ForecastRecord>().id)).final.status).toBe("DONE");
  });

  it("fails a forecast whose server stopped marking it alive two minutes ago; an old one still alive keeps running", async () => {
    const request = (await t.db.prisma.forecast.findUniqueOrThrow({ where: { id: first.id } })).request ?? {};
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const row = (heartbeatAt: Date, createdAt: Date) =>
      t.db.prisma.forecast.create({
        data: {
          fleetId: PRODUCTION_FLEET_ID,
          caseId: readyCase.id,
          status: "RUNNING",
          runsTotal: 20,
          request,
          ownerId: "another-server",
          heartbeatAt,
          createdAt,
        },
        select: { id: true },
      });
    const dead = await row(minutesAgo(3), minutesAgo(4));
    const alive = await row(minutesAgo(0.5), minutesAgo(20));
    const list = await observer.inject({ method: "GET", url: `${FORECASTS}?caseId=${readyCase.id}` });
    const items = list.json<ForecastList>().items;
    expect(items.find((i) => i.id === dead.id)).toMatchObject({
      status: "FAILED",
      error: "The forecast was interrupted (its server stopped). Run it again.",
    });
    expect(items.find((i) => i.id === alive.id)?.status).toBe("RUNNING");
    await t.db.prisma.forecast.update({ where: { id: alive.id }, data: { status: "FAILED" } });
  });
});

describe("validation", () => {
  it("refuses bad options with 400 and messages a user can act on", async () => {
    const few = await member.inject({ method: "POST", url: FORECASTS, payload: fromAd({ runs: 4 }) });
    expect(few.statusCode).toBe(400);
    expect(messages(few.body)).toEqual(["body.runs: Use at least 5 runs"]);
    const neither = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: { runs: 5, priority: "EMERGENCY" },
    });
    expect(neither.statusCode).toBe(400);
    expect(neither.body).toContain("Give either a draft or the advertisement to start from");
    const twice = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: fromAd({ variants: ["AS_DRAFTED", "AS_DRAFTED"] }),
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain("Choose each variant once");
  });

  it("names an unknown advertisement, collection or site, a missing priority and a foreign case", async () => {
    const rowsBefore = await t.db.prisma.forecast.count();
    const noAd = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: fromAd({ fromAdvertisement: { advertisementId: "CEN2FFFF" } }),
    });
    expect(noAd.statusCode).toBe(400);
    expect(noAd.json()).toMatchObject({ message: "No advertisement CEN2FFFF." });

    const draft = done.final.request.draft;
    const noCollection = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: {
        draft: { ...draft, advertisement: { ...draft.advertisement, collectionId: "CEN0FFFF" } },
        priority: "EMERGENCY",
        runs: 5,
      },
    });
    expect(noCollection.statusCode).toBe(400);
    expect(noCollection.json()).toMatchObject({
      message: "No collection CEN0FFFF in this fleet.",
      details: [{ path: "body.draft.advertisement.collectionId", message: "no such collection" }],
    });

    const noSite = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: fromAd({ fromAdvertisement: { advertisementId: "CEN2000A", courierSiteCodes: ["ZZZ"] } }),
    });
    expect(noSite.statusCode).toBe(400);
    expect(noSite.json()).toMatchObject({ message: "Site ZZZ is not in this fleet." });

    const noPriority = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: { fromAdvertisement: { advertisementId: "CEN2000A" }, runs: 5 },
    });
    expect(noPriority.statusCode).toBe(400);
    expect(noPriority.json().message).toBe("Choose the release priority whose target and maximum the forecast judges.");

    const badDraft = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: { draft: { ...draft, program: { ...draft.program, packageId: "CEN0FFFF" } }, priority: "HIGH", runs: 5 },
    });
    expect(badDraft.statusCode).toBe(400);
    expect(messages(badDraft.body)).toContain(
      "body.draft.program.packageId: The program must belong to the package being forecast",
    );

    const foreignCase = await member.inject({
      method: "POST",
      url: FORECASTS,
      payload: fromAd({ caseId: "00000000-0000-4000-8000-000000000000" }),
    });
    expect(foreignCase.statusCode).toBe(400);
    expect(foreignCase.json().details).toEqual([{ path: "body.caseId", message: "no such case in this fleet" }]);
    // None of them made a row.
    expect(await t.db.prisma.forecast.count()).toBe(rowsBefore);
  });
});

describe("applying a variant", () => {
  it("previews exactly what changes, then clears the slow-link box with If-Match, audited in the case's timeline", async () => {
    const preview = await lead.inject({
      method: "GET",
      url: `${FORECASTS}/${first.id}/apply-preview?variant=SLOW_LINK_CLEARED`,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json<ApplyForecastPreview>()).toMatchObject({
      advertisementVersion: 1,
      changedSinceForecast: false,
      nothingLeft: false,
      tasks: [],
      changes: [
        {
          entity: "ADVERTISEMENT",
          id: "CEN2000A",
          summary:
            "Advertisement CEN2000A: “Assignments are not mandatory over slow links” cleared (ONSLOWNET set): slow-link clients are forced too.",
        },
      ],
    });

    const url = `${FORECASTS}/${first.id}/apply`;
    const payload = { variant: "SLOW_LINK_CLEARED" };
    expect((await member.inject({ method: "POST", url, payload, headers: { "if-match": 'W/"1"' } })).statusCode).toBe(
      403,
    );
    expect((await lead.inject({ method: "POST", url, payload })).statusCode).toBe(428);
    const stale = await lead.inject({ method: "POST", url, payload, headers: { "if-match": 'W/"0"' } });
    expect(stale.statusCode).toBe(412);
    expect((await smsAdmin.inject({ method: "GET", url: AD })).json<AdvertisementRecord>().version).toBe(1);

    const res = await lead.inject({ method: "POST", url, payload, headers: { "if-match": 'W/"1"' } });
    expect(res.statusCode, res.body).toBe(200);
    const applied = res.json<ApplyForecastResult>();
    expect(applied).toMatchObject({ applied: true, variant: "SLOW_LINK_CLEARED", tasksCreated: 0 });
    expect(applied.advertisement).toMatchObject({ version: 2, mandatoryOverSlowLinks: true });
    expect(res.headers.etag).toBe('W/"2"');

    const audit = await t.db.prisma.auditEntry.findMany({
      where: { action: { in: ["advertisement.forecast_apply", "forecast.apply"] } },
      orderBy: { seq: "asc" },
    });
    expect(audit.map((a) => [a.action, a.entityId, a.actorName])).toEqual([
      ["advertisement.forecast_apply", "CEN2000A", lead.username],
      ["forecast.apply", first.id, lead.username],
    ]);
    expect((audit[0]!.before as AdvertisementRecord).mandatoryOverSlowLinks).toBe(false);
    expect((audit[0]!.after as AdvertisementRecord).mandatoryOverSlowLinks).toBe(true);
    const events = await t.db.prisma.timelineEvent.findMany({
      where: { caseId: readyCase.id, type: "ADVERTISEMENT_CHANGED" },
    });
    expect(events).toHaveLength(1);
    const record = await member.inject({ method: "GET", url: `${FORECASTS}/${first.id}` });
    expect(record.json<ForecastRecord>().applied).toMatchObject({ variant: "SLOW_LINK_CLEARED", by: lead.username });
  });

  it("applying the same variant again changes nothing; another variant of the old forecast is refused (409)", async () => {
    const url = `${FORECASTS}/${first.id}/apply`;
    // A retry of the apply that succeeded (its answer lost) still holds the old version: not a 412.
    const retried = await lead.inject({
      method: "POST",
      url,
      payload: { variant: "SLOW_LINK_CLEARED" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json<ApplyForecastResult>()).toMatchObject({ applied: false, advertisement: { version: 2 } });
    const again = await lead.inject({
      method: "POST",
      url,
      payload: { variant: "SLOW_LINK_CLEARED" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<ApplyForecastResult>()).toMatchObject({
      applied: false,
      message: "Nothing left to do: every change of this variant is in place already.",
      changes: [],
      advertisement: { version: 2 },
    });
    const other = await smsAdmin.inject({
      method: "POST",
      url,
      payload: { variant: "SENDERS_UNRESTRICTED" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().message).toBe(
      "Advertisement CEN2000A was changed after this forecast was made (version 1 then, 2 now). Run the forecast again, then apply a variant.",
    );
    expect(await t.db.prisma.auditEntry.count({ where: { action: "forecast.apply" } })).toBe(1);
  });

  it("a fresh forecast opens the restricted address, saves its settings and plans their restore", async () => {
    const fresh = await startForecast(smsAdmin, fromAd({ variants: ["AS_DRAFTED", "SENDERS_UNRESTRICTED"] }));
    const { final } = await waitForForecast(smsAdmin, fresh.id);
    expect(final.status, final.error ?? "").toBe("DONE");
    expect(final.runsTotal).toBe(10);
    // The draft now starts from the changed advertisement.
    expect(AdvertFlags.has(final.request.draft.advertisement.advertFlags, "ONSLOWNET")).toBe(true);
    const before = await t.db.prisma.senderAddress.findFirstOrThrow({ where: { addressId: "CEN-BRN-LAN" } });
    const res = await smsAdmin.inject({
      method: "POST",
      url: `${FORECASTS}/${fresh.id}/apply`,
      payload: { variant: "SENDERS_UNRESTRICTED" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<ApplyForecastResult>()).toMatchObject({
      applied: true,
      tasksCreated: 1,
      changes: [{ entity: "SENDER_ADDRESS", id: "CEN-BRN-LAN" }],
      advertisement: { version: 2 },
    });
    const after = await t.db.prisma.senderAddress.findFirstOrThrow({ where: { addressId: "CEN-BRN-LAN" } });
    expect(after.rateLimit).toEqual({ mode: "UNLIMITED" });
    expect((after.usageSchedule as number[][]).flat().every((h) => h === 1)).toBe(true);
    expect(after.savedBaseline).toEqual({ usageSchedule: before.usageSchedule, rateLimit: before.rateLimit });
    const restore = await t.db.prisma.outOfBandTask.findMany({ where: { kind: "SENDER_RESTORE" } });
    expect(restore.map((r) => [r.targetKey, r.caseId, r.state])).toEqual([["CEN-BRN-LAN", readyCase.id, "OPEN"]]);
    expect(
      await t.db.prisma.auditEntry.count({ where: { action: "sender_address.relax", entityId: "CEN-BRN-LAN" } }),
    ).toBe(1);
    // Twice: nothing more, no second task.
    const again = await smsAdmin.inject({
      method: "POST",
      url: `${FORECASTS}/${fresh.id}/apply`,
      payload: { variant: "SENDERS_UNRESTRICTED" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(again.json<ApplyForecastResult>().applied).toBe(false);
    expect(await t.db.prisma.outOfBandTask.count({ where: { kind: "SENDER_RESTORE" } })).toBe(1);
  });

  it("refuses a forecast that is not done, a variant it did not compute, and a draft with no advertisement", async () => {
    // A forecast another server is computing (its row alive, nobody here plays it): never done here.
    const running = await t.db.prisma.forecast.create({
      data: {
        fleetId: PRODUCTION_FLEET_ID,
        caseId: readyCase.id,
        advertisementId: "CEN2000A",
        status: "RUNNING",
        runsDone: 3,
        runsTotal: 20,
        request: (await t.db.prisma.forecast.findUniqueOrThrow({ where: { id: first.id } })).request ?? {},
        ownerId: "another-server",
        heartbeatAt: new Date(),
      },
    });
    const early = await lead.inject({
      method: "POST",
      url: `${FORECASTS}/${running.id}/apply`,
      payload: { variant: "AS_DRAFTED" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().message).toBe("The forecast is running: a variant can be applied once it is done.");
    const fresh = await startForecast(member, fromAd({ variants: ["AS_DRAFTED"], seed: 9 }));
    await waitForForecast(member, fresh.id);
    const notComputed = await lead.inject({
      method: "POST",
      url: `${FORECASTS}/${fresh.id}/apply`,
      payload: { variant: "SLOW_LINK_CLEARED" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(notComputed.statusCode).toBe(400);
    expect(notComputed.json().message).toBe(
      "This forecast did not compute “Slow-link box cleared”. Choose one of: As drafted.",
    );

    const draft = done.final.request.draft;
    const newAd = { ...draft.advertisement, advertisementId: "CEN2FFFE" };
    const ofDraft = await startForecast(member, {
      draft: { ...draft, advertisement: newAd },
      priority: "HIGH",
      runs: 5,
    });
    expect(ofDraft.source).toBeNull();
    await waitForForecast(member, ofDraft.id);
    const nothing = await lead.inject({
      method: "POST",
      url: `${FORECASTS}/${ofDraft.id}/apply`,
      payload: { variant: "AS_DRAFTED" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().message).toContain("not an advertisement yet");
  });
});

describe("what apply can carry out", () => {
  it("a full draft that differs from the advertisement of its ID is not linked to it; apply refuses listing the differences", async () => {
    const draft = done.final.request.draft;
    const asStored = await startForecast(member, { draft, priority: "HIGH", runs: 5, variants: ["AS_DRAFTED"] });
    expect(asStored.source).toMatchObject({ advertisementId: "CEN2000A", packageId: "CEN00021" });

    const bigger = await startForecast(member, {
      draft: {
        ...draft,
        package: { ...draft.package, sizeKB: 99_999 },
        advertisement: { ...draft.advertisement, collectionId: "CEN00010", includeSubCollection: false },
      },
      priority: "HIGH",
      runs: 5,
      variants: ["AS_DRAFTED"],
    });
    expect(bigger.source).toBeNull();
    expect(bigger.advertisementId).toBeNull();
    await waitForForecast(member, asStored.id);
    await waitForForecast(member, bigger.id);
    const res = await lead.inject({
      method: "POST",
      url: `${FORECASTS}/${bigger.id}/apply`,
      payload: { variant: "AS_DRAFTED" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain("differs from advertisement CEN2000A");
    expect(messages(res.body)).toContain("draft: package size (KB): 1300 in the advertisement, 99999 in the draft");
  });

  it("keeps the Courier plan on the package: a DP status report does not undo it, the next forecast reads it", async () => {
    const courier = await startForecast(
      smsAdmin,
      fromAd({ variants: ["COURIER_FOR_THIN_LINKS"], courierThresholdKbps: 1_000_000 }),
    );
    const { final } = await waitForForecast(smsAdmin, courier.id);
    expect(final.status, final.error ?? "").toBe("DONE");
    const v = final.result!.variants[0]!;
    expect(v.changes.courierSiteCodes).toEqual(["BRN"]);
    const url = `${FORECASTS}/${courier.id}`;
    const pkg = await t.db.prisma.package.findFirstOrThrow({ where: { packageId: "CEN00021" } });
    // First without the package on a BRN distribution point: apply cannot plan the parcel and says so.
    await t.db.prisma.packageDistribution.deleteMany({ where: { packageRowId: pkg.id, siteCode: "BRN" } });
    const without = (
      await lead.inject({ method: "GET", url: `${url}/apply-preview?variant=COURIER_FOR_THIN_LINKS` })
    ).json<ApplyForecastPreview>();
    expect(without.notApplied).toEqual([
      "Site BRN: package CEN00021 is not assigned to a distribution point there, so no Courier parcel can be planned; add the site's DP to the package first.",
    ]);
    expect(without.nothingLeft).toBe(true);
    expect(without.message).not.toContain("every change of this variant is in place");
    await t.db.prisma.packageDistribution.create({
      data: { packageRowId: pkg.id, serverName: "BRN-DP01", siteCode: "BRN" },
    });
    const preview = (
      await lead.inject({ method: "GET", url: `${url}/apply-preview?variant=COURIER_FOR_THIN_LINKS` })
    ).json<ApplyForecastPreview>();
    expect(preview).toMatchObject({ nothingLeft: false, notApplied: [] });
    const res = await lead.inject({
      method: "POST",
      url: `${url}/apply`,
      payload: { variant: "COURIER_FOR_THIN_LINKS" },
      headers: { "if-match": 'W/"2"' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<ApplyForecastResult>()).toMatchObject({ applied: true, notApplied: [] });
    expect((await t.db.prisma.package.findUniqueOrThrow({ where: { id: pkg.id } })).courierSiteCodes).toEqual(["BRN"]);
    // The next DP status report says "network" again, as ingest writes it.
    await t.db.prisma.packageDistribution.updateMany({ where: { packageRowId: pkg.id }, data: { via: "NETWORK" } });
    const next = await startForecast(smsAdmin, fromAd({ variants: ["AS_DRAFTED"], seed: 11 }));
    expect(next.request.draft.distribution.courierSiteCodes).toEqual(["BRN"]);
    await waitForForecast(smsAdmin, next.id);
    const again = await lead.inject({ method: "GET", url: `${url}/apply-preview?variant=COURIER_FOR_THIN_LINKS` });
    expect(again.json<ApplyForecastPreview>()).toMatchObject({ nothingLeft: true, notApplied: [] });
  });
});

describe("forecast beside what happened", () => {
  it("gives the case's forecast band and the advertisement's actual curve (empty before any status)", async () => {
    const res = await observer.inject({ method: "GET", url: `/api/cases/${readyCase.id}/forecast-vs-actual` });
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json<ForecastVsActual>();
    expect(v.advertisementId).toBe("CEN2000A");
    expect(v.forecast?.band.length).toBeGreaterThan(2);
    expect(v.actual).toMatchObject({ targeted: 4, coverage: [] });
    expect(v.error).toBeNull();
    expect(v.note).toContain("no success inside the forecast's time range yet");
  });

  it("judges the applied forecast, moved to the deployment's real start, against the actual curve held until now", async () => {
    // The deployment started at 10:00, two hours after the start the forecasts assumed (08:00).
    const caseRow = await t.db.prisma.updateCase.findUniqueOrThrow({ where: { id: readyCase.id } });
    await t.db.prisma.updateCase.update({
      where: { id: readyCase.id },
      data: {
        record: {
          ...(caseRow.record as object),
          advertisementId: "CEN2000A",
          deploymentStartedAt: "2026-11-20T10:00:00.000Z",
        },
      },
    });
    // Two of the four targets succeed, then the rollout stalls.
    const token = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/ingest-tokens",
      payload: { name: "forecast-forwarder", siteCodes: ["CEN", "BRN"] },
    });
    expect(token.statusCode, token.body).toBe(201);
    const status = (resourceId: number, machineName: string, time: string) => ({
      messageId: 10008,
      machineName,
      resourceId,
      siteCode: "CEN",
      advertisementId: "CEN2000A",
      time,
      exitCode: 0,
    });
    const ingest = await t.app.inject({
      method: "POST",
      url: "/api/ingest/status-messages",
      headers: { authorization: `Bearer ${token.json<{ token: string }>().token}` },
      payload: {
        batchId: "forecast-vs-actual-1",
        messages: [
          status(1001, "CEN-WS001", "2026-11-20T10:20:00.000Z"),
          status(1002, "CEN-WS002", "2026-11-20T10:40:00.000Z"),
        ],
      },
    });
    expect(ingest.statusCode, ingest.body).toBe(200);

    const v = (
      await observer.inject({ method: "GET", url: `/api/cases/${readyCase.id}/forecast-vs-actual` })
    ).json<ForecastVsActual>();
    // The forecast a variant was applied from last (the tests above applied some), though newer ones are done.
    const lastApply = await t.db.prisma.auditEntry.findFirst({
      where: { action: "forecast.apply" },
      orderBy: { seq: "desc" },
    });
    const newest = await t.db.prisma.forecast.findFirst({
      where: { caseId: readyCase.id, status: "DONE" },
      orderBy: { createdAt: "desc" },
    });
    expect(lastApply?.entityId).toBeDefined();
    expect(newest?.id).not.toBe(lastApply?.entityId);
    expect(v.forecast).toMatchObject({
      id: lastApply!.entityId,
      picked: "APPLIED",
      variant: (lastApply!.after as { variant: string }).variant,
      forecastStartTime: "2026-11-20T08:00:00.000Z",
      startTime: "2026-11-20T10:00:00.000Z",
      offsetMinutes: 120,
    });
    const band = v.forecast!.band;
    expect(band[0]!.at).toBe("2026-11-20T10:00:00.000Z");
    expect(v.actual!.coverage.length).toBeGreaterThan(1);
    expect(v.actual!.coverage.at(-1)!.pct).toBe(50);
    // The stall counts: the error runs until now (or the band's end), at 50 % since 10:40.
    expect(v.error).not.toBeNull();
    const asOf = v.actual!.asOf;
    expect(v.error!.to).toBe(Date.parse(asOf) < Date.parse(band.at(-1)!.at) ? asOf : band.at(-1)!.at);
    expect(v.error!.points).toBeGreaterThan(v.actual!.coverage.length);
    expect(v.note).toContain("The band is moved 2 h later, to the deployment's real start.");
  });

  it("measures the error over the band until now, holding the actual curve's last value (a stall counts)", () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 20, 8) + h * 3_600_000).toISOString();
    const band = [0, 1, 2, 3].map((h) => ({ hours: h, at: at(h), p10: h * 20, p50: h * 25, p90: h * 30 }));
    const coverage = [
      { at: at(1), succeeded: 1, pct: 30 },
      { at: at(2), succeeded: 2, pct: 50 },
      { at: at(2.5), succeeded: 2, pct: 62.5 },
    ];
    // At 0, 1, 2, 2.5 and 3 h: |0−0|, |30−25|, |50−50|, |62.5−62.5|, |62.5−75| (stalled).
    expect(forecastError(band, coverage, Date.parse(at(10)))).toEqual({
      meanAbsPp: 3.5,
      maxAbsPp: 12.5,
      insideBandPct: 100,
      points: 5,
      from: at(0),
      to: at(3),
    });
    // Until 2 h only: the later points are not judged yet.
    expect(forecastError(band, coverage, Date.parse(at(2)))).toMatchObject({ points: 3, to: at(2), maxAbsPp: 5 });
    // Nothing reported two hours in: 0 % held against the median.
    expect(forecastError(band, [], Date.parse(at(2)))).toMatchObject({ meanAbsPp: 25, points: 3 });
    expect(forecastError(band, coverage, Date.parse(at(-1)))).toBeNull();
  });

  it("picks the applied forecast, else the last made before the deployment started, else the newest", () => {
    const rows = ["c", "b", "a"].map((id, i) => ({ id, createdAt: new Date(Date.UTC(2026, 10, 20, 12 - i * 2)) }));
    // c 12:00, b 10:00, a 08:00
    expect(pickForecast(rows, new Map([["a", new Date()]]), "2026-11-20T11:00:00.000Z")).toMatchObject({
      row: { id: "a" },
      picked: "APPLIED",
    });
    expect(pickForecast(rows, new Map(), "2026-11-20T11:00:00.000Z")).toMatchObject({
      row: { id: "b" },
      picked: "BEFORE_DEPLOYMENT",
    });
    expect(pickForecast(rows, new Map(), null)).toMatchObject({ row: { id: "c" }, picked: "NEWEST" });
    expect(pickForecast([], new Map(), null)).toBeNull();
  });
});

describe("the schedule apply compares", () => {
  it("is the same at the same instants however they are written, and different when a start or recurrence moves", () => {
    const flags = { advertFlags: 0, remoteClientFlags: 0, assignedScheduleEnabled: true };
    const a = [{ startTime: "2026-11-20T08:00:00Z" }];
    const b = [{ startTime: "2026-11-20T08:00:00.000Z", recurIntervalMinutes: null }];
    expect(sameSchedule(a, b)).toBe(true);
    expect(advertisementChangeSentences({ ...flags, assignedSchedule: a }, { ...flags, assignedSchedule: b })).toEqual(
      [],
    );
    expect(sameSchedule(a, [{ startTime: "2026-11-20T08:00:30.000Z" }])).toBe(false);
    expect(sameSchedule(a, [{ startTime: "2026-11-20T08:00:00Z", recurIntervalMinutes: 60 }])).toBe(false);
    expect(sameSchedule(a, [])).toBe(false);
  });
});
