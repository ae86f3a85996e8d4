import { describe, expect, it } from "vitest";
import type { OobTaskPage, OobTaskRecord, WarRoom } from "@firebreak/domain";
import { buildTestApp } from "../../../test/helpers.js";
import { buildScenario, closeDeadline } from "../emergencies/emergencies.fixture.js";

const t = await buildTestApp();
const { lead, member, smsAdmin, observer, readyCase } = await buildScenario(t);

const declared = await lead.inject({
  method: "POST",
  url: "/api/emergencies",
  payload: { type: "WORM_OUTBREAK", title: "Sasser on the branch network", caseIds: [readyCase.id] },
});
const emergency = declared.json();
const applied = await lead.inject({
  method: "POST",
  url: `/api/emergencies/${emergency.id}/checklist/apply`,
  payload: { caseId: readyCase.id, deadline: closeDeadline() },
  headers: { "if-match": declared.headers.etag as string },
});

async function board(query: string, client = observer): Promise<OobTaskPage> {
  const res = await client.inject({ method: "GET", url: `/api/oob-tasks?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<OobTaskPage>();
}
const patch = (client: typeof lead, task: OobTaskRecord, payload: object, ifMatch = `W/"${task.version}"`) =>
  client.inject({ method: "PATCH", url: `/api/oob-tasks/${task.id}`, payload, headers: { "if-match": ifMatch } });

describe("the out-of-band ledger", () => {
  it("lists the checklist's tasks for the team, filtered by emergency, case, state, kind and owner", async () => {
    expect(applied.statusCode, applied.body).toBe(200);
    const all = await board(`emergencyId=${emergency.id}`);
    expect(all.total).toBe(3);
    expect(all.items.map((x) => x.record.kind).sort()).toEqual([
      "INFRA_SERVER_MANUAL",
      "SENDER_RESTORE",
      "SLOW_LINK_CLIENT",
    ]);
    expect(all.items.every((x) => x.record.state === "OPEN" && x.ownerName === null)).toBe(true);
    expect(all.items.every((x) => x.caseId === readyCase.id && x.emergencyId === emergency.id)).toBe(true);
    // Due at the deadline, except the restore: due when the emergency closes.
    expect(all.items.at(-1)!.record).toMatchObject({ kind: "SENDER_RESTORE", dueAt: null });

    expect((await board(`caseId=${readyCase.id}&kind=SLOW_LINK_CLIENT`)).items).toEqual([
      expect.objectContaining({
        record: expect.objectContaining({
          targetRef: expect.objectContaining({ type: "COMPUTER", id: "1003", label: "BRN-LT001" }),
          method: "BRING_TO_OFFICE",
        }),
      }),
    ]);
    expect((await board(`emergencyId=${emergency.id}&state=OPEN,ASSIGNED`)).total).toBe(3);
    expect((await board(`emergencyId=${emergency.id}&state=DONE`)).total).toBe(0);
    expect((await board("mine=true", member)).total).toBe(0);
    expect((await board("pageSize=1&page=2")).items).toHaveLength(1);

    const bad = await observer.inject({ method: "GET", url: "/api/oob-tasks?kind=PIGEON" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe("query.kind");
    expect((await t.app.inject({ method: "GET", url: "/api/oob-tasks" })).statusCode).toBe(401);
  });

  it("moves a task through its states with If-Match; Done needs evidence, which the board then shows", async () => {
    let task = (await board(`emergencyId=${emergency.id}&kind=SLOW_LINK_CLIENT`)).items[0]!;
    const one = await observer.inject({ method: "GET", url: `/api/oob-tasks/${task.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.headers.etag).toBe(`W/"${task.version}"`);

    const noIfMatch = await member.inject({
      method: "PATCH",
      url: `/api/oob-tasks/${task.id}`,
      payload: { to: "ASSIGNED", ownerId: member.userId },
    });
    expect(noIfMatch.statusCode).toBe(428);
    expect((await patch(member, task, { to: "ASSIGNED", ownerId: member.userId }, 'W/"42"')).statusCode).toBe(412);
    expect((await patch(observer, task, { to: "ASSIGNED", ownerId: member.userId })).statusCode).toBe(403);
    const toObserver = await patch(member, task, { to: "ASSIGNED", ownerId: observer.userId });
    expect(toObserver.statusCode).toBe(400);
    const skipAhead = await patch(member, task, { to: "DONE", evidence: "Installed from CD at the branch" });
    expect(skipAhead.statusCode).toBe(409);
    expect(skipAhead.json().message).toMatch(/open cannot become done/i);

    let res = await patch(member, task, { to: "ASSIGNED", ownerId: member.userId });
    expect(res.statusCode, res.body).toBe(200);
    task = res.json<OobTaskRecord>();
    expect(task).toMatchObject({
      ownerName: expect.any(String),
      record: { state: "ASSIGNED", ownerId: member.userId },
    });
    expect(res.headers.etag).toBe(`W/"${task.version}"`);
    expect((await board("mine=true", member)).total).toBe(1);

    res = await patch(member, task, { to: "IN_PROGRESS", method: "VPN" });
    expect(res.statusCode, res.body).toBe(200);
    task = res.json<OobTaskRecord>();
    // Same state: an edit without a move (the machine has no IN_PROGRESS → IN_PROGRESS).
    res = await patch(member, task, { to: "IN_PROGRESS", method: "CD" });
    expect(res.statusCode, res.body).toBe(200);
    task = res.json<OobTaskRecord>();
    expect(task.record).toMatchObject({ state: "IN_PROGRESS", method: "CD" });

    const noEvidence = await patch(member, task, { to: "DONE" });
    expect(noEvidence.statusCode).toBe(400);
    expect(noEvidence.json().details[0]).toMatchObject({ path: "body.evidence" });
    expect((await observer.inject({ method: "GET", url: `/api/oob-tasks/${task.id}` })).json().record.state).toBe(
      "IN_PROGRESS",
    );

    const evidence = "KB835732 installed from CD at the Bristol office; verified in Add/Remove Programs";
    res = await patch(member, task, { to: "DONE", evidence });
    expect(res.statusCode, res.body).toBe(200);
    task = res.json<OobTaskRecord>();
    expect(task.record).toMatchObject({ state: "DONE", evidence });
    expect((await board(`emergencyId=${emergency.id}&state=DONE`)).items).toEqual([
      expect.objectContaining({ id: task.id, record: expect.objectContaining({ evidence }) }),
    ]);
    const closed = await patch(member, task, { to: "ASSIGNED", ownerId: member.userId });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().message).toMatch(/already done/);

    const room = (await observer.inject({ method: "GET", url: `/api/emergencies/${emergency.id}` })).json<WarRoom>();
    expect(room.oobTaskCounts).toMatchObject({ OPEN: 2, DONE: 1 });
    expect(room.timeline.filter((e) => e.type === "OOB_TASK_CHANGED")).toHaveLength(4);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "oob_task.update", entityId: task.id } })).toBe(4);
  });

  it("needs a reason to mark a task not needed; a restore declined with a reason lets the emergency close", async () => {
    const restore = (await board(`emergencyId=${emergency.id}&kind=SENDER_RESTORE`)).items[0]!;
    expect((await patch(smsAdmin, restore, { to: "NOT_NEEDED" })).statusCode).toBe(400);
    const res = await patch(smsAdmin, restore, {
      to: "NOT_NEEDED",
      note: "The branch link is being upgraded; keep the address open",
    });
    expect(res.statusCode, res.body).toBe(200);
    const address = (
      await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/sender-addresses/CEN-BRN-LAN" })
    ).json();
    expect(address.relaxedForEmergency).toBe(true);

    const room = (await observer.inject({ method: "GET", url: `/api/emergencies/${emergency.id}` })).json<WarRoom>();
    const closed = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/close`,
      payload: { summary: "Contained; the branch keeps its open address until the upgrade." },
      headers: { "if-match": `W/"${room.emergency.version}"` },
    });
    expect(closed.statusCode, closed.body).toBe(200);
  });
});
