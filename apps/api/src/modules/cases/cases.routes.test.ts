import { describe, expect, it } from "vitest";
import type { CaseDetail } from "@firebreak/domain";
import { buildTestApp, userWithRole, type Client } from "../../../test/helpers.js";
import { advertisementBody, buildDistribution } from "../../../test/fleet-fixture.js";
import { HASH, sasserUpdate } from "../../../test/process-fixture.js";

const t = await buildTestApp();
const member = await userWithRole(t, "ERT_MEMBER");
const lead = await userWithRole(t, "ERT_LEAD");
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
await buildDistribution(smsAdmin);

const update = (await member.inject({ method: "POST", url: "/api/updates", payload: sasserUpdate })).json();

async function act(client: Client, c: CaseDetail, action: Record<string, unknown>) {
  return client.inject({
    method: "POST",
    url: `/api/cases/${c.id}/actions`,
    payload: action,
    headers: { "if-match": `W/"${c.version}"` },
  });
}
async function must(client: Client, c: CaseDetail, action: Record<string, unknown>): Promise<CaseDetail> {
  const res = await act(client, c, action);
  expect(res.statusCode, `${String(action.type)}: ${res.body}`).toBe(200);
  return res.json<CaseDetail>();
}

const rationale = {
  assetsExposed: "All XP and 2000 workstations",
  mitigations: "none",
  scope: "all workstations",
  exploitedInTheWild: true,
};

describe("update cases through the four phases", () => {
  it("records an update; a vendor Critical rating does not set a priority", async () => {
    expect(update.record).toMatchObject({ kbNumber: "KB835732", vendorSeverity: "CRITICAL" });
    const opened = await member.inject({ method: "POST", url: "/api/cases", payload: { updateId: update.id } });
    expect(opened.statusCode, opened.body).toBe(201);
    const c = opened.json<CaseDetail>();
    expect(c).toMatchObject({ status: "DETECTED", phase: "IDENTIFY", priority: null, sla: null });
    expect(c.suggestion?.reasons[0]).toMatch(/person/i);
    const again = await member.inject({ method: "POST", url: "/api/cases", payload: { updateId: update.id } });
    expect(again.statusCode).toBe(409);
  });

  it("refuses a transition whose gate is not met, with 409 naming the gate, and changes nothing", async () => {
    const c = (await member.inject({ method: "GET", url: "/api/cases?open=true" })).json().items[0];
    const detail = (await member.inject({ method: "GET", url: `/api/cases/${c.id}` })).json<CaseDetail>();
    const relevant = await must(member, detail, { type: "markRelevant", evidence: "All XP workstations run LSASS" });
    const res = await act(member, relevant, {
      type: "submitRfc",
      initialPriority: "EMERGENCY",
      category: "MAJOR",
      rationale: "Sasser is spreading in the wild",
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/G2/);
    const after = (await member.inject({ method: "GET", url: `/api/cases/${c.id}` })).json<CaseDetail>();
    expect(after.version).toBe(relevant.version);
    expect(after.status).toBe(relevant.status);
  });

  it("needs If-Match: 428 without it, 412 when stale", async () => {
    const c = (await member.inject({ method: "GET", url: "/api/cases?open=true" })).json().items[0];
    expect(
      (await member.inject({ method: "POST", url: `/api/cases/${c.id}/actions`, payload: { type: "startEvaluation" } }))
        .statusCode,
    ).toBe(428);
    expect(
      (
        await member.inject({
          method: "POST",
          url: `/api/cases/${c.id}/actions`,
          payload: { type: "startEvaluation" },
          headers: { "if-match": 'W/"999"' },
        })
      ).statusCode,
    ).toBe(412);
  });

  it("runs an Emergency through Identify, Evaluate & Plan and Deploy with reduced testing accepted by the ERT lead", async () => {
    let c = (
      await member.inject({
        method: "GET",
        url: `/api/cases/${(await member.inject({ method: "GET", url: "/api/cases?open=true" })).json().items[0].id}`,
      })
    ).json<CaseDetail>();
    c = await must(member, c, {
      type: "verifySource",
      hash: HASH,
      checks: { genuine: true, virusFree: true, installsCleanly: true },
    });
    c = await must(member, c, {
      type: "submitRfc",
      initialPriority: "EMERGENCY",
      category: "MAJOR",
      rationale: "Sasser is spreading in the wild",
    });
    expect(c.priority).toBe("EMERGENCY");
    expect(c.sla).toMatchObject({ priority: "EMERGENCY", state: "ON_TRACK" });
    expect(Date.parse(c.sla!.targetAt) - Date.parse(c.sla!.startedAt)).toBe(24 * 3_600_000);
    expect(Date.parse(c.sla!.maxAt) - Date.parse(c.sla!.startedAt)).toBe(336 * 3_600_000);
    c = await must(member, c, { type: "startEvaluation" });

    // Confirming Emergency needs the ERT lead.
    const refused = await act(member, c, { type: "confirmPriority", finalPriority: "EMERGENCY", rationale });
    expect(refused.statusCode).toBe(403);
    c = await must(lead, c, { type: "confirmPriority", finalPriority: "EMERGENCY", rationale });
    expect(c.priorityConfirmed).toBe(true);

    c = await must(member, c, { type: "plan" });
    c = await must(smsAdmin, c, { type: "build", packageId: "CEN00021" });
    c = (
      await member.inject({
        method: "POST",
        url: `/api/cases/${c.id}/tests`,
        payload: { name: "Logon and file shares work", scope: "CORE" },
      })
    ).json<CaseDetail>();
    c = (
      await member.inject({
        method: "POST",
        url: `/api/cases/${c.id}/tests`,
        payload: { name: "Line-of-business apps regression", scope: "FULL" },
      })
    ).json<CaseDetail>();
    c = await must(smsAdmin, c, { type: "startTesting", packageId: "CEN00021" });
    const core = c.tests.find((x) => x.scope === "CORE")!;
    const recorded = await member.inject({
      method: "POST",
      url: `/api/cases/${c.id}/tests/${core.id}/result`,
      payload: { result: "PASSED" },
      headers: { "if-match": `W/"${core.version}"` },
    });
    expect(recorded.statusCode, recorded.body).toBe(200);
    c = recorded.json<CaseDetail>();

    // Without the lead's acceptance of reduced testing, the release is not accepted.
    const notYet = await act(member, c, { type: "acceptRelease" });
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().message).toMatch(/G5/);
    c = await must(lead, c, {
      type: "acceptReducedTesting",
      rationale: "Sasser infections are rising; core functions verified",
    });
    c = await must(member, c, { type: "acceptRelease" });
    expect(c.status).toBe("READY");
    expect(c.openTests).toBe(1); // the full suite stays open and visible

    // The advertisement as SMS created it keeps the slow-link box checked: the gate refuses it.
    const notMandatoryOverSlow = await act(smsAdmin, c, {
      type: "startDeployment",
      advertisementId: advertisementBody.advertisementId,
    });
    expect(notMandatoryOverSlow.statusCode).toBe(409);
    expect(notMandatoryOverSlow.json().message).toMatch(/slow/i);
  });

  it("halts a deployment: the program is disabled where it is advertised, and the timeline says so", async () => {
    // Make the advertisement emergency-ready (ONSLOWNET set), then deploy and halt.
    const ad = await smsAdmin.inject({
      method: "GET",
      url: `/api/fleets/production/advertisements/${advertisementBody.advertisementId}`,
    });
    const put = await smsAdmin.inject({
      method: "PUT",
      url: `/api/fleets/production/advertisements/${advertisementBody.advertisementId}`,
      payload: {
        ...advertisementBody,
        advertFlags: advertisementBody.advertFlags | 0x04000000,
        remoteClientFlags: 0x50,
      },
      headers: { "if-match": ad.headers.etag as string },
    });
    expect(put.statusCode, put.body).toBe(200);
    let c = (
      await member.inject({
        method: "GET",
        url: `/api/cases/${(await member.inject({ method: "GET", url: "/api/cases?status=READY" })).json().items[0].id}`,
      })
    ).json<CaseDetail>();
    c = await must(smsAdmin, c, { type: "startDeployment", advertisementId: advertisementBody.advertisementId });
    expect(c.status).toBe("DEPLOYING");
    const forged = await act(smsAdmin, c, { type: "halt", reason: "machines blue-screen", automaticRule: "fake" });
    expect(forged.statusCode).toBe(400);
    c = await must(smsAdmin, c, { type: "halt", reason: "machines blue-screen after install" });
    expect(c.status).toBe("HALTED");
    const ad2 = (
      await smsAdmin.inject({
        method: "GET",
        url: `/api/fleets/production/advertisements/${advertisementBody.advertisementId}`,
      })
    ).json();
    expect(ad2.programDisabled).toBe(true);
    expect(c.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(["CASE_TRANSITION", "PRIORITY_SET", "PRIORITY_CONFIRMED", "TEST_RECORDED", "HALTED"]),
    );
    expect(await t.db.prisma.auditEntry.count({ where: { action: "program.disable" } })).toBe(1);

    // The halt is lifted from the case (resume), not by re-enabling the program underneath it.
    const program = await smsAdmin.inject({
      method: "GET",
      url: "/api/fleets/production/packages/CEN00021/programs/Install%20KB823980",
    });
    const sneak = await smsAdmin.inject({
      method: "PATCH",
      url: "/api/fleets/production/packages/CEN00021/programs/Install%20KB823980",
      payload: { disabled: false },
      headers: { "if-match": program.headers.etag as string },
    });
    expect(sneak.statusCode).toBe(409);
    expect(sneak.json().message).toMatch(/halted by case/);
  });

  it("lets an ERT member confirm an Emergency under an active authority grant, marked as such", async () => {
    const other = (
      await member.inject({
        method: "POST",
        url: "/api/updates",
        payload: {
          ...sasserUpdate,
          bulletinId: "MS03-026",
          kbNumber: "KB823980",
          title: "Buffer Overrun In RPC Interface (Blaster)",
          releasedAt: "2003-07-16T17:00:00.000Z",
          uninstallCommand: "%windir%\\$NtUninstallKB823980$\\spuninst\\spuninst.exe /q",
        },
      })
    ).json();
    let c = (
      await member.inject({ method: "POST", url: "/api/cases", payload: { updateId: other.id } })
    ).json<CaseDetail>();
    c = await must(member, c, { type: "markRelevant", evidence: "RPC is on every machine" });
    c = await must(member, c, {
      type: "verifySource",
      hash: HASH,
      checks: { genuine: true, virusFree: true, installsCleanly: true },
    });
    c = await must(member, c, {
      type: "submitRfc",
      initialPriority: "EMERGENCY",
      category: "MAJOR",
      rationale: "Blaster is scanning our network",
    });
    c = await must(member, c, { type: "startEvaluation" });
    // A grant given outside any emergency of this case does not count.
    const elsewhere = (
      await lead.inject({
        method: "POST",
        url: "/api/emergencies",
        payload: { type: "WORM_OUTBREAK", title: "Drill: unrelated outbreak", caseIds: [], isDrill: true },
      })
    ).json();
    const otherGrant = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${elsewhere.id}/grants`,
      payload: {
        granteeId: member.userId,
        justification: "Lead travelling; member holds authority overnight",
        durationHours: 8,
      },
    });
    expect(otherGrant.statusCode, otherGrant.body).toBe(201);
    expect((await act(member, c, { type: "confirmPriority", finalPriority: "EMERGENCY", rationale })).statusCode).toBe(
      403,
    );

    // A grant in the case's own, open emergency does.
    const declared = await lead.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { type: "WORM_OUTBREAK", title: "Blaster outbreak", caseIds: [c.id] },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const emergency = declared.json();
    const grantRes = await lead.inject({
      method: "POST",
      url: `/api/emergencies/${emergency.id}/grants`,
      payload: {
        granteeId: member.userId,
        justification: "Lead travelling; member holds authority overnight",
        durationHours: 8,
      },
    });
    expect(grantRes.statusCode, grantRes.body).toBe(201);
    const grant = grantRes.json();
    c = (await member.inject({ method: "GET", url: `/api/cases/${c.id}` })).json<CaseDetail>();
    c = await must(member, c, { type: "confirmPriority", finalPriority: "EMERGENCY", rationale });
    const entry = await t.db.prisma.auditEntry.findFirst({ where: { action: "case.confirmPriority", entityId: c.id } });
    expect(entry?.underAuthorityGrantId).toBe(grant.id);

    // An expired grant no longer counts.
    await t.db.prisma.authorityGrant.update({
      where: { id: grant.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await act(member, c, { type: "confirmPriority", finalPriority: "EMERGENCY", rationale });
    expect(res.statusCode).toBe(403);
  });

  it("lists cases for the board with phase, priority and SLA state; observers read, cannot act", async () => {
    const observer = await userWithRole(t, "OBSERVER");
    const board = (await observer.inject({ method: "GET", url: "/api/cases?open=true" })).json();
    expect(board.total).toBe(2);
    expect(board.items.filter((i: { emergencyId: string | null }) => i.emergencyId).length).toBe(1);
    expect(
      board.items.every((i: { priority: string; sla: { state: string } }) => i.priority === "EMERGENCY" && i.sla.state),
    ).toBe(true);
    const c = board.items[0];
    expect(
      (
        await observer.inject({
          method: "POST",
          url: `/api/cases/${c.id}/actions`,
          payload: { type: "close" },
          headers: { "if-match": `W/"${c.version}"` },
        })
      ).statusCode,
    ).toBe(403);
  });

  it("edits the priority policy only as ERT lead, with If-Match, and the SLA clocks follow it", async () => {
    const p = await member.inject({ method: "GET", url: "/api/priority-policy" });
    expect(p.json().policy.EMERGENCY).toMatchObject({ targetHours: 24, maxHours: 336 });
    const body = { ...p.json().policy, EMERGENCY: { ...p.json().policy.EMERGENCY, targetHours: 12 } };
    expect(
      (
        await member.inject({
          method: "PUT",
          url: "/api/priority-policy",
          payload: body,
          headers: { "if-match": p.headers.etag as string },
        })
      ).statusCode,
    ).toBe(403);
    const bad = await lead.inject({
      method: "PUT",
      url: "/api/priority-policy",
      payload: { ...body, EMERGENCY: { ...body.EMERGENCY, targetHours: 400 } },
      headers: { "if-match": p.headers.etag as string },
    });
    expect(bad.statusCode).toBe(400);
    const ok = await lead.inject({
      method: "PUT",
      url: "/api/priority-policy",
      payload: body,
      headers: { "if-match": p.headers.etag as string },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const c = (await member.inject({ method: "GET", url: "/api/cases?open=true" })).json().items[0];
    expect(Date.parse(c.sla.targetAt) - Date.parse(c.sla.startedAt)).toBe(12 * 3_600_000);
  });
});
