import { describe, expect, it } from "vitest";
import type {
  AuthorityGrantRecord,
  ChecklistApplyResult,
  ChecklistPreview,
  EmergencyRecord,
  OobTaskPage,
  WarRoom,
} from "@firebreak/domain";
import { buildTestApp, userWithRole } from "../../../test/helpers.js";
import { advertisementBody } from "../../../test/fleet-fixture.js";
import { RESTRICTED_RATE, buildScenario, closeDeadline } from "./emergencies.fixture.js";

const t = await buildTestApp();
const { lead, member, smsAdmin, observer, readyCase } = await buildScenario(t);

const declareBody = { type: "EMERGENCY_RELEASE", title: "Sasser: MS04-011 to every workstation" };
const justification = "The lead is travelling overnight; the member decides until the lead is back";

async function warRoom(id: string): Promise<WarRoom> {
  const res = await observer.inject({ method: "GET", url: `/api/emergencies/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<WarRoom>();
}

let emergency: EmergencyRecord;

describe("declaring an emergency", () => {
  it("refuses an ERT member without authority (403) and anyone signed out (401)", async () => {
    const res = await member.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { ...declareBody, caseIds: [readyCase.id] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/ERT lead/);
    expect((await observer.inject({ method: "POST", url: "/api/emergencies", payload: declareBody })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ method: "POST", url: "/api/emergencies", payload: declareBody })).statusCode).toBe(
      401,
    );
    expect(await t.db.prisma.emergency.count()).toBe(0);
  });

  it("lets the ERT lead declare one for a case: linked, on the timeline, audited", async () => {
    const res = await lead.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { ...declareBody, caseIds: [readyCase.id] },
    });
    expect(res.statusCode, res.body).toBe(201);
    emergency = res.json<EmergencyRecord>();
    expect(res.headers.etag).toBe(`W/"${emergency.version}"`);
    expect(emergency.record).toMatchObject({ state: "DECLARED", type: "EMERGENCY_RELEASE", caseIds: [readyCase.id] });

    const c = (await member.inject({ method: "GET", url: `/api/cases/${readyCase.id}` })).json();
    expect(c.emergencyId).toBe(emergency.id);

    const room = await warRoom(emergency.id);
    expect(room.cases).toHaveLength(1);
    expect(room.cases[0]).toMatchObject({ id: readyCase.id, priority: "EMERGENCY" });
    expect(room.cases[0]!.sla).toMatchObject({ priority: "EMERGENCY", state: "ON_TRACK" });
    expect(room.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(["EMERGENCY_DECLARED", "NOTE"]));
    // The case's own history (opened, transitions) is merged into the war room.
    expect(room.timeline.some((e) => e.type === "CASE_TRANSITION" && e.caseId === readyCase.id)).toBe(true);
    expect(room.roster.find((m) => m.userId === lead.userId)).toMatchObject({ authority: "LEAD" });
    expect(room.roster.find((m) => m.userId === member.userId)).toMatchObject({ authority: null });
    expect(room.roster.some((m) => m.userId === observer.userId)).toBe(false);
    expect(room.oobTaskCounts).toMatchObject({ OPEN: 0, DONE: 0 });

    const audit = await t.db.prisma.auditEntry.findFirst({
      where: { action: "emergency.declare", entityId: emergency.id },
    });
    expect(audit?.underAuthorityGrantId).toBeNull();

    const list = (await observer.inject({ method: "GET", url: "/api/emergencies" })).json();
    expect(list.items.map((e: EmergencyRecord) => e.id)).toEqual([emergency.id]);
  });

  it("goes from declared to active once the response is under way (If-Match)", async () => {
    const url = `/api/emergencies/${emergency.id}/activate`;
    expect((await lead.inject({ method: "POST", url })).statusCode).toBe(428);
    expect((await observer.inject({ method: "POST", url, headers: { "if-match": 'W/"1"' } })).statusCode).toBe(403);
    const res = await lead.inject({ method: "POST", url, headers: { "if-match": `W/"${emergency.version}"` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<EmergencyRecord>()).toMatchObject({ version: emergency.version + 1, record: { state: "ACTIVE" } });
    const stale = await lead.inject({ method: "POST", url, headers: { "if-match": `W/"${emergency.version}"` } });
    expect(stale.statusCode).toBe(412);
    const again = await lead.inject({ method: "POST", url, headers: { "if-match": res.headers.etag as string } });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/already active/);
  });

  it("refuses to put a case into a second open emergency (409)", async () => {
    const res = await lead.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { ...declareBody, type: "WORM_OUTBREAK", caseIds: [readyCase.id] },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/already belongs to the open emergency/);
  });
});

describe("emergency authority grants", () => {
  it("is granted by the ERT lead only, to an ERT member or SMS administrator, for at most 72 hours", async () => {
    const url = `/api/emergencies/${emergency.id}/grants`;
    const body = { granteeId: member.userId, justification, durationHours: 4 };
    expect((await member.inject({ method: "POST", url, payload: body })).statusCode).toBe(403);
    expect((await smsAdmin.inject({ method: "POST", url, payload: body })).statusCode).toBe(403);

    const tooLong = await lead.inject({ method: "POST", url, payload: { ...body, durationHours: 73 } });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().details[0]).toMatchObject({ path: "body.durationHours" });
    expect(tooLong.json().details[0].message).toMatch(/72 hours/);

    const terse = await lead.inject({ method: "POST", url, payload: { ...body, justification: "needed" } });
    expect(terse.statusCode).toBe(400);

    const toObserver = await lead.inject({ method: "POST", url, payload: { ...body, granteeId: observer.userId } });
    expect(toObserver.statusCode).toBe(400);
    expect(toObserver.json().message).toMatch(/ERT member or an SMS administrator/);

    const otherLead = await userWithRole(t, "ERT_LEAD");
    const toLead = await lead.inject({ method: "POST", url, payload: { ...body, granteeId: otherLead.userId } });
    expect(toLead.statusCode).toBe(400);
    expect(await t.db.prisma.authorityGrant.count()).toBe(0);
  });

  it("lets a grantee declare an emergency, marked in the audit log as done under the grant", async () => {
    const res = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/grants`,
      payload: { granteeId: member.userId, justification, durationHours: 4 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const grant = res.json<AuthorityGrantRecord>();
    expect(grant).toMatchObject({ status: "ACTIVE", granteeId: member.userId, granteeName: expect.any(String) });
    expect(Date.parse(grant.expiresAt) - Date.parse(grant.startsAt)).toBe(4 * 3_600_000);

    const room = await warRoom(emergency.id);
    expect(room.roster.find((m) => m.userId === member.userId)).toMatchObject({
      authority: "GRANT",
      grantExpiresAt: grant.expiresAt,
    });
    expect(room.grants).toEqual([expect.objectContaining({ id: grant.id, status: "ACTIVE" })]);
    expect(room.timeline.some((e) => e.type === "AUTHORITY_GRANTED")).toBe(true);

    const declared = await member.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { type: "WORM_OUTBREAK", title: "Sasser variant seen on the branch subnet" },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const audit = await t.db.prisma.auditEntry.findFirst({
      where: { action: "emergency.declare", entityId: declared.json().id },
    });
    expect(audit?.underAuthorityGrantId).toBe(grant.id);
    const worm = await warRoom(declared.json().id);
    expect(worm.timeline.find((e) => e.type === "EMERGENCY_DECLARED")?.underAuthorityGrant).toBe(true);

    // Revoked: the authority is gone at once.
    const revoked = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/grants/${grant.id}/revoke`,
      payload: { reason: "The lead is back" },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().status).toBe("REVOKED");
    const again = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/grants/${grant.id}/revoke`,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(
      (await member.inject({ method: "POST", url: "/api/emergencies", payload: { ...declareBody, title: "Another" } }))
        .statusCode,
    ).toBe(403);
  });

  it("expires by itself: the war room shows EXPIRED and records the expiry once", async () => {
    const res = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/grants`,
      payload: { granteeId: smsAdmin.userId, justification, durationHours: 2 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const grant = res.json<AuthorityGrantRecord>();
    await t.db.prisma.authorityGrant.update({
      where: { id: grant.id },
      data: { startsAt: new Date(Date.now() - 3 * 3_600_000), expiresAt: new Date(Date.now() - 3_600_000) },
    });
    const first = await warRoom(emergency.id);
    const second = await warRoom(emergency.id);
    for (const room of [first, second]) {
      expect(room.grants.find((g) => g.id === grant.id)?.status).toBe("EXPIRED");
      expect(room.roster.find((m) => m.userId === smsAdmin.userId)?.authority).toBeNull();
    }
    const expired = second.timeline.filter((e) => e.type === "AUTHORITY_EXPIRED");
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ payload: { grantId: grant.id }, actorName: "system" });
    expect(
      await t.db.prisma.auditEntry.count({ where: { action: "authority_grant.expire", entityId: grant.id } }),
    ).toBe(1);
    const revokeExpired = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/grants/${grant.id}/revoke`,
      payload: {},
    });
    expect(revokeExpired.statusCode).toBe(409);
  });
});

describe("the emergency checklist", () => {
  const checklistUrl = (query: Record<string, string>) =>
    `/api/emergencies/${emergency.id}/checklist?${new URLSearchParams({ caseId: readyCase.id, ...query })}`;

  it("previews the five measures on the case's real data", async () => {
    const bySla = await observer.inject({ method: "GET", url: checklistUrl({}) });
    expect(bySla.statusCode, bySla.body).toBe(200);
    const relaxed = bySla.json<ChecklistPreview>();
    expect(relaxed).toMatchObject({
      advertisementId: advertisementBody.advertisementId,
      packageId: "CEN00021",
      collectionId: "CEN00010",
      deadlineSource: "SLA_TARGET",
      deadline: readyCase.sla!.targetAt,
    });
    expect(bySla.headers.etag).toBe(`W/"${relaxed.emergencyVersion}"`);
    // A day is plenty for a 1,300 KB package even over dial-up.
    expect(relaxed.plan.summary.slowLinkClientTasks).toBe(0);

    const res = await observer.inject({ method: "GET", url: checklistUrl({ deadline: closeDeadline() }) });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<ChecklistPreview>();
    expect(p.deadlineSource).toBe("REQUEST");
    const item = (key: string) => p.plan.items.find((i) => i.key === key)!;

    expect(item("MANDATORY_ON_SLOW_LINKS").changes[0]).toMatchObject({
      entity: "ADVERTISEMENT",
      id: advertisementBody.advertisementId,
      after: { mandatoryOverSlowLinks: true },
    });
    expect(item("EXCLUDE_INFRASTRUCTURE").tasks).toEqual([
      expect.objectContaining({
        kind: "INFRA_SERVER_MANUAL",
        targetRef: expect.objectContaining({ id: "1004", label: "CEN-SMS01" }),
      }),
    ]);
    expect(item("EXCLUDE_INFRASTRUCTURE").changes[0]).toMatchObject({
      entity: "COLLECTION",
      after: { excludedResourceIds: [1004] },
    });
    expect(item("RELAX_SENDERS").changes[0]).toMatchObject({
      entity: "SENDER_ADDRESS",
      id: "CEN-BRN-LAN",
      before: { rateLimit: RESTRICTED_RATE },
      after: { rateLimit: { mode: "UNLIMITED" } },
    });
    expect(item("RELAX_SENDERS").tasks[0]).toMatchObject({ kind: "SENDER_RESTORE", targetRef: { id: "CEN-BRN-LAN" } });
    expect(item("COURIER_SLOW_SITES").applicable).toBe(false);
    expect(item("SLOW_LINK_CLIENTS").tasks).toEqual([
      expect.objectContaining({ kind: "SLOW_LINK_CLIENT", targetRef: expect.objectContaining({ label: "BRN-LT001" }) }),
    ]);
    expect(p.plan.summary).toMatchObject({
      targetComputers: 4,
      advertisedComputers: 3,
      excludedInfraServers: 1,
      relaxedAddresses: 1,
      slowLinkClientTasks: 1,
      tasksByKind: { INFRA_SERVER_MANUAL: 1, SENDER_RESTORE: 1, SLOW_LINK_CLIENT: 1 },
    });
    expect(p.toApply).toMatchObject({ nothingLeft: false, tasksAlreadyThere: 0 });
    expect(p.toApply.changes).toHaveLength(3);

    // Declining an item re-plans the items that depend on it.
    const withoutRelax = (
      await observer.inject({
        method: "GET",
        url: checklistUrl({ deadline: closeDeadline(), declined: "RELAX_SENDERS" }),
      })
    ).json<ChecklistPreview>();
    expect(withoutRelax.plan.summary).toMatchObject({ relaxedAddresses: 0, declined: ["RELAX_SENDERS"] });
    expect(withoutRelax.toApply.tasksByKind.SENDER_RESTORE).toBeUndefined();
    expect((await observer.inject({ method: "GET", url: checklistUrl({ declined: "EVERYTHING" }) })).statusCode).toBe(
      400,
    );

    const otherCase = await observer.inject({
      method: "GET",
      url: `/api/emergencies/${emergency.id}/checklist?caseId=00000000-0000-4000-8000-000000000000`,
    });
    expect(otherCase.statusCode).toBe(400);
  });

  it("applies with one item declined: its reason is stored and its change not made", async () => {
    const url = `/api/emergencies/${emergency.id}/checklist/apply`;
    const declined = [{ key: "SLOW_LINK_CLIENTS", reason: "Branch laptops are recalled to the office anyway" }];
    const payload = { caseId: readyCase.id, deadline: closeDeadline(), declined };
    const version = (await warRoom(emergency.id)).emergency.version;

    expect((await lead.inject({ method: "POST", url, payload })).statusCode).toBe(428);
    expect((await lead.inject({ method: "POST", url, payload, headers: { "if-match": 'W/"99"' } })).statusCode).toBe(
      412,
    );
    const ifMatch = { "if-match": `W/"${version}"` };
    expect((await observer.inject({ method: "POST", url, payload, headers: ifMatch })).statusCode).toBe(403);
    // An ERT member may apply it only under an active grant (the grant above was revoked).
    expect((await member.inject({ method: "POST", url, payload, headers: ifMatch })).statusCode).toBe(403);
    const badReason = await lead.inject({
      method: "POST",
      url,
      payload: { ...payload, declined: [{ key: "SLOW_LINK_CLIENTS", reason: "no" }] },
      headers: ifMatch,
    });
    expect(badReason.statusCode).toBe(400);

    const res = await smsAdmin.inject({ method: "POST", url, payload, headers: ifMatch });
    expect(res.statusCode, res.body).toBe(200);
    const applied = res.json<ChecklistApplyResult>();
    expect(applied).toMatchObject({
      applied: true,
      emergencyVersion: version + 1,
      tasksCreated: { INFRA_SERVER_MANUAL: 1, SENDER_RESTORE: 1 },
      declined,
    });
    expect(applied.changes.map((c) => c.entity).sort()).toEqual(["ADVERTISEMENT", "COLLECTION", "SENDER_ADDRESS"]);
    expect(res.headers.etag).toBe(`W/"${version + 1}"`);

    // 1. The advertisement is mandatory over slow links, with a new version.
    const ad = (
      await smsAdmin.inject({
        method: "GET",
        url: `/api/fleets/production/advertisements/${advertisementBody.advertisementId}`,
      })
    ).json();
    expect(ad).toMatchObject({ mandatory: true, mandatoryOverSlowLinks: true, version: 2 });
    // 2. The site server left the target collection; the others stay.
    const members = (
      await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/computers?collectionId=CEN00010" })
    ).json();
    expect(members.items.map((c: { name: string }) => c.name).sort()).toEqual(["BRN-LT001", "CEN-WS001", "CEN-WS002"]);
    // 3. The address is open, its old settings saved.
    const address = (
      await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/sender-addresses/CEN-BRN-LAN" })
    ).json();
    expect(address).toMatchObject({ relaxedForEmergency: true, rateLimit: { mode: "UNLIMITED" } });
    expect(address.usageSchedule.flat().every((h: number) => h === 1)).toBe(true);
    const saved = await t.db.prisma.senderAddress.findFirst({ where: { addressId: "CEN-BRN-LAN" } });
    expect(saved?.savedBaseline).toMatchObject({ rateLimit: RESTRICTED_RATE });
    // 5. Declined: no slow-link task.
    const tasks = (
      await observer.inject({ method: "GET", url: `/api/oob-tasks?emergencyId=${emergency.id}` })
    ).json<OobTaskPage>();
    expect(tasks.items.map((x) => x.record.kind).sort()).toEqual(["INFRA_SERVER_MANUAL", "SENDER_RESTORE"]);
    const restore = tasks.items.find((x) => x.record.kind === "SENDER_RESTORE")!;
    expect(restore.record.savedBaseline).toMatchObject({ rateLimit: RESTRICTED_RATE });

    const room = await warRoom(emergency.id);
    expect(room.checklistApplications).toEqual([
      expect.objectContaining({ caseId: readyCase.id, declined, appliedBy: smsAdmin.username }),
    ]);
    expect(room.timeline.filter((e) => e.type === "CHECKLIST_ITEM_DECLINED")).toEqual([
      expect.objectContaining({ payload: expect.objectContaining(declined[0]) }),
    ]);
    expect(room.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "CHECKLIST_APPLIED",
        "ADVERTISEMENT_CHANGED",
        "SENDER_ADDRESS_CHANGED",
        "OOB_TASK_CREATED",
      ]),
    );
    expect(room.oobTaskCounts.OPEN).toBe(2);
    for (const action of ["advertisement.emergency_checklist", "collection.exclude_members", "sender_address.relax"]) {
      expect(await t.db.prisma.auditEntry.count({ where: { action } }), action).toBe(1);
    }
  });

  it("is idempotent: applying again with nothing left changes nothing and says so", async () => {
    const url = `/api/emergencies/${emergency.id}/checklist/apply`;
    const declined = [{ key: "SLOW_LINK_CLIENTS", reason: "Branch laptops are recalled to the office anyway" }];
    const before = {
      room: await warRoom(emergency.id),
      audit: await t.db.prisma.auditEntry.count(),
      tasks: await t.db.prisma.outOfBandTask.count(),
    };
    const res = await lead.inject({
      method: "POST",
      url,
      payload: { caseId: readyCase.id, deadline: closeDeadline(), declined },
      headers: { "if-match": `W/"${before.room.emergency.version}"` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ applied: false, applicationId: null, tasksAlreadyThere: 1 });
    expect(res.json().message).toMatch(/Nothing left to do/);
    expect(await t.db.prisma.auditEntry.count()).toBe(before.audit);
    expect(await t.db.prisma.outOfBandTask.count()).toBe(before.tasks);
    const after = await warRoom(emergency.id);
    expect(after.emergency.version).toBe(before.room.emergency.version);
    expect(after.checklistApplications).toHaveLength(1);

    // The declined item can still be applied later; only what is missing is added.
    const preview = (
      await observer.inject({
        method: "GET",
        url: `/api/emergencies/${emergency.id}/checklist?caseId=${readyCase.id}&deadline=${encodeURIComponent(closeDeadline())}`,
      })
    ).json<ChecklistPreview>();
    // The excluded server stays in scope through its task: the numbers do not change once applied.
    expect(preview.plan.summary).toMatchObject({ targetComputers: 4, excludedInfraServers: 1, relaxedAddresses: 0 });
    expect(preview.toApply).toMatchObject({ changes: [], tasksByKind: { SLOW_LINK_CLIENT: 1 }, tasksAlreadyThere: 1 });
    const late = await lead.inject({
      method: "POST",
      url,
      payload: { caseId: readyCase.id, deadline: closeDeadline() },
      headers: { "if-match": `W/"${after.emergency.version}"` },
    });
    expect(late.statusCode, late.body).toBe(200);
    expect(late.json()).toMatchObject({ applied: true, changes: [], tasksCreated: { SLOW_LINK_CLIENT: 1 } });
    const last = await lead.inject({
      method: "POST",
      url,
      payload: { caseId: readyCase.id, deadline: closeDeadline() },
      headers: { "if-match": late.headers.etag as string },
    });
    expect(last.json()).toMatchObject({ applied: false, tasksAlreadyThere: 2 });
    expect(await t.db.prisma.outOfBandTask.count()).toBe(3);
  });
});

describe("closing an emergency", () => {
  it("is refused while the relaxed address is not restored, and allowed once its restore task is done", async () => {
    const summary = "Sasser contained; every workstation patched or handled out of band.";
    let room = await warRoom(emergency.id);
    const close = (version: number, body: object = { summary }) =>
      lead.inject({
        method: "POST",
        url: `/api/emergencies/${emergency.id}/close`,
        payload: body,
        headers: { "if-match": `W/"${version}"` },
      });
    expect((await close(room.emergency.version, { summary: "done" })).statusCode).toBe(400);
    const byMember = await member.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/close`,
      payload: { summary },
      headers: { "if-match": `W/"${room.emergency.version}"` },
    });
    expect(byMember.statusCode).toBe(403);
    const refused = await close(room.emergency.version);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/Restore the relaxed sender addresses first.*CEN-BRN-LAN/);

    const tasks = (
      await observer.inject({ method: "GET", url: `/api/oob-tasks?emergencyId=${emergency.id}&kind=SENDER_RESTORE` })
    ).json<OobTaskPage>();
    let task = tasks.items[0]!;
    for (const change of [
      { to: "ASSIGNED", ownerId: smsAdmin.userId },
      { to: "IN_PROGRESS" },
      { to: "DONE", evidence: "Schedule and pulse rate limit put back in the SMS console" },
    ]) {
      const res = await smsAdmin.inject({
        method: "PATCH",
        url: `/api/oob-tasks/${task.id}`,
        payload: change,
        headers: { "if-match": `W/"${task.version}"` },
      });
      expect(res.statusCode, res.body).toBe(200);
      task = res.json();
    }
    expect(task.record).toMatchObject({ state: "DONE", evidence: expect.stringMatching(/pulse/) });
    const address = (
      await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/sender-addresses/CEN-BRN-LAN" })
    ).json();
    expect(address).toMatchObject({ relaxedForEmergency: false, rateLimit: RESTRICTED_RATE });
    expect(address.usageSchedule[1][9]).toBe(2);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "sender_address.restore" } })).toBe(1);

    room = await warRoom(emergency.id);
    const closed = await close(room.emergency.version);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().record).toMatchObject({ state: "CLOSED", closingSummary: summary });
    expect((await warRoom(emergency.id)).timeline.some((e) => e.type === "EMERGENCY_CLOSED")).toBe(true);

    const afterClose = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/checklist/apply`,
      payload: { caseId: readyCase.id },
      headers: { "if-match": closed.headers.etag as string },
    });
    expect(afterClose.statusCode).toBe(409);
  });

  it("keeps notes on the war-room timeline", async () => {
    const res = await member.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/notes`,
      payload: { text: "Post-incident review booked for Monday" },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<WarRoom>().timeline.at(-1)).toMatchObject({
      type: "NOTE",
      summary: "Post-incident review booked for Monday",
    });
    expect(
      (await observer.inject({ method: "POST", url: `/api/emergencies/${emergency.id}/notes`, payload: { text: "x" } }))
        .statusCode,
    ).toBe(403);
  });
});

describe("a site the network cannot reach in time", () => {
  it("gets the package by Courier Sender: a parcel task, and the package's preferred sender", async () => {
    // The earlier emergency is closed, so the case can join a new one.
    const declared = await lead.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { ...declareBody, title: "Sasser, second wave", caseIds: [readyCase.id] },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const second = declared.json<EmergencyRecord>();
    const address = await smsAdmin.inject({
      method: "GET",
      url: "/api/fleets/production/sender-addresses/CEN-BRN-LAN",
    });
    const slowed = await smsAdmin.inject({
      method: "PATCH",
      url: "/api/fleets/production/sender-addresses/CEN-BRN-LAN",
      payload: { bandwidthKbps: 0.05 },
      headers: { "if-match": address.headers.etag as string },
    });
    expect(slowed.statusCode, slowed.body).toBe(200);

    const deadline = closeDeadline();
    const preview = (
      await observer.inject({
        method: "GET",
        url: `/api/emergencies/${second.id}/checklist?caseId=${readyCase.id}&deadline=${encodeURIComponent(deadline)}`,
      })
    ).json<ChecklistPreview>();
    expect(preview.plan.summary.courierSites).toEqual(["BRN"]);
    expect(preview.toApply).toMatchObject({
      packagePreferredSenderCourier: true,
      // The address was restored when the first emergency closed: it is relaxed again, with a new restore task.
      tasksByKind: { COURIER_PARCEL: 1, SENDER_RESTORE: 1 },
    });

    const res = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${second.id}/checklist/apply`,
      payload: { caseId: readyCase.id, deadline },
      headers: { "if-match": declared.headers.etag as string },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<ChecklistApplyResult>().tasksCreated).toMatchObject({ COURIER_PARCEL: 1, SENDER_RESTORE: 1 });
    const pkg = (await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/packages/CEN00021" })).json();
    expect(pkg.preferredSender).toBe("COURIER");
    const parcel = (
      await observer.inject({ method: "GET", url: `/api/oob-tasks?emergencyId=${second.id}&kind=COURIER_PARCEL` })
    ).json<OobTaskPage>();
    expect(parcel.items[0]!.record).toMatchObject({ method: "PARCEL", targetRef: { type: "SITE", id: "BRN" } });
    expect(await t.db.prisma.auditEntry.count({ where: { action: "package.emergency_checklist" } })).toBe(1);
  });
});
