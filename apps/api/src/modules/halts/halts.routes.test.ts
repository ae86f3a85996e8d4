import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AdvertFlags,
  DEFAULT_PROGRAM_FLAGS,
  PRODUCTION_FLEET_ID,
  type AdvertisementMonitor,
  type CaseDetail,
  type FleetImport,
  type HaltReleaseResult,
  type HaltRuleView,
  type HaltTargets,
  type HaltVerification,
  type ReleaseHaltList,
  type ResumeResult,
  type WarRoom,
} from "@firebreak/domain";
import { buildTestApp, userWithRole, type Client } from "../../../test/helpers.js";
import { PRESENT, smallFleet } from "../../../test/fleet-fixture.js";
import { HASH, sasserUpdate } from "../../../test/process-fixture.js";
import { act } from "../emergencies/emergencies.fixture.js";
import { systemActor } from "../../lib/actor.js";
import { writeTransaction } from "../audit/audit.service.js";
import { casesRepository } from "../cases/cases.repository.js";
import { createIngestService } from "../ingest/ingest.service.js";
import { haltRuleRunner } from "./halt-rules.runner.js";
import { haltsRepository } from "./halts.repository.js";
import { createHaltsService, haltRelease } from "./halts.service.js";

// ── a fleet of 60 more workstations (30 at CEN, 30 at BRN) and releases built through the API

const extra = (site: "CEN" | "BRN", first: number) =>
  Array.from({ length: 30 }, (_, i) => ({
    resourceId: first + i,
    name: `${site}-PC${String(i + 1).padStart(3, "0")}`,
    siteCode: site,
    os: "Windows XP",
    clientType: "ADVANCED" as const,
    isLaptop: false,
    connectionProfile: "LAN" as const,
    boundaryId: null,
    isPatchInfrastructure: false,
    lastSeenAt: null,
  }));
const cen = extra("CEN", 1101);
const brn = extra("BRN", 2101);
const fleet: FleetImport = {
  ...smallFleet,
  computers: [...smallFleet.computers!, ...cen, ...brn],
  collections: smallFleet.collections!.map((c) => ({
    ...c,
    memberResourceIds: [1001, 1002, 1003, ...cen.map((c) => c.resourceId), ...brn.map((c) => c.resourceId)],
  })),
};
const machine = new Map([...cen, ...brn].map((c) => [c.resourceId, c]));

const t = await buildTestApp();
const runner = haltRuleRunner(t.db.prisma);
/** Waits for the background evaluations the ingest started (the acknowledgement does not wait for them). */
const settle = () => runner.settled();
const lead = await userWithRole(t, "ERT_LEAD");
const member = await userWithRole(t, "ERT_MEMBER");
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
const observer = await userWithRole(t, "OBSERVER");
const imported = await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/import", payload: fleet });
expect(imported.statusCode, imported.body).toBe(200);
async function ingestToken(fleetRef: string) {
  const res = await smsAdmin.inject({
    method: "POST",
    url: `/api/fleets/${fleetRef}/ingest-tokens`,
    payload: { name: `forwarder ${fleetRef}`, siteCodes: ["CEN", "BRN"] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token as string;
}
const token = await ingestToken("production");

afterEach(() => {
  vi.restoreAllMocks();
  runner.minIntervalMs = 0;
});

const post = (client: Client, fleetRef: string, path: string, payload: object) =>
  client.inject({ method: "POST", url: `/api/fleets/${fleetRef}/${path}`, payload });

/** A program of `packageId` for the update(s), advertised as `advertisementId` to every workstation. */
async function advertise(fleetRef: string, packageId: string, programName: string, advertisementId: string) {
  const res = await post(smsAdmin, fleetRef, "advertisements", {
    advertisementId,
    advertisementName: `${programName} (${advertisementId})`,
    packageId,
    programName,
    collectionId: "CEN00010",
    includeSubCollection: true,
    presentTime: PRESENT,
    expirationTime: null,
    assignedSchedule: [{ startTime: PRESENT }],
    assignedScheduleEnabled: true,
    // Mandatory over slow links and run from a remote DP: what an Emergency release needs.
    advertFlags: AdvertFlags.fromNames(["IMMEDIATE"]) | 0x04000000,
    remoteClientFlags: 0x50,
    priority: 2,
  });
  expect(res.statusCode, res.body).toBe(201);
}

/** Package CEN001<nn> carrying `updateIds` with a program, advertised as CEN201<nn> (emergency-ready flags). */
async function release(
  n: number,
  kb = `KB90000${n}`,
  kind: "INSTALL" | "ROLLBACK" = "INSTALL",
  opts: { fleetRef?: string; updateIds?: string[] } = {},
) {
  const fleetRef = opts.fleetRef ?? "production";
  const hex = n.toString(16).toUpperCase().padStart(2, "0");
  const packageId = `CEN001${hex}`;
  const advertisementId = `CEN201${hex}`;
  const programName = `${kind === "INSTALL" ? "Install" : "Remove"} ${kb}`;
  const pkg = await post(smsAdmin, fleetRef, "packages", {
    packageId,
    name: `${kb} package`,
    sourceVersion: 1,
    sizeKB: 1300,
    sendingPriority: "HIGH",
    preferredSender: "NO_PREFERENCE",
    ignoreAddressSchedule: false,
    kind: "DEPLOY",
    updateIds: opts.updateIds ?? [kb],
  });
  expect(pkg.statusCode, pkg.body).toBe(201);
  const program = await post(smsAdmin, fleetRef, `packages/${packageId}/programs`, {
    packageId,
    programName,
    commandLine: `${kb}.exe /quiet /norestart`,
    programFlags: DEFAULT_PROGRAM_FLAGS,
    maxRunMinutes: 30,
    kind,
    checksUpdatePresent: kind === "ROLLBACK",
  });
  expect(program.statusCode, program.body).toBe(201);
  await advertise(fleetRef, packageId, programName, advertisementId);
  return { packageId, advertisementId, programName, kb };
}

let batch = 0;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const msg = (advertisementId: string, resourceId: number, messageId: number, time = minutesAgo(30)) => {
  const c = machine.get(resourceId)!;
  return {
    messageId,
    machineName: c.name,
    resourceId,
    siteCode: c.siteCode,
    advertisementId,
    time,
    ...(messageId === 10006 ? { exitCode: 1603 } : messageId === 10008 ? { exitCode: 0 } : {}),
  };
};
/** Posts a status batch as the forwarder does; `settle` also waits for the halt rules it woke. */
async function ingest(messages: unknown[], opts: { batchId?: string; settle?: boolean; token?: string } = {}) {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/ingest/status-messages",
    payload: { batchId: opts.batchId ?? `halt-test-${batch++}`, messages },
    headers: { authorization: `Bearer ${opts.token ?? token}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  if (opts.settle ?? true) await settle();
  return res;
}
const failures = (ad: string, ids: number[]) => ingest(ids.map((id) => msg(ad, id, 10006)));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

const ruleUrl = (ad: string) => `/api/fleets/production/advertisements/${ad}/halt-rule`;
const putRule = (client: Client, ad: string, payload: unknown, ifMatch?: string) =>
  client.inject({
    method: "PUT",
    url: ruleUrl(ad),
    payload: payload as object,
    headers: ifMatch ? { "if-match": ifMatch } : {},
  });
const getRule = async (ad: string) => {
  const res = await observer.inject({ method: "GET", url: ruleUrl(ad) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<HaltRuleView>();
};
const advert = async (ad: string, fleetRef = "production") =>
  (await observer.inject({ method: "GET", url: `/api/fleets/${fleetRef}/advertisements/${ad}` })).json<{
    programDisabled: boolean;
    state: string;
  }>();
const programDisabled = async (ad: string, fleetRef = "production") => (await advert(ad, fleetRef)).programDisabled;
const verification = async (ad: string, fleetRef = "production") => {
  const res = await observer.inject({
    method: "GET",
    url: `/api/fleets/${fleetRef}/advertisements/${ad}/halt-verification`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<HaltVerification>();
};
const haltsInForce = async (fleetRef = "production") =>
  (await observer.inject({ method: "GET", url: `/api/fleets/${fleetRef}/halts` })).json<ReleaseHaltList>().items;
const haltAd = (client: Client, ad: string, payload: object, fleetRef = "production") =>
  post(client, fleetRef, `advertisements/${ad}/halt`, payload);
const resumeAd = (client: Client, ad: string, reason: string) =>
  post(client, "production", `advertisements/${ad}/resume`, { reason });
const audit = (action: string, entityId?: string) =>
  t.db.prisma.auditEntry.findMany({
    where: { action, ...(entityId ? { entityId } : {}) },
    orderBy: { seq: "asc" },
  });
const ruleRow = (ad: string) =>
  t.db.prisma.haltRule.findFirstOrThrow({ where: { advertisement: { advertisementId: ad } } });
const caseDetail = async (id: string) =>
  (await observer.inject({ method: "GET", url: `/api/cases/${id}` })).json<CaseDetail>();

let updates = 0;
/** A case for a new update (KB9500nn) deploying through `advertisementId` (an Emergency, through the API). */
async function deployingCase(packageId: string, advertisementId: string, kbNumber = `KB9500${updates}`) {
  updates++;
  const update = await member.inject({
    method: "POST",
    url: "/api/updates",
    payload: { ...sasserUpdate, kbNumber, bulletinId: `MS04-9${String(updates).padStart(2, "0")}` },
  });
  expect(update.statusCode, update.body).toBe(201);
  let c = (
    await member.inject({ method: "POST", url: "/api/cases", payload: { updateId: update.json().id } })
  ).json<CaseDetail>();
  c = await act(member, c, { type: "markRelevant", evidence: "Every XP and 2000 machine runs LSASS" });
  c = await act(member, c, {
    type: "verifySource",
    hash: HASH,
    checks: { genuine: true, virusFree: true, installsCleanly: true },
  });
  c = await act(member, c, {
    type: "submitRfc",
    initialPriority: "EMERGENCY",
    category: "MAJOR",
    rationale: "Sasser is spreading",
  });
  c = await act(member, c, { type: "startEvaluation" });
  c = await act(lead, c, {
    type: "confirmPriority",
    finalPriority: "EMERGENCY",
    rationale: {
      assetsExposed: "All workstations",
      mitigations: "none",
      scope: "all workstations",
      exploitedInTheWild: true,
    },
  });
  c = await act(member, c, { type: "plan" });
  c = await act(smsAdmin, c, { type: "build", packageId });
  const withTest = await member.inject({
    method: "POST",
    url: `/api/cases/${c.id}/tests`,
    payload: { name: "Logon works", scope: "CORE" },
  });
  c = await act(smsAdmin, withTest.json<CaseDetail>(), { type: "startTesting", packageId });
  const test = c.tests[0]!;
  c = (
    await member.inject({
      method: "POST",
      url: `/api/cases/${c.id}/tests/${test.id}/result`,
      payload: { result: "PASSED" },
      headers: { "if-match": `W/"${test.version}"` },
    })
  ).json<CaseDetail>();
  c = await act(member, c, { type: "acceptRelease" });
  c = await act(smsAdmin, c, { type: "startDeployment", advertisementId });
  expect(c.status).toBe("DEPLOYING");
  return c;
}

const OVERALL_25 = { failurePct: 25, minSample: 20, perSite: false, overall: true };

describe("halt rule validation and access", () => {
  it("refuses an invalid rule with 400 naming the field, and stores nothing", async () => {
    const r = await release(0x11);
    const ad = r.advertisementId;
    const noThreshold = await putRule(smsAdmin, ad, { minSample: 20, perSite: true, overall: false });
    expect(noThreshold.statusCode).toBe(400);
    expect(noThreshold.json().details).toContainEqual({
      path: "body.failureCount",
      message: "Set a failure count, a failure percentage or both: the rule needs at least one threshold.",
    });
    const noScope = await putRule(smsAdmin, ad, { failurePct: 25, minSample: 20, perSite: false, overall: false });
    expect(noScope.statusCode).toBe(400);
    expect(JSON.stringify(noScope.json().details)).toMatch(/per site, overall, or both/);
    const badPct = await putRule(smsAdmin, ad, { failurePct: 120, minSample: 20, perSite: true, overall: true });
    expect(badPct.statusCode).toBe(400);
    expect(JSON.stringify(badPct.json().details)).toMatch(/at most 100 %/);
    const none = await observer.inject({ method: "GET", url: ruleUrl(ad) });
    expect(none.statusCode).toBe(404);
    expect(none.json().message).toMatch(/has no halt rule/);
    expect(await t.db.prisma.haltRule.count({ where: { advertisement: { advertisementId: ad } } })).toBe(0);
    expect((await audit("halt_rule.create", ad)).length).toBe(0);
  });

  it("404s for an advertisement that does not exist", async () => {
    const res = await putRule(smsAdmin, "CEN2FFFF", { failurePct: 25, minSample: 20, perSite: true, overall: true });
    expect(res.statusCode).toBe(404);
  });

  it("lets only those who may halt set rules: observers 403 at the door, ERT members without a grant 403 with the reason", async () => {
    const r = await release(0x12);
    expect((await putRule(observer, r.advertisementId, OVERALL_25)).statusCode).toBe(403);
    const asMember = await putRule(member, r.advertisementId, OVERALL_25);
    expect(asMember.statusCode).toBe(403);
    expect(asMember.json().message).toBe(
      "Setting a halt rule needs the ERT lead or SMS administrator role, or an active emergency-authority grant; your role is ERT member / patch team.",
    );
    expect(await t.db.prisma.haltRule.count({ where: { advertisement: { advertisementId: r.advertisementId } } })).toBe(
      0,
    );
  });

  it("creates without If-Match (201 + ETag), then replaces only with the current If-Match (428, 412)", async () => {
    const ad = (await release(0x13)).advertisementId;
    const phantom = await putRule(smsAdmin, ad, OVERALL_25, 'W/"1"');
    expect(phantom.statusCode).toBe(412);
    const created = await putRule(smsAdmin, ad, OVERALL_25);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('W/"1"');
    expect(created.json<HaltRuleView>()).toMatchObject({
      state: "ARMED",
      enabled: true,
      firing: null,
      lastError: null,
      rule: { failurePct: 25, failureCount: null, minSample: 20, perSite: false, overall: true },
      current: [{ scope: "OVERALL", finished: 0, failed: 0, fires: false }],
    });
    // It was evaluated as it was set.
    expect(created.json<HaltRuleView>().lastEvaluatedAt).not.toBeNull();
    expect((await putRule(lead, ad, { ...OVERALL_25, minSample: 10 })).statusCode).toBe(428);
    expect((await putRule(lead, ad, { ...OVERALL_25, minSample: 10 }, 'W/"7"')).statusCode).toBe(412);
    expect((await getRule(ad)).rule.minSample).toBe(20);
    const [entry] = await audit("halt_rule.create", ad);
    expect(entry?.actorName).toBe(smsAdmin.username);
    expect(entry?.after).toMatchObject({ failurePct: 25, minSample: 20, enabled: true });
  });
});

describe("automatic halt", () => {
  it("fires only after its minimum sample: 19 failures of 19 do not, the 20th does", async () => {
    const r = await release(0x14);
    const ad = r.advertisementId;
    expect((await putRule(smsAdmin, ad, OVERALL_25)).statusCode).toBe(201);
    await failures(ad, range(1101, 19));
    expect((await getRule(ad)).state).toBe("ARMED");
    expect((await getRule(ad)).current[0]).toMatchObject({ finished: 19, failed: 19, sampleMet: false, fires: false });
    expect(await programDisabled(ad)).toBe(false);

    await failures(ad, [1120]);
    const fired = await getRule(ad);
    expect(fired.state).toBe("FIRED");
    expect(fired.firing).toMatchObject({ scope: "OVERALL", failed: 20, finished: 20 });
    const sentence = `Halt rule of ${ad}: 20 of 20 installs failed across all sites (100 % ≥ 25 %, sample ≥ 20)`;
    expect(fired.firing?.sentence).toBe(sentence);
    expect(await programDisabled(ad)).toBe(true);

    // The audit log names the rule, on the rule's firing, the program it disabled and the halt it made.
    const [fire] = await audit("halt_rule.fire", ad);
    expect(fire).toMatchObject({
      actorId: null,
      actorName: "halt-rule",
      after: expect.objectContaining({ rule: sentence }),
    });
    const [disable] = await audit("program.disable", `${r.packageId}/${r.programName}`);
    expect(disable?.after).toMatchObject({ disabled: true, automaticRule: sentence, advertisementId: ad });
    const [halt] = await audit("release_halt.create", ad);
    expect(halt?.after).toMatchObject({ automaticRule: sentence, haltRuleId: fired.id, why: "NAMED" });
    // A halt without a case still names its rule where the console shows it.
    expect(await verification(ad)).toMatchObject({ haltSource: "ADVERTISEMENT", automaticRule: sentence, case: null });
  });

  it("fires per site when one site is bad while the fleet as a whole is fine", async () => {
    const ad = (await release(0x15)).advertisementId;
    const created = await putRule(lead, ad, { failurePct: 30, minSample: 10, perSite: true, overall: true });
    expect(created.statusCode, created.body).toBe(201);
    await ingest([
      ...range(1101, 30).map((id) => msg(ad, id, 10008)),
      ...range(2101, 5).map((id) => msg(ad, id, 10006)),
      ...range(2106, 4).map((id) => msg(ad, id, 10008)),
    ]);
    const waiting = await getRule(ad);
    expect(waiting.state).toBe("ARMED");
    expect(waiting.current.find((c) => c.siteCode === "BRN")).toMatchObject({
      finished: 9,
      failed: 5,
      sampleMet: false,
    });

    await ingest([msg(ad, 2110, 10008)]);
    const fired = await getRule(ad);
    expect(fired.state).toBe("FIRED");
    expect(fired.firing).toMatchObject({ scope: "SITE", siteCode: "BRN", failed: 5, finished: 10, failurePct: 50 });
    expect(fired.firing?.sentence).toBe(
      `Halt rule of ${ad}: 5 of 10 installs failed at site BRN (50 % ≥ 30 %, sample ≥ 10)`,
    );
    // Overall 5 of 40 (12.5 %) would not have fired.
    expect(fired.current.find((c) => c.scope === "OVERALL")).toMatchObject({ finished: 40, failed: 5, fires: false });
    expect(await programDisabled(ad)).toBe(true);
  });

  it("fires once when status batches arrive concurrently", async () => {
    const r = await release(0x16);
    const ad = r.advertisementId;
    expect(
      (await putRule(smsAdmin, ad, { failureCount: 3, minSample: 3, perSite: false, overall: true })).statusCode,
    ).toBe(201);
    await Promise.all([0, 1, 2, 3, 4].map((i) => failures(ad, range(1101 + i * 3, 3))));
    await settle();
    expect((await getRule(ad)).state).toBe("FIRED");
    expect((await audit("halt_rule.fire", ad)).length).toBe(1);
    expect((await audit("program.disable", `${r.packageId}/${r.programName}`)).length).toBe(1);
    expect(
      await t.db.prisma.timelineEvent.count({
        where: { type: "HALT_RULE_FIRED", payload: { path: ["advertisementId"], equals: ad } },
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(await t.db.prisma.releaseHalt.count({ where: { advertisement: { advertisementId: ad } } })).toBe(1);
  });

  it("fires once when evaluations race (all read the rule armed before any fires)", async () => {
    const r = await release(0x17);
    const ad = r.advertisementId;
    const body = { failureCount: 2, minSample: 2, perSite: false, overall: true };
    const off = await putRule(smsAdmin, ad, { ...body, enabled: false });
    expect(off.json<HaltRuleView>().state).toBe("SWITCHED_OFF");
    await failures(ad, range(1101, 4));
    expect(await programDisabled(ad)).toBe(false); // a switched-off rule never fires
    // Switched on behind the API's back, so nothing has evaluated it yet.
    await t.db.prisma.haltRule.updateMany({
      where: { advertisement: { advertisementId: ad } },
      data: { enabled: true },
    });
    const halts = createHaltsService(t.db.prisma);
    const results = await Promise.all(
      range(0, 5).map(() => halts.evaluateAfterStatus(PRODUCTION_FLEET_ID, [ad], "race-test", t.app.log)),
    );
    expect(results.flat()).toHaveLength(1);
    expect((await audit("halt_rule.fire", ad)).length).toBe(1);
    expect((await audit("program.disable", `${r.packageId}/${r.programName}`)).length).toBe(1);
  });

  it("never fails the acknowledged batch when a rule cannot be evaluated, and notes the error on the rule", async () => {
    const ad = (await release(0x18)).advertisementId;
    const row = await t.db.prisma.advertisement.findFirstOrThrow({
      where: { advertisementId: ad },
      select: { id: true, fleetId: true },
    });
    await t.db.prisma.haltRule.create({
      data: { fleetId: row.fleetId, advertisementRowId: row.id, record: { broken: true } },
    });
    const res = await failures(ad, range(1101, 5));
    expect(res.json()).toMatchObject({ accepted: 5, replay: false });
    expect(await t.db.prisma.statusMessage.count({ where: { advertisementId: ad } })).toBe(5);
    expect(await programDisabled(ad)).toBe(false);
    expect((await ruleRow(ad)).lastError).toMatch(/minSample|perSite/);
  });

  it("is re-armed only explicitly, audited, and then counts results from the re-arm on", async () => {
    const ad = (await release(0x19)).advertisementId;
    await failures(ad, range(1101, 6));
    const set = await putRule(lead, ad, { ...OVERALL_25, minSample: 5 });
    const fired = set.json<HaltRuleView>();
    expect(fired.state).toBe("FIRED");
    expect(
      (
        await member.inject({
          method: "POST",
          url: `${ruleUrl(ad)}/rearm`,
          payload: {},
          headers: { "if-match": `W/"${fired.version}"` },
        })
      ).statusCode,
    ).toBe(403);
    expect((await lead.inject({ method: "POST", url: `${ruleUrl(ad)}/rearm`, payload: {} })).statusCode).toBe(428);
    // Editing the thresholds keeps it fired.
    const edited = await putRule(lead, ad, { ...OVERALL_25, minSample: 4 }, `W/"${fired.version}"`);
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json<HaltRuleView>().state).toBe("FIRED");
    const rearmed = await lead.inject({
      method: "POST",
      url: `${ruleUrl(ad)}/rearm`,
      payload: { note: "Bad media replaced on the DPs" },
      headers: { "if-match": edited.headers.etag as string },
    });
    expect(rearmed.statusCode, rearmed.body).toBe(200);
    const view = rearmed.json<HaltRuleView>();
    expect(view).toMatchObject({ state: "ARMED", firedAt: null, firing: null });
    expect(view.countSince).not.toBeNull();
    expect(view.current[0]).toMatchObject({ finished: 0, failed: 0 });
    const [entry] = await audit("halt_rule.rearm", ad);
    expect(entry?.actorName).toBe(lead.username);
    expect(entry?.after).toMatchObject({ note: "Bad media replaced on the DPs" });
    // The old failures (timed before the re-arm) do not fire it again.
    await ingest([msg(ad, 1121, 10008, new Date(Date.now() + 1000).toISOString())]);
    expect((await getRule(ad)).state).toBe("ARMED");
    const again = await lead.inject({
      method: "POST",
      url: `${ruleUrl(ad)}/rearm`,
      payload: {},
      headers: { "if-match": `W/"${view.version}"` },
    });
    expect(again.statusCode).toBe(409);
  });

  it("is removed with If-Match, audited", async () => {
    const ad = (await release(0x1a)).advertisementId;
    expect((await putRule(smsAdmin, ad, OVERALL_25)).statusCode).toBe(201);
    const rule = await ruleRow(ad);
    expect((await smsAdmin.inject({ method: "DELETE", url: ruleUrl(ad) })).statusCode).toBe(428);
    const res = await smsAdmin.inject({
      method: "DELETE",
      url: ruleUrl(ad),
      headers: { "if-match": `W/"${rule.version}"` },
    });
    expect(res.statusCode, res.body).toBe(204);
    expect((await observer.inject({ method: "GET", url: ruleUrl(ad) })).statusCode).toBe(404);
    expect((await audit("halt_rule.delete", ad)).length).toBe(1);
  });
});

describe("when a rule is evaluated (it must not silently never fire)", () => {
  it("fires as soon as it is set when the failures are already past it", async () => {
    const ad = (await release(0x20)).advertisementId;
    await failures(ad, range(1101, 20));
    const set = await putRule(smsAdmin, ad, OVERALL_25);
    expect(set.statusCode, set.body).toBe(201);
    expect(set.json<HaltRuleView>()).toMatchObject({ state: "FIRED", firing: { failed: 20, finished: 20 } });
    expect(await programDisabled(ad)).toBe(true);
  });

  it("fires as soon as it is switched on (replaced) when the failures are already past it", async () => {
    const ad = (await release(0x21)).advertisementId;
    const off = await putRule(smsAdmin, ad, { ...OVERALL_25, enabled: false });
    await failures(ad, range(1101, 20));
    expect((await getRule(ad)).state).toBe("SWITCHED_OFF");
    const on = await putRule(smsAdmin, ad, OVERALL_25, off.headers.etag as string);
    expect(on.json<HaltRuleView>().state).toBe("FIRED");
  });

  it("notes a failed evaluation on the rule, and evaluates again when the forwarder replays the batch", async () => {
    const ad = (await release(0x22)).advertisementId;
    expect((await putRule(smsAdmin, ad, OVERALL_25)).statusCode).toBe(201);
    const spy = vi.spyOn(haltsRepository, "finishedBySite").mockRejectedValueOnce(new Error("database went away"));
    const batchId = "halt-replay-1";
    const messages = range(1101, 20).map((id) => msg(ad, id, 10006));
    await ingest(messages, { batchId });
    expect(spy).toHaveBeenCalled();
    const failed = await getRule(ad);
    expect(failed.state).toBe("ARMED");
    expect(failed.lastError?.message).toMatch(/database went away/);

    const replay = await ingest(messages, { batchId });
    expect(replay.json()).toMatchObject({ replay: true });
    const fired = await getRule(ad);
    expect(fired.state).toBe("FIRED");
    expect(fired.lastError).toBeNull();
  });

  it("is caught by the periodic sweep when nothing else evaluates it", async () => {
    const ad = (await release(0x23)).advertisementId;
    expect((await putRule(smsAdmin, ad, { ...OVERALL_25, enabled: false })).statusCode).toBe(201);
    await failures(ad, range(1101, 20));
    await t.db.prisma.haltRule.updateMany({
      where: { advertisement: { advertisementId: ad } },
      data: { enabled: true },
    });
    expect((await getRule(ad)).state).toBe("ARMED");
    runner.start(20);
    try {
      await vi.waitFor(async () => expect((await getRule(ad)).state).toBe("FIRED"), { timeout: 10_000, interval: 50 });
    } finally {
      runner.stop();
      await settle();
    }
    expect(await programDisabled(ad)).toBe(true);
  });

  it("retries a firing once when a case moved meanwhile (412), instead of swallowing it", async () => {
    const r = await release(0x24);
    const c = await deployingCase(r.packageId, r.advertisementId);
    expect((await putRule(lead, r.advertisementId, { ...OVERALL_25, minSample: 5 })).statusCode).toBe(201);
    vi.spyOn(casesRepository, "updateIfVersion").mockResolvedValueOnce(false);
    await failures(r.advertisementId, range(1101, 5));
    const rule = await getRule(r.advertisementId);
    expect(rule).toMatchObject({ state: "FIRED", lastError: null });
    expect((await caseDetail(c.id)).status).toBe("HALTED");
  });

  it("skips a batch without program results, and evaluates a rule at most once per interval (the sweep catches up)", async () => {
    const ad = (await release(0x25)).advertisementId;
    expect((await putRule(smsAdmin, ad, { ...OVERALL_25, minSample: 3 })).statusCode).toBe(201);
    const counts = vi.spyOn(haltsRepository, "finishedBySite");
    await ingest([msg(ad, 1101, 10002), msg(ad, 1101, 10005), msg(ad, 1102, 10005)]);
    expect(counts).not.toHaveBeenCalled();

    runner.minIntervalMs = 3_600_000;
    await failures(ad, range(1101, 3));
    expect(counts).not.toHaveBeenCalled();
    expect((await getRule(ad)).state).toBe("ARMED");
    await runner.sweep();
    expect((await getRule(ad)).state).toBe("FIRED");
  });

  it("acknowledges a batch without waiting for the rule evaluation", async () => {
    const ad = (await release(0x26)).advertisementId;
    expect((await putRule(smsAdmin, ad, { ...OVERALL_25, minSample: 3 })).statusCode).toBe(201);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const real = haltsRepository.finishedBySite.bind(haltsRepository);
    vi.spyOn(haltsRepository, "finishedBySite").mockImplementationOnce(async (...args) => {
      await gate;
      return real(...args);
    });
    const res = await ingest(
      range(1101, 3).map((id) => msg(ad, id, 10006)),
      { settle: false },
    );
    expect(res.json()).toMatchObject({ accepted: 3 });
    expect((await ruleRow(ad)).firedAt).toBeNull();
    open();
    await settle();
    expect((await getRule(ad)).state).toBe("FIRED");
  });

  it("fires for any caller of the ingest service (the drills player too), not only the HTTP route", async () => {
    const ad = (await release(0x27)).advertisementId;
    expect((await putRule(smsAdmin, ad, { ...OVERALL_25, minSample: 3 })).statusCode).toBe(201);
    const tok = await t.db.prisma.ingestToken.findFirstOrThrow({ where: { fleetId: PRODUCTION_FLEET_ID } });
    await createIngestService(t.db.prisma).ingestStatus(
      { tokenId: tok.id, name: tok.name, fleetId: PRODUCTION_FLEET_ID, siteCodes: ["CEN", "BRN"] },
      "service-caller",
      { batchId: "halt-service-1", messages: range(1101, 3).map((id) => msg(ad, id, 10006)) },
    );
    await settle();
    expect((await getRule(ad)).state).toBe("FIRED");
  });

  it("sweeps on a timer the app starts when ready and stops when it closes", async () => {
    const other = await buildTestApp({ haltRules: { sweepSeconds: 30 } });
    expect(haltRuleRunner(other.db.prisma).sweepScheduled).toBe(true);
    await other.app.close();
    expect(haltRuleRunner(other.db.prisma).sweepScheduled).toBe(false);
    // Without the setting (tests, by default) there is no sweep.
    expect(runner.sweepScheduled).toBe(false);
  });
});

describe("the halt action and its verification", () => {
  it("halts an advertisement no case deploys, and verifies no start came after the halt", async () => {
    const r = await release(0x30);
    const ad = r.advertisementId;
    const url = `advertisements/${ad}/halt`;
    await ingest([msg(ad, 1101, 10005, minutesAgo(5))]);
    expect((await verification(ad)).state).toBe("NOT_HALTED");
    expect((await post(observer, "production", url, { reason: "blue screens" })).statusCode).toBe(403);
    const short = await post(smsAdmin, "production", url, { reason: "bad" });
    expect(short.statusCode).toBe(400);
    expect(await programDisabled(ad)).toBe(false);

    const res = await post(smsAdmin, "production", url, {
      reason: "Blue screens on XP SP1 after install",
      alsoDisableAdvertisement: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<HaltReleaseResult>().halted).toEqual([
      {
        advertisementId: ad,
        packageId: r.packageId,
        programName: r.programName,
        programWasAlreadyDisabled: false,
        advertisementDisabled: true,
        caseIds: [],
        why: "NAMED",
        haltId: expect.any(String),
      },
    ]);
    const v = await verification(ad);
    expect(v).toMatchObject({
      state: "NO_STARTS_AFTER_HALT",
      programDisabled: true,
      advertisementState: "DISABLED",
      haltSource: "ADVERTISEMENT",
      startsAfterHalt: 0,
      case: null,
      halt: { advertisementId: ad, reason: "Blue screens on XP SP1 after install", disabledAdvertisement: true },
    });
    expect(v.lastStart).not.toBeNull();
    expect(v.summary).toMatch(
      /^Program disabled at .* UTC; last program start received .* UTC \(client time .*\); no start received after the halt\.$/,
    );

    // A start received after the halt is flagged, with the machine.
    await ingest([msg(ad, 2101, 10005, new Date(Date.now() + 60_000).toISOString())]);
    const flagged = await verification(ad);
    expect(flagged).toMatchObject({ state: "STARTS_AFTER_HALT", startsAfterHalt: 1, machinesAfterHalt: 1 });
    expect(flagged.firstStartsAfterHalt).toEqual([
      expect.objectContaining({
        machineName: "BRN-PC001",
        siteCode: "BRN",
        resourceId: 2101,
        clientTimeBeforeHalt: false,
      }),
    ]);
    // The live monitor carries the same verification.
    const monitor = (
      await observer.inject({ method: "GET", url: `/api/fleets/production/advertisements/${ad}/monitor` })
    ).json<AdvertisementMonitor>();
    expect(monitor.haltVerification).toMatchObject({ state: "STARTS_AFTER_HALT", startsAfterHalt: 1 });

    // Halting again changes nothing and says the program was already disabled.
    const again = await post(smsAdmin, "production", url, { reason: "Blue screens, second report" });
    expect(again.json<HaltReleaseResult>().halted[0]).toMatchObject({ programWasAlreadyDisabled: true });
    expect((await audit("program.disable", `${r.packageId}/${r.programName}`)).length).toBe(1);
    expect(await t.db.prisma.releaseHalt.count({ where: { advertisement: { advertisementId: ad } } })).toBe(1);
  });

  it("flags a start received after the halt even when the client's clock puts it before: possibly before the halt", async () => {
    const ad = (await release(0x31)).advertisementId;
    expect((await haltAd(smsAdmin, ad, { reason: "Installer hangs on XP SP1" })).statusCode).toBe(200);
    const halted = await verification(ad);
    // A slow client clock: it says ten minutes before the halt; it arrives now.
    const clientTime = new Date(Date.parse(halted.haltedAt!) - 10 * 60_000).toISOString();
    await ingest([msg(ad, 1105, 10005, clientTime)]);
    const v = await verification(ad);
    expect(v).toMatchObject({ state: "STARTS_AFTER_HALT", startsAfterHalt: 1, possiblyBeforeHalt: 1 });
    expect(v.firstStartsAfterHalt[0]).toMatchObject({
      machineName: "CEN-PC005",
      clientTimeBeforeHalt: true,
      time: clientTime,
    });
    expect(Date.parse(v.lastStart!.receivedAt)).toBeGreaterThan(Date.parse(v.haltedAt!));
    expect(v.lastStart!.time).toBe(clientTime);
    expect(v.summary).toContain("possibly started before the halt (client clock)");
  });

  it("haltRelease by KB halts every ongoing INSTALL deployment of the update, once", async () => {
    const a = await release(0x32, "KB777777");
    const b = await release(0x33, "KB777777");
    const removal = await release(0x34, "KB777777", "ROLLBACK");
    const other = await release(0x35, "KB555555");
    const person = {
      userId: lead.userId,
      username: lead.username,
      role: "ERT_LEAD" as const,
      requestId: "test-request",
    };
    const first = await writeTransaction(t.db.prisma, (tx) =>
      haltRelease(tx, person, {
        fleetId: PRODUCTION_FLEET_ID,
        kbNumber: "KB777777",
        alsoDisableAdvertisement: false,
        reason: "Rolling back KB777777",
        now: new Date(),
      }),
    );
    expect(first.halted.map((h) => h.advertisementId)).toEqual([a.advertisementId, b.advertisementId]);
    expect(first.halted.every((h) => !h.programWasAlreadyDisabled && !h.advertisementDisabled)).toBe(true);
    expect(await programDisabled(a.advertisementId)).toBe(true);
    expect(await programDisabled(b.advertisementId)).toBe(true);
    expect(await programDisabled(removal.advertisementId)).toBe(false);
    expect(await programDisabled(other.advertisementId)).toBe(false);
    const second = await writeTransaction(t.db.prisma, (tx) =>
      haltRelease(tx, systemActor("test-request", "rollback-test"), {
        fleetId: PRODUCTION_FLEET_ID,
        kbNumber: "KB777777",
        alsoDisableAdvertisement: false,
        reason: "Rolling back KB777777",
        automaticRule: null,
        now: new Date(),
      }),
    );
    expect(second.halted).toEqual([]);
  });

  it("takes the halt time from its own fleet: a drill sandbox with the same ids does not move it", async () => {
    const sandbox = await t.db.prisma.fleet.create({ data: { kind: "DRILL_SANDBOX", name: "halt sandbox" } });
    expect((await post(smsAdmin, sandbox.id, "import", fleet)).statusCode).toBe(200);
    const prod = await release(0x36);
    const twin = await release(0x36, prod.kb, "INSTALL", { fleetRef: sandbox.id });
    expect(twin.advertisementId).toBe(prod.advertisementId);
    expect((await haltAd(smsAdmin, prod.advertisementId, { reason: "Production halt first" })).statusCode).toBe(200);
    const prodHalt = await verification(prod.advertisementId);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sandboxHalt = await haltAd(
      smsAdmin,
      twin.advertisementId,
      { reason: "The drill halts its copy" },
      sandbox.id,
    );
    expect(sandboxHalt.statusCode, sandboxHalt.body).toBe(200);
    const later = await verification(twin.advertisementId, sandbox.id);
    expect(Date.parse(later.haltedAt!)).toBeGreaterThan(Date.parse(prodHalt.haltedAt!));
    expect((await verification(prod.advertisementId)).haltedAt).toBe(prodHalt.haltedAt);
    // The sandbox's halt is not one of production's halts in force.
    expect((await haltsInForce()).some((h) => h.reason === "The drill halts its copy")).toBe(false);
  });
});

describe("several advertisements of one program", () => {
  it("halts every case of the program, keeps it disabled while another halt stands, and restores only what the halt changed", async () => {
    // One package carries two updates; its program is advertised twice, each deploying one case.
    const r = await release(0x40, "KB951001", "INSTALL", { updateIds: ["KB951001", "KB951002"] });
    const adB = "CEN20241";
    await advertise("production", r.packageId, r.programName, adB);
    let c1 = await deployingCase(r.packageId, r.advertisementId, "KB951001");
    let c2 = await deployingCase(r.packageId, adB, "KB951002");
    // B was disabled by the SMS administrator before anything was halted.
    const b = await smsAdmin.inject({ method: "GET", url: `/api/fleets/production/advertisements/${adB}` });
    const disabledB = await smsAdmin.inject({
      method: "PUT",
      url: `/api/fleets/production/advertisements/${adB}`,
      payload: { ...b.json<object>(), state: "DISABLED" },
      headers: { "if-match": b.headers.etag as string },
    });
    expect(disabledB.statusCode, disabledB.body).toBe(200);

    c1 = await act(smsAdmin, c1, { type: "halt", reason: "Logons fail after install", alsoDisableAdvertisement: true });
    expect(c1.status).toBe("HALTED");
    c2 = await caseDetail(c2.id);
    expect(c2.status).toBe("HALTED");
    expect(await programDisabled(r.advertisementId)).toBe(true);
    expect((await advert(r.advertisementId)).state).toBe("DISABLED");
    const inForce = (await haltsInForce()).filter((h) => h.programName === r.programName);
    expect(inForce.map((h) => h.advertisementId).sort()).toEqual([r.advertisementId, adB]);
    expect(inForce.find((h) => h.advertisementId === adB)).toMatchObject({
      disabledAdvertisement: false,
      cases: [expect.objectContaining({ id: c2.id, status: "HALTED" })],
    });

    // Resuming one case leaves the program disabled while the other halt stands, and says so.
    c1 = await act(lead, c1, { type: "resume", reason: "Driver fixed on the image" });
    expect(c1.status).toBe("DEPLOYING");
    expect(await programDisabled(r.advertisementId)).toBe(true);
    expect((await advert(r.advertisementId)).state).toBe("ACTIVE");
    expect(c1.timeline.map((e) => e.summary)).toContainEqual(
      expect.stringMatching(new RegExp(`Program .* stays disabled.*${adB}`)),
    );
    expect((await caseDetail(c2.id)).status).toBe("HALTED");

    // The last halt lifted enables the program; B stays disabled, as it was before the halt.
    c2 = await act(lead, await caseDetail(c2.id), { type: "resume", reason: "Driver fixed on the image" });
    expect(c2.status).toBe("DEPLOYING");
    expect(await programDisabled(adB)).toBe(false);
    expect((await advert(adB)).state).toBe("DISABLED");
    expect((await haltsInForce()).filter((h) => h.programName === r.programName)).toEqual([]);
  });
});

describe("a halt no case stands behind", () => {
  it("is kept in force: the editor cannot lift it; its resume needs the ERT lead, is audited and undoes only the halt", async () => {
    const r = await release(0x50);
    const ad = r.advertisementId;
    expect((await haltAd(smsAdmin, ad, { reason: "Installer hangs", alsoDisableAdvertisement: true })).statusCode).toBe(
      200,
    );
    expect((await haltsInForce()).map((h) => h.advertisementId)).toContain(ad);

    const programUrl = `/api/fleets/production/packages/${r.packageId}/programs/${encodeURIComponent(r.programName)}`;
    const program = await smsAdmin.inject({ method: "GET", url: programUrl });
    const sneak = await smsAdmin.inject({
      method: "PATCH",
      url: programUrl,
      payload: { disabled: false },
      headers: { "if-match": program.headers.etag as string },
    });
    expect(sneak.statusCode).toBe(409);
    expect(sneak.json().message).toMatch(new RegExp(`halted \\(advertisement ${ad}`));
    const current = await smsAdmin.inject({ method: "GET", url: `/api/fleets/production/advertisements/${ad}` });
    const sneakAd = await smsAdmin.inject({
      method: "PUT",
      url: `/api/fleets/production/advertisements/${ad}`,
      payload: { ...current.json<object>(), state: "ACTIVE" },
      headers: { "if-match": current.headers.etag as string },
    });
    expect(sneakAd.statusCode).toBe(409);

    expect((await resumeAd(observer, ad, "It is fixed now")).statusCode).toBe(403);
    const asAdmin = await resumeAd(smsAdmin, ad, "It is fixed now");
    expect(asAdmin.statusCode).toBe(403);
    expect(asAdmin.json().message).toMatch(/Resuming a halted deployment needs the ERT lead role/);
    expect((await resumeAd(lead, ad, "no")).statusCode).toBe(400);
    expect(await programDisabled(ad)).toBe(true);

    const resumed = await resumeAd(lead, ad, "Fixed installer on the DPs");
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json<ResumeResult>()).toMatchObject({
      programEnabled: true,
      advertisementEnabled: true,
      programStillDisabledBy: [],
    });
    expect(await programDisabled(ad)).toBe(false);
    expect((await advert(ad)).state).toBe("ACTIVE");
    expect((await verification(ad)).state).toBe("NOT_HALTED");
    const [entry] = await audit("release_halt.resume", ad);
    expect(entry).toMatchObject({
      actorName: lead.username,
      after: expect.objectContaining({ reason: "Fixed installer on the DPs" }),
    });
    expect((await resumeAd(lead, ad, "Fixed installer on the DPs")).statusCode).toBe(409);
  });

  it("does not re-activate an advertisement that was disabled before the halt", async () => {
    const r = await release(0x51);
    const ad = r.advertisementId;
    const current = await smsAdmin.inject({ method: "GET", url: `/api/fleets/production/advertisements/${ad}` });
    await smsAdmin.inject({
      method: "PUT",
      url: `/api/fleets/production/advertisements/${ad}`,
      payload: { ...current.json<object>(), state: "DISABLED" },
      headers: { "if-match": current.headers.etag as string },
    });
    expect((await haltAd(smsAdmin, ad, { reason: "Installer hangs", alsoDisableAdvertisement: true })).statusCode).toBe(
      200,
    );
    const resumed = (await resumeAd(lead, ad, "Fixed installer on the DPs")).json<ResumeResult>();
    expect(resumed).toMatchObject({ programEnabled: true, advertisementEnabled: false });
    expect((await advert(ad)).state).toBe("DISABLED");
  });

  it("refuses to resume an advertisement a halted case stands behind: that goes through the case", async () => {
    const r = await release(0x52);
    const c = await deployingCase(r.packageId, r.advertisementId);
    await act(smsAdmin, c, { type: "halt", reason: "Logons fail after install" });
    const res = await resumeAd(lead, r.advertisementId, "Fixed installer on the DPs");
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/resume it from the case/);
  });
});

describe("every deployment of the update", () => {
  it("a rule that fires halts every install advertisement of a package carrying the same updates, not others", async () => {
    const a = await release(0x60, "KB960001");
    const sameKb = await release(0x61, "KB960001");
    const superset = await release(0x62, "KB960001", "INSTALL", { updateIds: ["KB960001", "KB960009"] });
    const partOnly = await release(0x63, "KB960009");
    const removal = await release(0x64, "KB960001", "ROLLBACK");
    const c = await deployingCase(sameKb.packageId, sameKb.advertisementId);
    expect((await putRule(lead, a.advertisementId, { ...OVERALL_25, minSample: 4 })).statusCode).toBe(201);
    await failures(a.advertisementId, range(1101, 4));
    expect((await getRule(a.advertisementId)).state).toBe("FIRED");
    for (const ad of [a, sameKb, superset]) expect(await programDisabled(ad.advertisementId)).toBe(true);
    for (const ad of [partOnly, removal]) expect(await programDisabled(ad.advertisementId)).toBe(false);
    const halted = await caseDetail(c.id);
    expect(halted.status).toBe("HALTED");
    expect(halted.record.halt?.automaticRule).toMatch(/^Halt rule of CEN20160/);
    const [fire] = await audit("halt_rule.fire", a.advertisementId);
    expect(fire?.after).toMatchObject({ kbNumbers: ["KB960001"] });
  });

  it("the halt action lists what 'every deployment' would stop, and halts it on request", async () => {
    const a = await release(0x68, "KB968001");
    const b = await release(0x69, "KB968001");
    const sibling = "CEN20270";
    await advertise("production", a.packageId, a.programName, sibling);
    const plain = (
      await observer.inject({
        method: "GET",
        url: `/api/fleets/production/advertisements/${b.advertisementId}/halt-targets`,
      })
    ).json<HaltTargets>();
    expect(plain.release.map((x) => x.advertisementId)).toEqual([b.advertisementId]);
    const targets = (
      await observer.inject({
        method: "GET",
        url: `/api/fleets/production/advertisements/${a.advertisementId}/halt-targets`,
      })
    ).json<HaltTargets>();
    expect(targets.kbNumbers).toEqual(["KB968001"]);
    expect(targets.release.map((x) => x.advertisementId)).toEqual([a.advertisementId, sibling]);
    expect(targets.everyDeployment.map((x) => x.advertisementId)).toEqual([
      a.advertisementId,
      b.advertisementId,
      sibling,
    ]);

    const res = await haltAd(smsAdmin, a.advertisementId, {
      reason: "Blue screens on XP SP1",
      everyDeploymentOfUpdate: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<HaltReleaseResult>().halted.map((h) => [h.advertisementId, h.why])).toEqual([
      [a.advertisementId, "NAMED"],
      [b.advertisementId, "SAME_UPDATE"],
      [sibling, "SAME_UPDATE"],
    ]);
    expect(await programDisabled(b.advertisementId)).toBe(true);
  });
});

describe("automatic halt of a case's deployment", () => {
  it("halts the case, alerts the war room, flags a start after the halt, and only emergency authority resumes", async () => {
    // An Emergency case deploying KB835732 through CEN20100 in a declared emergency.
    const kb = sasserUpdate.kbNumber;
    const r = await release(0, kb);
    let c = await deployingCase(r.packageId, r.advertisementId, kb);
    const declared = await lead.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { type: "WORM_OUTBREAK", title: "Sasser outbreak", caseIds: [c.id] },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const emergencyId: string = declared.json().id;
    // Another open emergency of the fleet hears the alert too.
    const elsewhere = await lead.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { type: "WORM_OUTBREAK", title: "Blaster outbreak" },
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);

    expect(
      (
        await putRule(lead, r.advertisementId, {
          failurePct: 20,
          minSample: 10,
          perSite: true,
          overall: false,
          alsoDisableAdvertisement: true,
        })
      ).statusCode,
    ).toBe(201);
    await ingest([
      ...range(1101, 7).map((id) => msg(r.advertisementId, id, 10008)),
      ...range(1108, 3).map((id) => msg(r.advertisementId, id, 10006)),
    ]);

    // The case is HALTED by the rule, through the case machine.
    c = await caseDetail(c.id);
    const sentence = `Halt rule of ${r.advertisementId}: 3 of 10 installs failed at site CEN (30 % ≥ 20 %, sample ≥ 10)`;
    expect(c.status).toBe("HALTED");
    expect(c.record.halt).toMatchObject({ automaticRule: sentence, haltedBy: "halt-rule" });
    expect(c.alerts).toContain(`Halted automatically. ${sentence}`);
    const halted = c.timeline.find((e) => e.type === "HALTED");
    expect(halted?.summary).toContain(sentence);
    expect(await programDisabled(r.advertisementId)).toBe(true);
    expect((await advert(r.advertisementId)).state).toBe("DISABLED");
    const [caseAudit] = await audit("case.halt", c.id);
    expect(caseAudit).toMatchObject({
      actorName: "halt-rule",
      after: expect.objectContaining({ automaticRule: sentence }),
    });

    // The war rooms show the firing as an alert.
    const war = (await observer.inject({ method: "GET", url: `/api/emergencies/${emergencyId}` })).json<WarRoom>();
    const alert = war.timeline.find((e) => e.type === "HALT_RULE_FIRED");
    expect(alert?.summary).toMatch(/^ALERT: Halt rule of CEN20100: 3 of 10 installs failed at site CEN/);
    expect(war.cases[0]?.alerts).toContain(`Halted automatically. ${sentence}`);
    const other = (
      await observer.inject({ method: "GET", url: `/api/emergencies/${elsewhere.json().id}` })
    ).json<WarRoom>();
    expect(other.timeline.find((e) => e.type === "HALT_RULE_FIRED")?.summary).toContain(sentence);
    expect((await haltsInForce()).find((h) => h.advertisementId === r.advertisementId)).toMatchObject({
      automaticRule: sentence,
      cases: [expect.objectContaining({ id: c.id, status: "HALTED" })],
    });

    // Verification: the halt's time; a start posted after it is flagged with its machine.
    expect(await verification(r.advertisementId)).toMatchObject({
      state: "NO_STARTS_AFTER_HALT",
      haltSource: "ADVERTISEMENT",
      automaticRule: sentence,
      case: { id: c.id, status: "HALTED" },
    });
    await ingest([msg(r.advertisementId, 2105, 10005, new Date(Date.now() + 120_000).toISOString())]);
    const flagged = await verification(r.advertisementId);
    expect(flagged.state).toBe("STARTS_AFTER_HALT");
    expect(flagged.firstStartsAfterHalt[0]).toMatchObject({ machineName: "BRN-PC005" });

    // Resume needs emergency authority: an SMS administrator without a grant cannot, the ERT lead can.
    const refused = await smsAdmin.inject({
      method: "POST",
      url: `/api/cases/${c.id}/actions`,
      payload: { type: "resume", reason: "Driver fixed on the image" },
      headers: { "if-match": `W/"${c.version}"` },
    });
    expect(refused.statusCode).toBe(403);
    expect(await programDisabled(r.advertisementId)).toBe(true);
    c = await act(lead, c, { type: "resume", reason: "Driver fixed on the image" });
    expect(c.status).toBe("DEPLOYING");
    expect(await programDisabled(r.advertisementId)).toBe(false);
    expect((await advert(r.advertisementId)).state).toBe("ACTIVE");
    expect((await verification(r.advertisementId)).state).toBe("NOT_HALTED");
    expect((await haltsInForce()).find((h) => h.advertisementId === r.advertisementId)).toBeUndefined();
    // The rule stays fired until someone re-arms it.
    expect((await getRule(r.advertisementId)).state).toBe("FIRED");
  });
});
