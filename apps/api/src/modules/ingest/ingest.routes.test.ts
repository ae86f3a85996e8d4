import { describe, expect, it } from "vitest";
import type { AdvertisementStatusSummary, IngestResult } from "@firebreak/domain";
import { buildTestApp, userWithRole } from "../../../test/helpers.js";
import { buildDistribution } from "../../../test/fleet-fixture.js";

const t = await buildTestApp();
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
await buildDistribution(smsAdmin);
const tokenRes = await smsAdmin.inject({
  method: "POST",
  url: "/api/fleets/production/ingest-tokens",
  payload: { name: "CEN forwarder", siteCodes: ["CEN", "BRN"] },
});
const token: string = tokenRes.json().token;
const cenOnly: string = (
  await smsAdmin.inject({
    method: "POST",
    url: "/api/fleets/production/ingest-tokens",
    payload: { name: "CEN only", siteCodes: ["CEN"] },
  })
).json().token;

let n = 0;
const batchId = () => `batch-${Date.now()}-${n++}`;
const msg = (resourceId: number, messageId: number, time: string, extra: Record<string, unknown> = {}) => ({
  messageId,
  machineName: resourceId === 1003 ? "BRN-LT001" : `CEN-WS00${resourceId - 1000}`,
  resourceId,
  siteCode: resourceId === 1003 ? "BRN" : "CEN",
  advertisementId: "CEN2000A",
  time,
  ...extra,
});
const post = (payload: unknown, bearer = token, url = "/api/ingest/status-messages") =>
  t.app.inject({ method: "POST", url, payload: payload as object, headers: { authorization: `Bearer ${bearer}` } });
const statusOf = async () =>
  (
    await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/advertisements/CEN2000A/status" })
  ).json<AdvertisementStatusSummary>();
const storedMessages = () => t.db.prisma.statusMessage.count();

describe("status ingest", () => {
  it("is shown once when an SMS administrator makes a token, and only its hash is stored", async () => {
    expect(tokenRes.statusCode).toBe(201);
    expect(token).toMatch(/^fbi_/);
    expect(await t.db.prisma.ingestToken.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("stores a good batch, moves client states and answers with counts", async () => {
    const res = await post({
      batchId: batchId(),
      messages: [
        msg(1001, 10002, "2026-11-20T09:00:00Z"),
        msg(1001, 10005, "2026-11-20T09:05:00Z"),
        msg(1001, 10008, "2026-11-20T09:07:00Z", { exitCode: 0 }),
        msg(1002, 10002, "2026-11-20T09:01:00Z"),
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<IngestResult>()).toMatchObject({ accepted: 4, clientStatesChanged: 2, replay: false });
    const s = await statusOf();
    expect(s).toMatchObject({ targeted: 3, succeeded: 1, noStatus: 1, byState: { SUCCEEDED: 1, ACCEPTED: 1 } });
    expect(s.compliancePct).toBeCloseTo(33.33, 1);
  });

  it("returns the first answer for a re-sent batch id and stores nothing twice", async () => {
    const id = batchId();
    const body = { batchId: id, messages: [msg(1002, 10005, "2026-11-20T10:00:00Z")] };
    const first = await post(body);
    const before = await storedMessages();
    const again = await post(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...first.json(), replay: true });
    expect(await storedMessages()).toBe(before);
  });

  it("refuses a known batch id with different rows (409) instead of silently dropping them", async () => {
    const id = batchId();
    await post({ batchId: id, messages: [msg(1002, 10002, "2026-11-20T10:10:00Z")] });
    const other = await post({ batchId: id, messages: [msg(1002, 10008, "2026-11-20T10:20:00Z")] });
    expect(other.statusCode).toBe(409);
    expect(other.json().message).toMatch(/different rows; nothing was stored/);
  });

  it("stores a batch once when the same batch id arrives twice at the same moment", async () => {
    const body = { batchId: batchId(), messages: [msg(1002, 10002, "2026-11-20T10:30:00Z")] };
    const before = await storedMessages();
    const [a, b] = await Promise.all([post(body), post(body)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect([a.json().replay, b.json().replay].sort()).toEqual([false, true]);
    expect(await storedMessages()).toBe(before + 1);
  });

  it("rejects a batch with one bad row, naming the row, and stores nothing", async () => {
    const before = await storedMessages();
    const res = await post({
      batchId: batchId(),
      messages: [
        msg(1002, 10008, "2026-11-20T11:00:00Z"),
        msg(9999, 10008, "2026-11-20T11:00:00Z"),
        { ...msg(1001, 10008, "2026-11-20T11:00:00Z"), advertisementId: "CEN2FFFF" },
      ],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.message).toMatch(/nothing was stored: 2 rows are not valid/);
    expect(body.details).toEqual([
      { path: "messages.1.resourceId", message: "no computer with resource id 9999" },
      { path: "messages.2.advertisementId", message: "no advertisement CEN2FFFF" },
    ]);
    expect(await storedMessages()).toBe(before);
    expect((await statusOf()).byState.SUCCEEDED).toBe(1);
  });

  it("validates the batch shape with field paths", async () => {
    const res = await post({ batchId: "short", messages: [{ ...msg(1001, 10008, "yesterday") }] });
    expect(res.statusCode).toBe(400);
    const paths = res.json().details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["body.batchId", "body.messages.0.time"]));
  });

  it("never moves a client backwards on late or out-of-order messages", async () => {
    const res = await post({
      batchId: batchId(),
      messages: [
        msg(1003, 10008, "2026-11-21T12:00:00Z", { exitCode: 3010 }),
        msg(1003, 10005, "2026-11-21T11:58:00Z"),
        msg(1003, 10002, "2026-11-21T11:00:00Z"),
      ],
    });
    expect(res.json().ignoredAsOlder).toBe(2);
    const late = await post({ batchId: batchId(), messages: [msg(1003, 10005, "2026-11-21T11:59:00Z")] });
    expect(late.json()).toMatchObject({ clientStatesChanged: 0, ignoredAsOlder: 1 });
    const row = await t.db.prisma.clientAdvertStatus.findFirst({ where: { resourceId: 1003 } });
    expect(row).toMatchObject({
      lastState: "SUCCEEDED",
      lastStatusMessageId: 10008,
      lastExitCode: 3010n,
      lastAcceptanceMessageId: 10002,
    });
  });

  it("refuses a message that claims another site for a computer than its own", async () => {
    const res = await post({
      batchId: batchId(),
      messages: [{ ...msg(1001, 10009, "2026-11-22T13:00:00Z"), siteCode: "BRN" }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0]).toEqual({
      path: "messages.0.siteCode",
      message: "computer 1001 belongs to site CEN, not BRN",
    });
  });

  it("accepts only sites the token is scoped to, and only with a valid token", async () => {
    const other = await post({ batchId: batchId(), messages: [msg(1003, 10002, "2026-11-21T13:00:00Z")] }, cenOnly);
    expect(other.statusCode).toBe(400);
    expect(other.json().details[0]).toEqual({
      path: "messages.0.siteCode",
      message: "this token may not report for site BRN",
    });
    expect(
      (await post({ batchId: batchId(), messages: [msg(1001, 10002, "2026-11-21T13:00:00Z")] }, "fbi_forged"))
        .statusCode,
    ).toBe(401);
    expect((await t.app.inject({ method: "POST", url: "/api/ingest/status-messages", payload: {} })).statusCode).toBe(
      401,
    );
  });

  it("writes one audit entry per stored batch, naming the forwarder", async () => {
    const entries = await t.db.prisma.auditEntry.findMany({ where: { action: "ingest.status_batch" } });
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(entries[0]!.actorName).toBe("ingest:CEN forwarder");
  });
});

describe("compliance ingest", () => {
  const url = "/api/ingest/compliance";
  it("keeps the newest evidence per computer and update, whatever the arrival order", async () => {
    const newer = await post(
      {
        batchId: batchId(),
        rows: [
          { resourceId: 1001, updateId: "KB823980", state: "INSTALLED", time: "2026-11-20T10:00:00Z", siteCode: "CEN" },
        ],
      },
      token,
      url,
    );
    expect(newer.statusCode, newer.body).toBe(200);
    const older = await post(
      {
        batchId: batchId(),
        rows: [
          { resourceId: 1001, updateId: "KB823980", state: "REQUIRED", time: "2026-11-19T10:00:00Z", siteCode: "CEN" },
        ],
      },
      token,
      url,
    );
    expect(older.json()).toMatchObject({ clientStatesChanged: 0, ignoredAsOlder: 1 });
    const inOne = await post(
      {
        batchId: batchId(),
        rows: [
          { resourceId: 1002, updateId: "KB823980", state: "INSTALLED", time: "2026-11-20T12:00:00Z", siteCode: "CEN" },
          { resourceId: 1002, updateId: "KB823980", state: "REQUIRED", time: "2026-11-20T11:00:00Z", siteCode: "CEN" },
        ],
      },
      token,
      url,
    );
    expect(inOne.statusCode, inOne.body).toBe(200);
    const summary = (await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/compliance" })).json();
    expect(summary.items).toEqual([{ updateId: "KB823980", total: 2, byState: { INSTALLED: 2 }, installedPct: 100 }]);
    const rows = await t.db.prisma.updateCompliance.findMany({ orderBy: { resourceId: "asc" } });
    expect(rows.map((r) => [r.resourceId, r.state])).toEqual([
      [1001, "INSTALLED"],
      [1002, "INSTALLED"],
    ]);
  });
});

describe("distribution-point status ingest", () => {
  it("records where a package's current source version has arrived, newest report winning", async () => {
    const url = "/api/ingest/dp-status";
    const change = (state: string, storedVersion: number, time: string) => ({
      packageId: "CEN00021",
      siteCode: "BRN",
      serverName: "BRN-DP01",
      storedVersion,
      state,
      via: "NETWORK",
      time,
    });
    const res = await post(
      {
        batchId: batchId(),
        changes: [change("IN_PROGRESS", 0, "2026-11-20T08:10:00Z"), change("INSTALLED", 1, "2026-11-20T08:40:00Z")],
      },
      token,
      url,
    );
    expect(res.statusCode, res.body).toBe(200);
    const stale = await post(
      { batchId: batchId(), changes: [change("IN_PROGRESS", 0, "2026-11-20T08:20:00Z")] },
      token,
      url,
    );
    expect(stale.json()).toMatchObject({ clientStatesChanged: 0, ignoredAsOlder: 1 });
    const pkg = (await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/packages/CEN00021" })).json();
    expect(pkg.distributions.find((d: { serverName: string }) => d.serverName === "BRN-DP01")).toMatchObject({
      state: "INSTALLED",
      storedVersion: 1,
      current: true,
    });
    expect(pkg.dpCurrentCount).toBe(1);
    const unknown = await post(
      { batchId: batchId(), changes: [{ ...change("INSTALLED", 1, "2026-11-20T09:00:00Z"), packageId: "CEN0FFFF" }] },
      token,
      url,
    );
    expect(unknown.statusCode).toBe(400);
  });
});
