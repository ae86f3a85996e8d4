import { describe, expect, it } from "vitest";
import type { CaseDetail, RollbackDetail } from "@firebreak/domain";
import { buildTestApp, userWithRole, type Client } from "../../../test/helpers.js";
import { advertisementBody, buildDistribution, packageBody, programBody } from "../../../test/fleet-fixture.js";
import { HASH, sasserUpdate } from "../../../test/process-fixture.js";
import { rollbacksRepository } from "./rollbacks.repository.js";

const t = await buildTestApp();
const member = await userWithRole(t, "ERT_MEMBER");
const lead = await userWithRole(t, "ERT_LEAD");
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
const observer = await userWithRole(t, "OBSERVER");
await buildDistribution(smsAdmin);
const FLEET = (await t.db.prisma.fleet.findFirstOrThrow({ where: { kind: "PRODUCTION" } })).id;

async function recordUpdate(o: Record<string, unknown>) {
  const res = await member.inject({ method: "POST", url: "/api/updates", payload: { ...sasserUpdate, ...o } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; record: { kbNumber: string } }>();
}

/** A second deployment package holding two updates, with its program and an advertisement to CEN00010. */
async function buildTwoUpdatePackage(packageId: string, advertisementId: string, updateIds: string[]) {
  const pkg = await smsAdmin.inject({
    method: "POST",
    url: "/api/fleets/production/packages",
    payload: { ...packageBody, packageId, name: `Bundle ${packageId}`, updateIds },
  });
  expect(pkg.statusCode, pkg.body).toBe(201);
  const program = await smsAdmin.inject({
    method: "POST",
    url: `/api/fleets/production/packages/${packageId}/programs`,
    payload: { ...programBody, packageId, programName: "Install bundle" },
  });
  expect(program.statusCode, program.body).toBe(201);
  const ad = await smsAdmin.inject({
    method: "POST",
    url: "/api/fleets/production/advertisements",
    payload: { ...advertisementBody, advertisementId, packageId, programName: "Install bundle" },
  });
  expect(ad.statusCode, ad.body).toBe(201);
}

async function setCompliance(updateId: string, rows: [number, string][]) {
  for (const [resourceId, state] of rows) {
    await t.db.prisma.updateCompliance.upsert({
      where: { fleetId_updateId_resourceId: { fleetId: FLEET, updateId, resourceId } },
      create: { fleetId: FLEET, updateId, resourceId, state: state as never, stateTime: new Date() },
      update: { state: state as never, stateTime: new Date() },
    });
  }
}

/** The client's last status for an advertisement, as ingest would store it. */
async function setClientStatus(
  advertisementId: string,
  resourceId: number,
  lastState: string,
  exitCode: number | null = null,
) {
  const row = {
    lastState,
    lastStatusMessageId: lastState === "SUCCEEDED" ? 10008 : lastState === "FAILED" ? 10006 : 10005,
    lastStatusTime: new Date(),
    lastExitCode: exitCode === null ? null : BigInt(exitCode),
  };
  await t.db.prisma.clientAdvertStatus.upsert({
    where: { fleetId_advertisementId_resourceId: { fleetId: FLEET, advertisementId, resourceId } },
    create: { fleetId: FLEET, advertisementId, resourceId, ...row },
    update: row,
  });
}

async function open(client: Client, updateId: string, o: Record<string, unknown> = {}) {
  return client.inject({
    method: "POST",
    url: "/api/rollbacks",
    payload: { updateId, reason: "Logons fail on XP SP1 desktops after the update", initialPriority: "HIGH", ...o },
  });
}
async function get(id: string): Promise<RollbackDetail> {
  const res = await member.inject({ method: "GET", url: `/api/rollbacks/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<RollbackDetail>();
}
async function act(client: Client, r: Pick<RollbackDetail, "id" | "version">, action: Record<string, unknown>) {
  return client.inject({
    method: "POST",
    url: `/api/rollbacks/${r.id}/actions`,
    payload: action,
    headers: { "if-match": `W/"${r.version}"` },
  });
}
async function must(client: Client, r: RollbackDetail, action: Record<string, unknown>): Promise<RollbackDetail> {
  const res = await act(client, r, action);
  expect(res.statusCode, `${String(action.type)}: ${res.body}`).toBe(200);
  return res.json<RollbackDetail>();
}

/** Drives a case of `updateId` through the four phases to DEPLOYING with `advertisementId`. */
async function deployingCase(updateId: string, packageId: string, advertisementId: string): Promise<CaseDetail> {
  const opened = await member.inject({ method: "POST", url: "/api/cases", payload: { updateId } });
  expect(opened.statusCode, opened.body).toBe(201);
  let c = opened.json<CaseDetail>();
  const step = async (client: Client, action: Record<string, unknown>) => {
    const res = await client.inject({
      method: "POST",
      url: `/api/cases/${c.id}/actions`,
      payload: action,
      headers: { "if-match": `W/"${c.version}"` },
    });
    expect(res.statusCode, `${String(action.type)}: ${res.body}`).toBe(200);
    c = res.json<CaseDetail>();
  };
  await step(member, { type: "markRelevant", evidence: "All XP workstations run LSASS" });
  await step(member, {
    type: "verifySource",
    hash: HASH,
    checks: { genuine: true, virusFree: true, installsCleanly: true },
  });
  await step(member, {
    type: "submitRfc",
    initialPriority: "HIGH",
    category: "SIGNIFICANT",
    rationale: "Critical, not yet exploited",
  });
  await step(member, { type: "startEvaluation" });
  const rationale = { assetsExposed: "Workstations", mitigations: "none", scope: "all", exploitedInTheWild: false };
  await step(member, { type: "confirmPriority", finalPriority: "HIGH", rationale });
  await step(member, { type: "plan" });
  await step(smsAdmin, { type: "build", packageId });
  c = (
    await member.inject({
      method: "POST",
      url: `/api/cases/${c.id}/tests`,
      payload: { name: "Logon works", scope: "CORE" },
    })
  ).json<CaseDetail>();
  await step(smsAdmin, { type: "startTesting", packageId });
  const test = c.tests[0]!;
  const recorded = await member.inject({
    method: "POST",
    url: `/api/cases/${c.id}/tests/${test.id}/result`,
    payload: { result: "PASSED" },
    headers: { "if-match": `W/"${test.version}"` },
  });
  expect(recorded.statusCode, recorded.body).toBe(200);
  c = recorded.json<CaseDetail>();
  await step(member, { type: "acceptRelease" });
  await step(smsAdmin, { type: "startDeployment", advertisementId });
  expect(c.status).toBe("DEPLOYING");
  return c;
}

const caseStatus = async (id: string) =>
  (await member.inject({ method: "GET", url: `/api/cases/${id}` })).json<CaseDetail>().status;

/** From REQUESTED to READY: halt, priority, authorisation, clean-up, build, one core test passed, accepted. */
async function toReady(r: RollbackDetail): Promise<RollbackDetail> {
  r = await must(smsAdmin, r, { type: "halt", reason: "Logons fail after the update" });
  r = await must(member, r, { type: "confirmPriority", priority: "HIGH", rationale: "300 desktops cannot log on" });
  r = await must(lead, r, { type: "authorise" });
  r = await must(smsAdmin, r, { type: "cleanPackages", fingerprint: r.cleanupPreview!.fingerprint });
  r = await must(smsAdmin, r, { type: "build" });
  r = await must(member, r, { type: "addTest", name: "Logon works after removal", scope: "CORE" });
  r = await must(member, r, { type: "recordTestResult", testId: "t1", result: "PASSED" });
  return must(member, r, { type: "acceptRelease" });
}

describe("rollbacks", () => {
  it("a not-removable update cannot be rolled back: the answer gives the reason and the alternatives", async () => {
    const u = await recordUpdate({
      kbNumber: "KB900001",
      bulletinId: "MS04-012",
      rollbackability: "NOT_REMOVABLE",
      uninstallCommand: null,
      rollbackNotes: "This update cannot be uninstalled.",
    });
    const res = await open(member, u.id);
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json<RollbackDetail>();
    expect(r.status).toBe("NOT_FEASIBLE");
    expect(r.record.assessment).toMatchObject({
      verdict: "NOT_FEASIBLE",
      feasible: false,
      alternatives: ["RESTORE_FROM_BACKUP", "REBUILD", "SPARE_HARDWARE"],
    });
    expect(r.record.assessment.reason).toMatch(/cannot be removed.*This update cannot be uninstalled\./);
    expect(r.programs.checkFirst).toBeNull();
    expect(r.availableActions.map((a) => a.action)).toEqual(["chooseAlternative", "halt", "cancel"]);
    const authorise = await act(lead, r, { type: "authorise" });
    expect(authorise.statusCode).toBe(409);
    let chosen = await must(lead, r, {
      type: "chooseAlternative",
      alternative: "RESTORE_FROM_BACKUP",
      plan: "Restore the 12 affected servers from last night's backup",
    });
    expect(chosen.status).toBe("ALT_RECOVERY");

    // It cannot close while a live advertisement still installs the update, unless it was halted.
    await buildTwoUpdatePackage("CEN00026", "CEN3000E", ["KB900001"]);
    chosen = await get(chosen.id);
    expect(chosen.availableActions.find((a) => a.action === "close")).toMatchObject({ enabled: false });
    const live = await act(smsAdmin, chosen, { type: "close", note: "All 12 servers restored and checked" });
    expect(live.statusCode).toBe(409);
    expect(live.json().message).toBe(
      "1 live advertisement still installs KB900001: halt the update's deployments before closing the rollback.",
    );
    chosen = await must(smsAdmin, chosen, { type: "halt", reason: "Stop the update spreading" });
    expect(chosen.status).toBe("ALT_RECOVERY");
    const closed = await must(smsAdmin, chosen, { type: "close", note: "All 12 servers restored and checked" });
    expect(closed.status).toBe("CLOSED");
  });

  it("lists the later updates of an order-sensitive rollback that must be removed first and re-deployed after", async () => {
    const older = await recordUpdate({
      kbNumber: "KB900010",
      bulletinId: "MS04-013",
      releasedAt: "2004-02-10T17:00:00.000Z",
      rollbackability: "REMOVABLE_ORDER_SENSITIVE",
      touchesFiles: ["shell32.dll", "msgina.dll"],
      uninstallCommand: "%windir%\\$NtUninstallKB900010$\\spuninst\\spuninst.exe /quiet /norestart",
    });
    await recordUpdate({
      kbNumber: "KB900011",
      bulletinId: "MS04-014",
      releasedAt: "2004-05-11T17:00:00.000Z",
      touchesFiles: ["SHELL32.DLL"],
    });
    // Later and on the same files, but of another product: it never blocks the rollback.
    await recordUpdate({
      kbNumber: "KB900012",
      bulletinId: "MS04-015",
      releasedAt: "2004-05-11T17:00:00.000Z",
      products: ["Exchange Server 2003"],
      touchesFiles: ["shell32.dll"],
      rollbackability: "NOT_REMOVABLE",
      uninstallCommand: null,
    });
    // Same product and files, cannot be removed, but on no computer of the fleet that has KB900010.
    await recordUpdate({
      kbNumber: "KB900013",
      bulletinId: "MS04-016",
      releasedAt: "2004-06-08T17:00:00.000Z",
      touchesFiles: ["msgina.dll"],
      rollbackability: "NOT_REMOVABLE",
      uninstallCommand: null,
    });
    await setCompliance("KB900010", [[1001, "INSTALLED"]]);
    await setCompliance("KB900011", [[1001, "INSTALLED"]]);
    await setCompliance("KB900013", [[1002, "INSTALLED"]]);
    let r = (await open(member, older.id)).json<RollbackDetail>();
    expect(r.status).toBe("REQUESTED");
    expect(r.record.assessment.verdict).toBe("ORDER_SENSITIVE");
    expect(r.record.assessment.removeFirst).toEqual([
      expect.objectContaining({ kbNumber: "KB900011", sharedFiles: ["shell32.dll"], installedOn: 1 }),
    ]);
    expect(r.record.assessment.redeployAfter.map((u) => u.kbNumber)).toEqual(["KB900011"]);
    expect(r.assessment?.reason).toMatch(/remove KB900011 \(on 1 computer\) first/);
    expect(r.record.assessment.warnings.join(" ")).toMatch(/KB900013 replaces the same files but no computer/);

    // "Removed first" is checked against compliance on the computers option B targets.
    r = await toReady(r);
    expect(r.laterUpdatesStillInstalled).toEqual([{ kbNumber: "KB900011", sameCollection: 0, appliedOnly: 1 }]);
    const still = await act(smsAdmin, r, { type: "advertise", targeting: "APPLIED_ONLY", laterUpdatesRemoved: true });
    expect(still.statusCode).toBe(409);
    expect(still.json().message).toBe(
      "Compliance still shows KB900011 on 1 targeted computer: remove it first, newest first.",
    );
    await setCompliance("KB900011", [[1001, "ROLLED_BACK"]]);
    r = await must(smsAdmin, await get(r.id), {
      type: "advertise",
      targeting: "APPLIED_ONLY",
      laterUpdatesRemoved: true,
      expectedTargeted: 1,
    });
    expect(r.record.deployment).toMatchObject({ laterUpdatesRemoved: true, targeted: 1, withEvidence: 1 });
  });

  it("validation errors answer 400 and change nothing; writes need If-Match (428, 412); roles are checked (403)", async () => {
    const u = await recordUpdate({ kbNumber: "KB900020", bulletinId: "MS04-015" });
    const before = await t.db.prisma.rollback.count();
    const bad = await open(member, u.id, { reason: "x", initialPriority: "URGENT" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(["body.reason", "body.initialPriority"]),
    );
    expect(await t.db.prisma.rollback.count()).toBe(before);
    expect((await open(observer, u.id)).statusCode).toBe(403);

    const r = (await open(member, u.id)).json<RollbackDetail>();
    expect((await open(member, u.id)).statusCode).toBe(409);
    const invalid = await act(smsAdmin, r, { type: "halt", reason: "x" });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().details[0].path).toBe("body.reason");
    const unchanged = await get(r.id);
    expect(unchanged).toMatchObject({ version: r.version, status: "REQUESTED", record: { halt: null } });

    const noIfMatch = await smsAdmin.inject({
      method: "POST",
      url: `/api/rollbacks/${r.id}/actions`,
      payload: { type: "halt", reason: "Logons fail" },
    });
    expect(noIfMatch.statusCode).toBe(428);
    expect((await act(smsAdmin, { id: r.id, version: 99 }, { type: "halt", reason: "Logons fail" })).statusCode).toBe(
      412,
    );
    expect((await act(observer, r, { type: "halt", reason: "Logons fail" })).statusCode).toBe(403);
    const forbidden = await act(member, r, { type: "halt", reason: "Logons fail" });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().message).toMatch(/your role is ERT member/);
    expect((await get(r.id)).version).toBe(r.version);
  });

  it("single-update package: the advertisement and the package are deleted; the console is shown the branch first", async () => {
    // KB823980 is the only update in CEN00021 (advertised as CEN2000A by the fixture).
    const u = await recordUpdate({
      kbNumber: "KB823980",
      bulletinId: "MS03-026",
      uninstallCommand: "%windir%\\$NtUninstallKB823980$\\spuninst\\spuninst.exe /quiet /norestart",
    });
    let r = (await open(member, u.id)).json<RollbackDetail>();
    expect(r.haltPreview.map((h) => h.advertisementId)).toEqual(["CEN2000A"]);
    r = await must(smsAdmin, r, { type: "halt", reason: "RPC service crashes" });
    expect(r.record.halt?.halted).toEqual([
      expect.objectContaining({ advertisementId: "CEN2000A", packageId: "CEN00021" }),
    ]);
    expect(r.cleanupPreview).toMatchObject({
      branch: "DELETE_ADVERTISEMENT_AND_PACKAGE",
      items: [{ packageId: "CEN00021", action: "DELETE_ADVERTISEMENT_AND_PACKAGE", advertisementIds: ["CEN2000A"] }],
    });
    const preview = await member.inject({ method: "GET", url: `/api/rollbacks/${r.id}/cleanup-preview` });
    expect(preview.json().fingerprint).toBe(r.cleanupPreview!.fingerprint);

    // The clean-up cannot be undone: it waits for the priority and the authorisation.
    const early = await act(smsAdmin, r, { type: "cleanPackages", fingerprint: r.cleanupPreview!.fingerprint });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/confirm the rollback's priority.*cannot be undone/);
    expect(r.availableActions.find((a) => a.action === "cleanPackages")).toMatchObject({ enabled: false });
    // An Emergency rollback: only the ERT lead (or a grant holder) confirms it.
    expect(
      (await act(member, r, { type: "confirmPriority", priority: "EMERGENCY", rationale: "RPC crashes spread" }))
        .statusCode,
    ).toBe(403);
    r = await must(lead, r, { type: "confirmPriority", priority: "EMERGENCY", rationale: "RPC crashes spread" });
    expect(
      (await act(smsAdmin, r, { type: "cleanPackages", fingerprint: r.cleanupPreview!.fingerprint })).json().message,
    ).toMatch(/must authorise the rollback before the packages are cleaned up/);
    r = await must(lead, r, { type: "authorise" });
    r = await must(smsAdmin, r, { type: "cleanPackages", fingerprint: r.cleanupPreview!.fingerprint });
    expect(r.status).toBe("PACKAGE_CLEANED");
    expect((await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/packages/CEN00021" })).statusCode).toBe(
      404,
    );
    expect(
      (await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/advertisements/CEN2000A" })).statusCode,
    ).toBe(404);
    const audit = await t.db.prisma.auditEntry.findMany({
      where: { action: { in: ["package.delete", "advertisement.delete"] } },
      select: { action: true, entityId: true },
    });
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: "package.delete", entityId: "CEN00021" },
        { action: "advertisement.delete", entityId: "CEN2000A" },
      ]),
    );

    // An Emergency rollback, option A: the original collection with the check-first program,
    // mandatory over slow links.
    r = await must(smsAdmin, r, { type: "build", packageId: "CEN000F0" });
    r = await must(member, r, { type: "addTest", name: "RPC service starts", scope: "CORE" });
    r = await must(member, r, { type: "addTest", name: "Full regression", scope: "FULL" });
    r = await must(member, r, { type: "recordTestResult", testId: "t1", result: "PASSED" });
    expect(
      (await act(smsAdmin, r, { type: "acceptReducedTesting", rationale: "Crashes spread every hour" })).statusCode,
    ).toBe(403);
    r = await must(lead, r, { type: "acceptReducedTesting", rationale: "Crashes spread every hour" });
    r = await must(smsAdmin, r, { type: "acceptRelease" });
    expect(r.record.acceptance).toMatchObject({ path: "REDUCED", openTestIds: ["t2"] });
    // CEN-SMS01 (1004) applied it but is not in CEN00010: shown, and warned about, with option A.
    // CEN-WS002 (1002) was scanned before the rollback: it never had the update.
    await setCompliance("KB823980", [
      [1004, "INSTALLED"],
      [1002, "REQUIRED"],
    ]);
    r = await get(r.id);
    expect(r.targetingCounts?.sameCollection).toMatchObject({
      available: true,
      collectionId: "CEN00010",
      targeted: 3,
      withEvidence: 0,
      outsideWithEvidence: 1,
    });
    expect(r.advertisementPreview).toEqual({ mandatory: true, overSlowLinks: true, remoteDistributionPoints: true });
    r = await must(smsAdmin, r, { type: "advertise", targeting: "SAME_TARGETS_CHECK_FIRST", expectedTargeted: 3 });
    expect(r.warnings).toContain(
      "1 computer with evidence of KB823980 is not in collection CEN00010: option A does not reach it.",
    );
    expect(r.record.deployment).toMatchObject({ targeted: 3, withEvidence: 0 });
    expect(await t.db.prisma.rollbackTarget.count({ where: { rollbackId: r.id } })).toBe(3);
    expect(r.record.deployment).toMatchObject({
      collectionId: "CEN00010",
      collectionCreated: false,
      programName: "Roll back KB823980 (check first)",
    });
    const ad = (
      await smsAdmin.inject({
        method: "GET",
        url: `/api/fleets/production/advertisements/${r.record.deployment!.advertisementId}`,
      })
    ).json();
    expect(ad).toMatchObject({
      packageId: "CEN000F0",
      collectionId: "CEN00010",
      mandatory: true,
      mandatoryOverSlowLinks: true,
      noLocalDpMode: "DOWNLOAD_REMOTE",
      priority: 1,
    });

    // Nobody has reported since: not a single computer counts as removed. CEN-WS002 never had it.
    const verification = await member.inject({ method: "GET", url: `/api/rollbacks/${r.id}/verification` });
    expect(verification.statusCode, verification.body).toBe(200);
    expect(verification.json()).toMatchObject({
      targeted: 3,
      groups: { REMOVED: 0, NOT_AFFECTED: 1, IN_PROGRESS: 2, UNREACHABLE: 0 },
      neverReported: 2,
      remaining: 2,
      tasksToCreate: 0,
    });
    // A member joining the collection later is no target of this advertisement.
    const joined = {
      collectionRowId: (
        await t.db.prisma.collection.findFirstOrThrow({ where: { fleetId: FLEET, collectionId: "CEN00010" } })
      ).id,
      computerRowId: (await t.db.prisma.computer.findFirstOrThrow({ where: { fleetId: FLEET, resourceId: 1004 } })).id,
    };
    await t.db.prisma.collectionMember.create({ data: joined });
    r = await must(smsAdmin, r, { type: "verify" });
    expect(r.status).toBe("PARTIAL");
    expect(r.record.verifications.at(-1)).toMatchObject({
      targeted: 3,
      removed: 0,
      notAffected: 1,
      inProgress: 2,
      neverReported: 2,
      remaining: 2,
      tasksCreated: 0,
      graceHours: 24,
    });
    await t.db.prisma.collectionMember.delete({ where: { collectionRowId_computerRowId: joined } });
  });

  it("multi-update package, with a deploying case: halt, authorise, clean up, build, test, advertise to option B, verify", async () => {
    const u = await recordUpdate({});
    await buildTwoUpdatePackage("CEN00022", "CEN3000B", ["KB835732", "KB828741"]);
    const c = await deployingCase(u.id, "CEN00022", "CEN3000B");
    // Evidence: 1001 and 1004 applied it, 1002 still needs it, 1003 has no row, 9999 is not a computer of the fleet.
    await setCompliance("KB835732", [
      [1001, "INSTALLED"],
      [1002, "REQUIRED"],
      [1004, "INSTALLED"],
      [9999, "INSTALLED"],
    ]);

    let r = (await open(member, u.id, { initialPriority: "HIGH" })).json<RollbackDetail>();
    expect(r).toMatchObject({ caseId: c.id, status: "REQUESTED" });
    expect(r.record.original).toMatchObject({ advertisementId: "CEN3000B", collectionId: "CEN00010" });
    // Counted only once the package is accepted (READY).
    expect(r.targetingCounts).toBeNull();
    expect(r.programs.checkFirst?.commandLine).toMatch(/^cmd \/c \(reg query "HKLM\\SOFTWARE\\Microsoft\\Updates/);

    // Halt: the program is disabled and the case follows to HALTED.
    r = await must(smsAdmin, r, { type: "halt", reason: "Logons fail after the update" });
    expect(r.status).toBe("HALTED");
    expect(await caseStatus(c.id)).toBe("HALTED");
    const program = (
      await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/packages/CEN00022/programs/Install bundle" })
    ).json();
    expect(program.disabled).toBe(true);

    // While the rollback is open, the case cannot be resumed underneath it.
    const halted = (await member.inject({ method: "GET", url: `/api/cases/${c.id}` })).json<CaseDetail>();
    const resume = await lead.inject({
      method: "POST",
      url: `/api/cases/${c.id}/actions`,
      payload: { type: "resume", reason: "Looks fine again" },
      headers: { "if-match": `W/"${halted.version}"` },
    });
    expect(resume.statusCode).toBe(409);
    expect(resume.json().message).toMatch(/cancel it before resuming/);

    // Priority, then the authorisation by the ERT lead: the case moves to ROLLING_BACK (an ERT member may not authorise).
    r = await must(member, r, { type: "confirmPriority", priority: "HIGH", rationale: "300 desktops cannot log on" });
    expect(r.record.priorityConfirmation).toMatchObject({ priority: "HIGH", confirmedByRole: "ERT_MEMBER" });
    expect(r.people[member.userId]).toBeTruthy();
    expect((await act(member, r, { type: "authorise" })).statusCode).toBe(403);
    r = await must(lead, r, { type: "authorise", note: "Roll back; do not resume" });
    expect(await caseStatus(c.id)).toBe("ROLLING_BACK");

    // Package, program and advertisement changes are not an ERT member's.
    const stale = r.cleanupPreview!;
    const byMember = await act(member, r, { type: "cleanPackages", fingerprint: stale.fingerprint });
    expect(byMember.statusCode).toBe(403);
    expect(byMember.json().message).toMatch(/your role is ERT member/);

    // Clean-up: a preview whose data changed is refused with 409, and nothing changes.
    expect(stale).toMatchObject({
      branch: "REMOVE_FROM_PACKAGE",
      items: [{ packageId: "CEN00022", sourceVersionAfter: 2 }],
    });
    const pkgBefore = (
      await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/packages/CEN00022" })
    ).json();
    const renamed = await smsAdmin.inject({
      method: "PATCH",
      url: "/api/fleets/production/packages/CEN00022",
      payload: { name: "Bundle renamed" },
      headers: { "if-match": `W/"${pkgBefore.version}"` },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const conflict = await act(smsAdmin, r, { type: "cleanPackages", fingerprint: stale.fingerprint });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().message).toMatch(/changed since the clean-up preview/);
    r = await get(r.id);
    expect(r.status).toBe("HALTED");
    expect(r.cleanupPreview!.fingerprint).not.toBe(stale.fingerprint);
    r = await must(smsAdmin, r, { type: "cleanPackages", fingerprint: r.cleanupPreview!.fingerprint });
    const pkg = (await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/packages/CEN00022" })).json();
    expect(pkg).toMatchObject({ updateIds: ["KB828741"], sourceVersion: 2 });
    expect(
      (await smsAdmin.inject({ method: "GET", url: "/api/fleets/production/advertisements/CEN3000B" })).statusCode,
    ).toBe(200);

    // Build: a ROLLBACK package with both programs (not by an ERT member).
    expect((await act(member, r, { type: "build" })).statusCode).toBe(403);
    r = await must(smsAdmin, r, { type: "build" });
    // The next free package ID of the central site (CEN000F0 was chosen by hand above).
    const rollbackPackage = r.record.build!.packageId;
    expect(rollbackPackage).toBe("CEN000F1");
    const built = (
      await smsAdmin.inject({ method: "GET", url: `/api/fleets/production/packages/${rollbackPackage}` })
    ).json();
    expect(built).toMatchObject({ kind: "ROLLBACK", updateIds: ["KB835732"] });
    expect(
      built.programs.map((p: { programName: string; checksUpdatePresent: boolean; kind: string }) => [
        p.programName,
        p.checksUpdatePresent,
        p.kind,
      ]),
    ).toEqual([
      ["Roll back KB835732", false, "ROLLBACK"],
      ["Roll back KB835732 (check first)", true, "ROLLBACK"],
    ]);

    // Acceptance.
    r = await must(member, r, { type: "addTest", name: "Logon works after removal", scope: "CORE" });
    expect((await act(member, r, { type: "acceptRelease" })).statusCode).toBe(409);
    r = await must(member, r, { type: "recordTestResult", testId: "t1", result: "PASSED" });
    r = await must(member, r, { type: "acceptRelease" });
    expect(r.status).toBe("READY");
    expect(r.targetingCounts?.sameCollection).toMatchObject({ available: true, targeted: 3, withEvidence: 1 });
    expect(r.targetingCounts?.appliedOnly).toMatchObject({ available: true, targeted: 2, installed: 2 });

    // Option B: only the computers with evidence; bound to the count the user saw, and not by an ERT member.
    expect((await act(member, r, { type: "advertise", targeting: "APPLIED_ONLY" })).statusCode).toBe(403);
    const moved = await act(smsAdmin, r, { type: "advertise", targeting: "APPLIED_ONLY", expectedTargeted: 3 });
    expect(moved.statusCode).toBe(409);
    expect(moved.json().message).toMatch(/now targets 2 computers, not the 3 you were shown/);
    r = await must(smsAdmin, r, { type: "advertise", targeting: "APPLIED_ONLY", expectedTargeted: 2 });
    expect(r.status).toBe("DEPLOYING");
    const d = r.record.deployment!;
    expect(d).toMatchObject({
      targeting: "APPLIED_ONLY",
      collectionCreated: true,
      targeted: 2,
      withEvidence: 2,
      programName: "Roll back KB835732",
    });
    const collection = await t.db.prisma.collection.findFirstOrThrow({
      where: { fleetId: FLEET, collectionId: d.collectionId },
      select: { purpose: true, rules: true, members: { select: { computer: { select: { resourceId: true } } } } },
    });
    expect(collection.purpose).toBe("ROLLBACK_APPLIED");
    expect(collection.members.map((m) => m.computer.resourceId).sort()).toEqual([1001, 1004]);
    expect(collection.rules).toEqual([
      { type: "DIRECT", resourceId: 1001 },
      { type: "DIRECT", resourceId: 1004 },
    ]);
    const ad = (
      await smsAdmin.inject({ method: "GET", url: `/api/fleets/production/advertisements/${d.advertisementId}` })
    ).json();
    expect(ad).toMatchObject({
      collectionId: d.collectionId,
      packageId: rollbackPackage,
      mandatory: true,
      state: "ACTIVE",
    });

    // Verify right after advertising: nobody has reported yet, and nobody is unreachable yet.
    r = await must(smsAdmin, r, { type: "verify" });
    expect(r.status).toBe("PARTIAL");
    expect(r.record.verifications.at(-1)).toMatchObject({ inProgress: 2, unreachable: 0, tasksCreated: 0 });
    expect(r.oobTasks).toEqual([]);

    // 1001's rollback program fails: a task for it; 1004 is still within the grace window.
    await setClientStatus(d.advertisementId, 1001, "FAILED", 1603);
    r = await must(smsAdmin, r, { type: "verify" });
    expect(r.record.verifications.at(-1)).toMatchObject({ failed: 1, inProgress: 1, tasksCreated: 1 });
    expect(r.oobTasks.map((x) => x.resourceId)).toEqual([1001]);
    // A grace window of 0 hours: 1004, still silent, is unreachable now.
    r = await must(smsAdmin, r, { type: "verify", graceHours: 0 });
    expect(r.record.verifications.at(-1)).toMatchObject({ failed: 1, unreachable: 1, tasksCreated: 1 });
    expect(r.oobTasks.map((x) => x.resourceId).sort()).toEqual([1001, 1004]);
    r = await must(smsAdmin, r, { type: "verify", graceHours: 0 });
    expect(await t.db.prisma.outOfBandTask.count({ where: { kind: "ROLLBACK_UNREACHABLE", rollbackId: r.id } })).toBe(
      2,
    );
    expect(r.record.verifications.map((v) => v.tasksCreated)).toEqual([0, 1, 1, 0]);

    // 1001 is retried and reports the removal: its task is closed by the system (not needed), audited.
    await setClientStatus(d.advertisementId, 1001, "SUCCEEDED", 0);
    await setCompliance("KB835732", [[1001, "ROLLED_BACK"]]);
    r = await must(smsAdmin, r, { type: "verify", graceHours: 0 });
    expect(r.status).toBe("PARTIAL");
    expect(r.record.verifications.at(-1)).toMatchObject({ removed: 1, unreachable: 1, tasksClosed: 1 });
    const closedTask = r.oobTasks.find((x) => x.resourceId === 1001)!;
    expect(closedTask.state).toBe("NOT_NEEDED");
    const closedRow = (await smsAdmin.inject({ method: "GET", url: `/api/oob-tasks/${closedTask.id}` })).json();
    expect(closedRow.record.outcomeNote).toMatch(
      /^Compliance shows KB835732 rolled back since .*: closed by the rollback's verification\.$/,
    );
    const closedAudit = await t.db.prisma.auditEntry.findFirst({
      where: { action: "oob_task.update", entityId: closedTask.id },
      select: { after: true },
    });
    expect(closedAudit?.after).toMatchObject({ state: "NOT_NEEDED", rollbackId: r.id });

    // 1004 is done by hand through its task.
    const task = r.oobTasks.find((x) => x.resourceId === 1004)!;
    const taskRow = (await smsAdmin.inject({ method: "GET", url: `/api/oob-tasks/${task.id}` })).json();
    expect(taskRow).toMatchObject({
      caseId: c.id,
      record: { kind: "ROLLBACK_UNREACHABLE", targetRef: { label: "CEN-SMS01" } },
    });
    expect(taskRow.record.reason).toMatch(/not reached.*no status from the rollback advertisement/);
    const started = await smsAdmin.inject({
      method: "PATCH",
      url: `/api/oob-tasks/${task.id}`,
      payload: { to: "IN_PROGRESS", ownerId: smsAdmin.userId },
      headers: { "if-match": `W/"${taskRow.version}"` },
    });
    expect(started.statusCode, started.body).toBe(200);
    const done = await smsAdmin.inject({
      method: "PATCH",
      url: `/api/oob-tasks/${task.id}`,
      payload: { to: "DONE", evidence: "Ran spuninst.exe at the console; KB835732 gone from Add/Remove" },
      headers: { "if-match": `W/"${started.json().version}"` },
    });
    expect(done.statusCode, done.body).toBe(200);
    r = await must(smsAdmin, r, { type: "verify" });
    expect(r.status).toBe("COMPLETED");
    expect(r.record.verifications.at(-1)).toMatchObject({ removed: 1, settledByOob: 1, remaining: 0 });
    expect(r.oobTaskCounts).toEqual({ NOT_NEEDED: 1, DONE: 1 });
    expect(await caseStatus(c.id)).toBe("ROLLED_BACK");
    expect(r.sla?.closed).toBe(true);

    // Everything on the rollback's own timeline (indexed by rollback), newest last, and in the audit.
    expect(r.timeline.map((e) => (e.payload as { action?: string }).action)).toEqual(
      expect.arrayContaining(["open", "halt", "authorise", "cleanPackages", "build", "advertise", "verify"]),
    );
    expect(r.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(["ROLLBACK_READY", "OOB_TASK_CREATED", "OOB_TASK_CHANGED", "CASE_TRANSITION"]),
    );
    expect(r.timeline.at(-1)).toMatchObject({
      type: "ROLLBACK_TRANSITION",
      payload: { action: "verify", to: "COMPLETED" },
    });
    // Capped to the newest events, never the oldest.
    const all = await t.db.prisma.timelineEvent.findMany({
      where: { rollbackId: r.id },
      orderBy: { seq: "asc" },
      select: { seq: true },
    });
    expect((await rollbacksRepository.timeline(t.db.prisma, r.id, 2)).map((e) => e.seq)).toEqual(
      all.slice(-2).map((e) => e.seq),
    );
    const actions = (
      await t.db.prisma.auditEntry.findMany({
        where: { entityType: "rollback", entityId: r.id },
        select: { action: true },
      })
    ).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["rollback.open", "rollback.halt", "rollback.verify"]));
    expect(
      await t.db.prisma.timelineEvent.count({ where: { type: "ROLLBACK_READY", caseId: c.id, rollbackId: r.id } }),
    ).toBe(1);
  });

  it("halts the linked case itself when the release halt does not reach it; cancelling hands it back to HALTED", async () => {
    const u = await recordUpdate({ kbNumber: "KB900030", bulletinId: "MS04-030" });
    // The case deploys through a package that does not name the update: the release halt misses it.
    await buildTwoUpdatePackage("CEN00110", "CEN3010A", ["KB828741"]);
    const c = await deployingCase(u.id, "CEN00110", "CEN3010A");
    let r = (await open(member, u.id)).json<RollbackDetail>();
    expect(r.caseId).toBe(c.id);
    r = await must(smsAdmin, r, { type: "halt", reason: "Logons fail after the update" });
    expect(await caseStatus(c.id)).toBe("HALTED");
    expect(r.record.halt?.caseIds).toEqual([c.id]);
    r = await must(member, r, { type: "confirmPriority", priority: "HIGH", rationale: "300 desktops cannot log on" });
    r = await must(lead, r, { type: "authorise" });
    expect(r.warnings ?? []).toEqual([]);
    expect(await caseStatus(c.id)).toBe("ROLLING_BACK");
    // The case API leaves the case to the open rollback.
    const caseNow = (await member.inject({ method: "GET", url: `/api/cases/${c.id}` })).json<CaseDetail>();
    const abandon = await lead.inject({
      method: "POST",
      url: `/api/cases/${c.id}/actions`,
      payload: { type: "abandonRollback", reason: "Changed our minds" },
      headers: { "if-match": `W/"${caseNow.version}"` },
    });
    expect(abandon.statusCode).toBe(409);
    r = await must(lead, r, { type: "cancel", reason: "The vendor shipped a fixed update" });
    expect(r.status).toBe("CANCELLED");
    expect(await caseStatus(c.id)).toBe("HALTED");
  });

  it("not feasible after the clean-up hands the case back to HALTED; a partial rollback is reviewed only with an outcome note", async () => {
    const u1 = await recordUpdate({ kbNumber: "KB900040", bulletinId: "MS04-040" });
    await buildTwoUpdatePackage("CEN00120", "CEN3010B", ["KB900040", "KB828741"]);
    const c1 = await deployingCase(u1.id, "CEN00120", "CEN3010B");
    let r1 = (await open(member, u1.id)).json<RollbackDetail>();
    r1 = await must(smsAdmin, r1, { type: "halt", reason: "Logons fail after the update" });
    r1 = await must(member, r1, { type: "confirmPriority", priority: "HIGH", rationale: "300 desktops cannot log on" });
    r1 = await must(lead, r1, { type: "authorise" });
    r1 = await must(smsAdmin, r1, { type: "cleanPackages", fingerprint: r1.cleanupPreview!.fingerprint });
    expect(await caseStatus(c1.id)).toBe("ROLLING_BACK");
    r1 = await must(lead, r1, { type: "markNotFeasible", reason: "The $NtUninstall$ folders were cleaned up" });
    expect(r1.status).toBe("NOT_FEASIBLE");
    expect(await caseStatus(c1.id)).toBe("HALTED");

    const u2 = await recordUpdate({ kbNumber: "KB900041", bulletinId: "MS04-041" });
    await buildTwoUpdatePackage("CEN00130", "CEN3010C", ["KB900041", "KB828741"]);
    const c2 = await deployingCase(u2.id, "CEN00130", "CEN3010C");
    await setCompliance("KB900041", [[1001, "INSTALLED"]]);
    let r2 = await toReady((await open(member, u2.id)).json<RollbackDetail>());
    r2 = await must(smsAdmin, r2, { type: "advertise", targeting: "APPLIED_ONLY" });
    r2 = await must(smsAdmin, r2, { type: "verify", graceHours: 0 });
    expect(r2.status).toBe("PARTIAL");
    const text = "Removed from none of 1 computer in 0 h; the laptop is away. Lesson: keep uninstall folders.";
    const noNote = await act(member, r2, { type: "review", text });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().details[0].path).toBe("body.outcomeNote");
    expect(await caseStatus(c2.id)).toBe("ROLLING_BACK");
    r2 = await must(member, r2, {
      type: "review",
      text,
      outcomeNote: "CEN-WS001 is an out-of-band task with its owner",
    });
    expect(r2.record.review).toMatchObject({
      remainingAtReview: 1,
      outcomeNote: "CEN-WS001 is an out-of-band task with its owner",
    });
    expect(await caseStatus(c2.id)).toBe("ROLLING_BACK");
    // Closing it settles the update's case: rolled back, with the outcome as the evidence.
    r2 = await must(smsAdmin, r2, { type: "close" });
    expect(r2.status).toBe("CLOSED");
    const closedCase = (await member.inject({ method: "GET", url: `/api/cases/${c2.id}` })).json<CaseDetail>();
    expect(closedCase.status).toBe("ROLLED_BACK");
    expect(closedCase.record.rollback?.evidence).toMatch(/^Rollback closed as partial: 1 computer still had KB900041/);
  });

  it("answers 404 for a rollback of another fleet (drill sandboxes copy ids)", async () => {
    const sandbox = await t.db.prisma.fleet.create({ data: { kind: "DRILL_SANDBOX", name: "Drill sandbox" } });
    const [any] = (await t.db.prisma.rollback.findMany({ take: 1, select: { id: true, version: true } })) as {
      id: string;
      version: number;
    }[];
    expect((await member.inject({ method: "GET", url: `/api/rollbacks/${any!.id}?fleet=production` })).statusCode).toBe(
      200,
    );
    expect(
      (await member.inject({ method: "GET", url: `/api/rollbacks/${any!.id}?fleet=${sandbox.id}` })).statusCode,
    ).toBe(404);
    const acted = await lead.inject({
      method: "POST",
      url: `/api/rollbacks/${any!.id}/actions?fleet=${sandbox.id}`,
      payload: { type: "cancel", reason: "Not in this fleet" },
      headers: { "if-match": `W/"${any!.version}"` },
    });
    expect(acted.statusCode).toBe(404);
  });

  it("lists rollbacks of the fleet", async () => {
    const res = await observer.inject({ method: "GET", url: "/api/rollbacks?fleet=production&open=true" });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<{ items: { kbNumber: string; status: string }[]; total: number }>();
    expect(page.items.map((i) => i.kbNumber)).toEqual(expect.arrayContaining(["KB835732", "KB823980", "KB900010"]));
    expect(page.items.map((i) => i.kbNumber)).not.toContain("KB900001"); // closed after its alternative recovery
    expect(page.items.every((i) => i.status !== "CLOSED")).toBe(true);
  });
});
