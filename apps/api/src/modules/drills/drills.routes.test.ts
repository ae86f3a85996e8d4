import { describe, expect, it } from "vitest";
import {
  AdvertFlags,
  BAD_UPDATE_ROLLBACK_SCENARIO,
  DEFAULT_PRIORITY_POLICY,
  DEFAULT_PROGRAM_FLAGS,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  WORM_OUTBREAK_SCENARIO,
  type CaseDetail,
  type DrillDetail,
  type DrillReportView,
  type DrillTrends,
  type EmergencyRecord,
  type JoinDrillResult,
  type PriorityPolicyRecord,
  type WarRoom,
} from "@firebreak/domain";
import { buildTestApp, userWithRole, type Client } from "../../../test/helpers.js";
import { advertisementBody } from "../../../test/fleet-fixture.js";
import { HASH } from "../../../test/process-fixture.js";
import { act, buildScenario } from "../emergencies/emergencies.fixture.js";
import { DrillPlayer, SIM_STEP_MS, type PlayerOptions } from "./drills.player.js";
import { drillsRepository } from "./drills.repository.js";
import { readSandbox } from "./drills.sandbox.js";
import { scenarioOfRow } from "./drills.service.js";

// The drills run on this clock, from the real now (the other modules stamp their timeline
// events with the real time); the player is driven by hand (no timers, no sleeping).
let clock = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};
let player: DrillPlayer | null = null;
const t = await buildTestApp({
  drills: { now: () => clock, autoPlay: false, onPlayer: (p) => (player = p) },
});
const tick = async (id: string) => {
  let last = null;
  // Each tick plays a bounded slice; keep going until the sandbox caught up with the clock.
  for (let i = 0; i < 50; i++) {
    const r = await player!.tick(id);
    if (!r || r.windows === 0) break;
    last = r;
  }
  return last;
};

/** Another player on the same database: a second API instance, or this one after a restart. */
const otherPlayer = (hooks: Partial<PlayerOptions> = {}) =>
  new DrillPlayer(t.app.prisma, {
    now: () => clock,
    log: t.app.log,
    scenarioOf: scenarioOfRow,
    fireDueInjects: async () => {},
    ...hooks,
  });
const sandboxOf = async (id: string) => readSandbox((await drillsRepository.find(t.app.prisma, id))!.record)!;

const prod = await buildScenario(t);
const { lead: umpire, member, smsAdmin, observer, readyCase } = prod;
const lead2 = await userWithRole(t, "ERT_LEAD");
const security = await userWithRole(t, "ERT_MEMBER");
const manager = await userWithRole(t, "MANAGER");

// A production emergency with its case, to prove the drill never shows up next to it.
const prodEmergency = await umpire.inject({
  method: "POST",
  url: "/api/emergencies",
  payload: { type: "WORM_OUTBREAK", title: "Real Sasser outbreak", caseIds: [readyCase.id] },
});
expect(prodEmergency.statusCode, prodEmergency.body).toBe(201);

/** A small custom scenario (scenarios are data): the worm outbreak on 40 computers, plus failing installs. */
const scenario = {
  ...WORM_OUTBREAK_SCENARIO,
  id: "test-worm-small",
  name: "Worm outbreak on a small fleet",
  fleet: { preset: "demo", seed: 77, computers: 40 },
  injects: [
    ...WORM_OUTBREAK_SCENARIO.injects,
    {
      id: "installs-fail",
      atMinute: 70,
      kind: "INSTALLS_FAILING",
      title: "Installs start failing",
      detail: "Some machines report 1603.",
      parameters: { failureRate: 0.5, exitCode: 1603 },
    },
    {
      id: "dp-down",
      atMinute: 80,
      kind: "DP_DOWN",
      title: "Boston DP fails",
      detail: "The Boston DP is down.",
      parameters: { siteCode: "BOS" },
    },
  ],
};

const plan = () => ({
  scenarioId: scenario.id,
  scenario,
  title: "Q4 worm drill",
  scheduledStart: clock.toISOString(),
  umpireId: umpire.userId,
  participants: [
    { userId: lead2.userId, drillRole: "ERT_LEAD" },
    { userId: smsAdmin.userId, drillRole: "SMS_ADMIN" },
    { userId: security.userId, drillRole: "SECURITY" },
  ],
});

async function actOn(client: Client, d: { id: string; version: number }, payload: object) {
  return client.inject({
    method: "POST",
    url: `/api/drills/${d.id}/actions`,
    payload,
    headers: { "if-match": `W/"${d.version}"` },
  });
}
const get = async <T>(client: Client, url: string): Promise<T> => {
  const res = await client.inject({ method: "GET", url });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json<T>();
};
const detail = (id: string, client: Client = umpire) => get<DrillDetail>(client, `/api/drills/${id}`);

/** Everything a production list, board or metric shows, to compare before and after the drill. */
async function productionView() {
  const adId = advertisementBody.advertisementId;
  return {
    cases: await get(observer, "/api/cases"),
    openCases: await get(observer, "/api/cases?open=true"),
    emergencies: await get(observer, "/api/emergencies"),
    oob: await get(observer, "/api/oob-tasks"),
    sites: await get(observer, "/api/fleets/production/sites"),
    computers: await get(observer, "/api/fleets/production/computers?pageSize=500"),
    compliance: await get(observer, "/api/fleets/production/compliance"),
    advertisements: await get(observer, "/api/fleets/production/advertisements"),
    packages: await get(observer, "/api/fleets/production/packages"),
    adStatus: await get(observer, `/api/fleets/production/advertisements/${adId}/status`),
    monitor: await get(observer, `/api/fleets/production/advertisements/${adId}/monitor`),
    updateMonitor: await get(observer, "/api/fleets/production/updates/KB823980/monitor"),
    senders: await get(observer, "/api/fleets/production/sender-addresses"),
  };
}
/** Fields that move by themselves (the SLA clocks count down, monitors are stamped). */
const stable = (v: unknown) =>
  JSON.parse(
    JSON.stringify(v, (k, x) => (["sla", "generatedAt", "asOf", "now", "computedAt"].includes(k) ? undefined : x)),
  );
const before = stable(await productionView());

const sandboxRelease = (fleet: string) => ({
  pkg: {
    packageId: "CEN0D001",
    name: "KB835732 drill release",
    sourceVersion: 1,
    sizeKB: 512,
    sendingPriority: "HIGH",
    preferredSender: "NO_PREFERENCE",
    ignoreAddressSchedule: true,
    kind: "DEPLOY",
    updateIds: ["KB835732"],
  },
  program: {
    packageId: "CEN0D001",
    programName: "Install KB835732",
    commandLine: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
    programFlags: DEFAULT_PROGRAM_FLAGS,
    maxRunMinutes: 30,
    kind: "INSTALL",
    checksUpdatePresent: false,
  },
  ad: {
    advertisementId: "CEN2D001",
    advertisementName: "KB835732 drill - all workstations",
    packageId: "CEN0D001",
    programName: "Install KB835732",
    collectionId: "CEN00010",
    includeSubCollection: true,
    presentTime: clock.toISOString(),
    expirationTime: null,
    assignedSchedule: [{ startTime: clock.toISOString() }],
    assignedScheduleEnabled: true,
    advertFlags: AdvertFlags.fromNames(["ONSLOWNET"]),
    remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
    priority: 1,
  },
  base: `/api/fleets/${fleet}`,
});

describe("planning a drill", () => {
  it("lists the built-in scenarios and checks a custom one", async () => {
    const list = await get<{ items: { id: string; builtIn: boolean }[] }>(observer, "/api/drills/scenarios");
    expect(list.items.map((s) => s.id)).toContain("worm-outbreak-sasser");
    const bad = await observer.inject({
      method: "POST",
      url: "/api/drills/scenarios/validate",
      payload: { ...scenario, timeScale: 0 },
    });
    expect(bad.json()).toMatchObject({ valid: false, problems: [expect.objectContaining({ path: "timeScale" })] });
    const staff = await get<{ items: { id: string }[] }>(observer, "/api/drills/staff");
    expect(staff.items.map((u) => u.id)).toContain(manager.userId);
  });

  it("refuses a plan the domain refuses, with the reason", async () => {
    const self = await umpire.inject({
      method: "POST",
      url: "/api/drills",
      payload: { ...plan(), participants: [{ userId: umpire.userId, drillRole: "ERT_LEAD" }] },
    });
    expect(self.statusCode).toBe(400);
    expect(self.json().details[0].message).toMatch(/umpire runs the drill/);
    const notRunner = await observer.inject({ method: "POST", url: "/api/drills", payload: plan() });
    expect(notRunner.statusCode).toBe(403);
    // Naming yourself the umpire does not let you plan: an ERT lead or a manager plans.
    const selfNamed = await member.inject({
      method: "POST",
      url: "/api/drills",
      payload: { ...plan(), umpireId: member.userId },
    });
    expect(selfNamed.statusCode).toBe(403);
    expect(selfNamed.json().message).toBe(
      "Only an ERT lead or a manager can plan a drill; your role is ERT member / patch team.",
    );
  });

  it("caps a custom scenario's sandbox, with messages the planner can act on", async () => {
    const big = await manager.inject({
      method: "POST",
      url: "/api/drills",
      payload: { ...plan(), scenario: { ...scenario, fleet: { preset: "demo", seed: 1, computers: 6_000 } } },
    });
    expect(big.statusCode).toBe(400);
    expect(big.json().details).toEqual([
      { path: "body.scenario.fleet.computers", message: "A drill sandbox has at most 5,000 computers" },
    ]);
    const enterprise = await manager.inject({
      method: "POST",
      url: "/api/drills",
      payload: { ...plan(), scenario: { ...scenario, fleet: { preset: "enterprise", seed: 1 } } },
    });
    expect(enterprise.statusCode).toBe(400);
    expect(enterprise.json().details[0]).toMatchObject({ path: "body.scenario.fleet.preset" });
    expect(enterprise.json().details[0].message).toMatch(/too large for a drill sandbox/);
  });
});

describe("a drill from plan to signed report", () => {
  let d: DrillDetail;
  let sandbox: string;

  it("is planned, then started: a sandbox fleet and a drill-flagged emergency", async () => {
    const planned = await umpire.inject({ method: "POST", url: "/api/drills", payload: plan() });
    expect(planned.statusCode, planned.body).toBe(201);
    d = planned.json<DrillDetail>();
    expect(d).toMatchObject({ state: "PLANNED", sandboxFleetId: null, scenarioName: scenario.name, warnings: [] });

    const noIfMatch = await umpire.inject({
      method: "POST",
      url: `/api/drills/${d.id}/actions`,
      payload: { type: "start" },
    });
    expect(noIfMatch.statusCode).toBe(428);
    const byMember = await actOn(member, d, { type: "start" });
    expect(byMember.statusCode).toBe(403);

    const started = await actOn(umpire, d, { type: "start" });
    expect(started.statusCode, started.body).toBe(200);
    d = started.json<DrillDetail>();
    expect(d.state).toBe("RUNNING");
    expect(d.sandboxFleetId).toBeTruthy();
    expect(d.clock).toMatchObject({ drillMs: 0, timeScale: 24 });
    sandbox = d.sandboxFleetId!;
    // The start only claims the drill; the player imports the simulated fleet off the request path.
    expect(d.sandbox).toMatchObject({ status: "PREPARING", prepareError: null });
    expect((await get<{ items: unknown[] }>(observer, `/api/fleets/${sandbox}/sites`)).items).toEqual([]);
    await tick(d.id);
    expect((await detail(d.id)).sandbox).toMatchObject({ status: "READY" });

    const emergencies = await get<{ items: { id: string; record: { isDrill: boolean } }[] }>(
      observer,
      `/api/emergencies?fleet=${sandbox}`,
    );
    expect(emergencies.items).toEqual([
      expect.objectContaining({ id: d.emergencyId, record: expect.objectContaining({ isDrill: true }) }),
    ]);
    const sites = await get<{ items: unknown[] }>(observer, `/api/fleets/${sandbox}/sites`);
    expect(sites.items).toHaveLength(7);
    const computers = await get<{ total: number }>(observer, `/api/fleets/${sandbox}/computers`);
    expect(computers.total).toBeGreaterThanOrEqual(40);
  });

  it("lets participants join and work the real screens against the sandbox", async () => {
    const outsider = await observer.inject({ method: "POST", url: `/api/drills/${d.id}/join` });
    expect(outsider.statusCode).toBe(403);
    for (const who of [lead2, smsAdmin, security]) {
      // A double click: two joins at once acknowledge once.
      const [joined, again] = await Promise.all([
        who.inject({ method: "POST", url: `/api/drills/${d.id}/join` }),
        who.inject({ method: "POST", url: `/api/drills/${d.id}/join` }),
      ]);
      expect(joined.statusCode, joined.body).toBe(200);
      expect(again.statusCode, again.body).toBe(200);
      expect(joined.json<JoinDrillResult>()).toMatchObject({ fleetId: sandbox, emergencyId: d.emergencyId });
      expect(again.json<JoinDrillResult>().joinedAt).toBe(joined.json<JoinDrillResult>().joinedAt);
    }
    const room = await get<WarRoom>(observer, `/api/emergencies/${d.emergencyId}`);
    expect(room.timeline.filter((e) => e.type === "ERT_ACKNOWLEDGED")).toHaveLength(3);
    advance(5);
    const r = sandboxRelease(sandbox);
    for (const [url, payload] of [
      [`${r.base}/packages`, r.pkg],
      [`${r.base}/packages/${r.pkg.packageId}/programs`, r.program],
      [`${r.base}/advertisements`, r.ad],
    ] as const) {
      const res = await smsAdmin.inject({ method: "POST", url, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(201);
    }
    // A package the team builds but has not advertised yet: SMS sends it to its DPs at once.
    const unadvertised = { ...r.pkg, packageId: "CEN0D002", name: "KB835732 drill pilot", updateIds: [] };
    const made = await smsAdmin.inject({ method: "POST", url: `${r.base}/packages`, payload: unadvertised });
    expect(made.statusCode, made.body).toBe(201);
    const after = await detail(d.id);
    expect(after.participants.filter((p) => p.joinedAt !== null)).toHaveLength(3);
    expect(after.canJoin).toBe(true);
  });

  it("hides the injects that have not fired from the participants, and lets none of them run the drill", async () => {
    const asLead = await detail(d.id, lead2);
    expect(asLead.isRunner).toBe(false);
    const sealed = asLead.injects.find((i) => i.injectId === "installs-fail")!;
    expect(sealed).toMatchObject({ sealed: true, kind: null, title: "Sealed inject" });
    expect(JSON.stringify(asLead)).not.toMatch(/Some machines report 1603/);
    expect(asLead.scenario!.injects.map((i) => i.id)).not.toContain("installs-fail");
    const asUmpire = await detail(d.id);
    expect(asUmpire.isRunner).toBe(true);
    expect(asUmpire.injects.find((i) => i.injectId === "installs-fail")).toMatchObject({
      sealed: false,
      kind: "INSTALLS_FAILING",
      detail: "Some machines report 1603.",
    });
    // A participant with the ERT lead's role still does not run a drill they take part in.
    const fire = await actOn(lead2, asLead, { type: "fireInject", injectId: "installs-fail" });
    expect(fire.statusCode).toBe(403);
    expect(fire.json().message).toBe(
      "Fire inject is for the drill's umpire: you take part in this drill, so you cannot run it.",
    );
    const report = await get<DrillReportView>(lead2, `/api/drills/${d.id}/report`);
    expect(report.report.injects.map((i) => i.injectId)).not.toContain("installs-fail");
    // The scripts of the built-in scenarios are for those who plan drills.
    const scenarios = await get<{ items: { injects: unknown[] }[] }>(member, "/api/drills/scenarios");
    expect(scenarios.items.every((x) => x.injects.length === 0)).toBe(true);
  });

  it("plays the sandbox in accelerated time, fires injects on schedule, and respects pauses", async () => {
    advance(10);
    await tick(d.id);
    let now = await detail(d.id);
    // 15 drill minutes × 24 = 6 simulated hours, in 15-minute windows.
    expect(now.clock!.drillMinute).toBe(15);
    expect(now.sandbox!.advertisementsPlayed).toEqual(["CEN2D001"]);
    expect(Date.parse(now.sandbox!.simulatedUntil!) - Date.parse(now.startedAt!)).toBe(6 * 3_600_000);
    expect(now.injects.find((i) => i.injectId === "worm-seen")).toMatchObject({ status: "FIRED", early: false });
    expect(now.injects.find((i) => i.injectId === "lead-away")).toMatchObject({ status: "FIRED" });
    expect(now.injects.find((i) => i.injectId === "dp-down")).toMatchObject({
      status: "UPCOMING",
      simulated: true,
      simulationNote: expect.stringMatching(/comes back empty and is refilled/),
    });
    // The package nobody advertised went to the DPs when it was created.
    const pilot = await get<{ distributions: { current: boolean }[] }>(
      observer,
      `/api/fleets/${sandbox}/packages/CEN0D002`,
    );
    expect(pilot.distributions.length).toBeGreaterThan(0);
    expect(pilot.distributions.some((x) => x.current)).toBe(true);
    const status = await get<{ byState: Record<string, number>; targeted: number }>(
      observer,
      `/api/fleets/${sandbox}/advertisements/CEN2D001/status`,
    );
    expect(status.targeted).toBeGreaterThan(0);

    const paused = await actOn(umpire, now, { type: "pause", reason: "Coffee" });
    expect(paused.statusCode, paused.body).toBe(200);
    now = paused.json<DrillDetail>();
    advance(30);
    const r = await player!.tick(d.id);
    expect(r?.windows).toBe(0);
    expect((await detail(d.id)).clock).toMatchObject({ paused: true, drillMinute: 15 });
    const resumed = await actOn(umpire, now, { type: "resume" });
    expect(resumed.statusCode, resumed.body).toBe(200);
    d = resumed.json<DrillDetail>();

    const early = await actOn(umpire, d, { type: "fireInject", injectId: "installs-fail" });
    expect(early.statusCode, early.body).toBe(200);
    d = early.json<DrillDetail>();
    expect(d.injects.find((i) => i.injectId === "installs-fail")).toMatchObject({ status: "FIRED", early: true });
    const twice = await actOn(umpire, d, { type: "fireInject", injectId: "installs-fail" });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toMatch(/already fired/);
    // Once fired, the participants read it.
    expect((await detail(d.id, lead2)).injects.find((i) => i.injectId === "installs-fail")).toMatchObject({
      sealed: false,
      title: "Installs start failing",
    });

    // The Boston DP goes down in the sandbox: its content is gone, it reports FAILED.
    const down = await actOn(umpire, d, { type: "fireInject", injectId: "dp-down" });
    expect(down.statusCode, down.body).toBe(200);
    d = down.json<DrillDetail>();
    advance(1);
    await tick(d.id);
    const release = await get<{ distributions: { siteCode: string; state: string }[] }>(
      observer,
      `/api/fleets/${sandbox}/packages/CEN0D001`,
    );
    expect(release.distributions.filter((x) => x.siteCode === "BOS").map((x) => x.state)).toContain("FAILED");
  });

  it("resumes from the database after a restart (a new player rebuilds the simulation)", async () => {
    advance(20);
    const reborn = otherPlayer();
    const r = await reborn.tick(d.id);
    expect(r!.windows).toBeGreaterThan(0);
    await reborn.close();
    player!.forget(d.id);
    await tick(d.id);
    const failed = await get<{ failed: number; succeeded: number }>(
      observer,
      `/api/fleets/${sandbox}/advertisements/CEN2D001/status`,
    );
    expect(failed.succeeded + failed.failed).toBeGreaterThan(0);
  });

  it("keeps every drill write inside the sandbox", async () => {
    // The sandbox path never reaches a production advertisement.
    const prodAd = advertisementBody.advertisementId;
    const put = await smsAdmin.inject({
      method: "PUT",
      url: `/api/fleets/${sandbox}/advertisements/${prodAd}`,
      payload: { ...advertisementBody, advertisementName: "hijacked by the drill" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(put.statusCode).toBe(404);
    const halt = await lead2.inject({
      method: "POST",
      url: `/api/fleets/${sandbox}/advertisements/${prodAd}/halt`,
      payload: { reason: "Drill halts production?", disableAdvertisement: true },
    });
    expect(halt.statusCode).toBe(404);

    // A drill emergency cannot take in a production case.
    const declare = await lead2.inject({
      method: "POST",
      url: "/api/emergencies",
      payload: { fleet: sandbox, type: "WORM_OUTBREAK", title: "Drill grabs a real case", caseIds: [readyCase.id] },
    });
    expect(declare.statusCode).toBe(400);
    expect(declare.json().message).toMatch(/belongs to another fleet/);
    const grab = await lead2.inject({
      method: "POST",
      url: `/api/emergencies/${d.emergencyId}/cases`,
      payload: { caseId: readyCase.id },
    });
    expect(grab.statusCode).toBe(400);
    expect(grab.json().message).toMatch(/belongs to another fleet/);

    // A drill case cannot deploy with a production advertisement.
    const opened = await member.inject({
      method: "POST",
      url: "/api/cases",
      payload: { fleet: sandbox, updateId: readyCase.update.id },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    let c = opened.json<CaseDetail>();
    expect(c.fleetId).toBe(sandbox);
    // The team's case joins the drill's own emergency (the drill emergency holds the release case).
    const byMember = await member.inject({
      method: "POST",
      url: `/api/emergencies/${d.emergencyId}/cases`,
      payload: { caseId: c.id },
    });
    expect(byMember.statusCode).toBe(403);
    const linked = await lead2.inject({
      method: "POST",
      url: `/api/emergencies/${d.emergencyId}/cases`,
      payload: { caseId: c.id },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json<EmergencyRecord>().record.caseIds).toEqual([c.id]);
    const room = await get<WarRoom>(observer, `/api/emergencies/${d.emergencyId}`);
    expect(room.cases.map((x) => x.id)).toEqual([c.id]);
    expect(room.timeline.some((e) => e.summary.startsWith("Case KB835732 linked to emergency"))).toBe(true);
    c = await get<CaseDetail>(member, `/api/cases/${c.id}`);
    c = await act(member, c, { type: "markRelevant", evidence: "Drill: every XP machine runs LSASS" });
    c = await act(member, c, {
      type: "verifySource",
      hash: HASH,
      checks: { genuine: true, virusFree: true, installsCleanly: true },
    });
    c = await act(member, c, {
      type: "submitRfc",
      initialPriority: "EMERGENCY",
      category: "MAJOR",
      rationale: "Drill: Sasser spreading",
    });
    c = await act(member, c, { type: "startEvaluation" });
    c = await act(lead2, c, {
      type: "confirmPriority",
      finalPriority: "EMERGENCY",
      rationale: { assetsExposed: "All workstations", mitigations: "none", scope: "all", exploitedInTheWild: true },
    });
    c = await act(member, c, { type: "plan" });
    c = await act(smsAdmin, c, { type: "build", packageId: "CEN0D001" });
    const withTest = await member.inject({
      method: "POST",
      url: `/api/cases/${c.id}/tests`,
      payload: { name: "Logon works", scope: "CORE" },
    });
    c = await act(smsAdmin, withTest.json<CaseDetail>(), { type: "startTesting", packageId: "CEN0D001" });
    const passed = await member.inject({
      method: "POST",
      url: `/api/cases/${c.id}/tests/${c.tests[0]!.id}/result`,
      payload: { result: "PASSED" },
      headers: { "if-match": `W/"${c.tests[0]!.version}"` },
    });
    c = await act(member, passed.json<CaseDetail>(), { type: "acceptRelease" });
    const deploy = await lead2.inject({
      method: "POST",
      url: `/api/cases/${c.id}/actions`,
      payload: { type: "startDeployment", advertisementId: prodAd },
      headers: { "if-match": `W/"${c.version}"` },
    });
    expect(deploy.statusCode).toBe(400);
    expect(deploy.json().message).toMatch(/No advertisement/);

    // A grant in the drill's emergency never shows on the production war room's roster.
    const grant = await umpire.inject({
      method: "POST",
      url: `/api/emergencies/${d.emergencyId}/grants`,
      payload: { granteeId: member.userId, justification: "Drill: the lead is on a flight", durationHours: 2 },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const warRoom = await get<{ roster: { userId: string; authority: string | null }[] }>(
      observer,
      `/api/emergencies/${prodEmergency.json().id}`,
    );
    expect(warRoom.roster.find((m) => m.userId === member.userId)?.authority).toBeNull();
  });

  it("leaves every production list, board and metric as it was", async () => {
    expect(stable(await productionView())).toEqual(before);
  });

  it("ends; the report has every metric with its formula, and not reached is null, never 0", async () => {
    advance(30);
    await tick(d.id);
    d = await detail(d.id);
    // The stored priority policy sets the 95 % target (here a stricter Emergency time frame).
    const stored = await get<PriorityPolicyRecord>(observer, "/api/priority-policy");
    const strict = { ...stored.policy, EMERGENCY: { ...DEFAULT_PRIORITY_POLICY.EMERGENCY, targetHours: 12 } };
    const put = await umpire.inject({
      method: "PUT",
      url: "/api/priority-policy",
      payload: strict,
      headers: { "if-match": `W/"${stored.version}"` },
    });
    expect(put.statusCode, put.body).toBe(200);
    const ended = await actOn(umpire, d, { type: "end", reason: "Time is up" });
    expect(ended.statusCode, ended.body).toBe(200);
    d = ended.json<DrillDetail>();
    expect(d.state).toBe("ENDED");

    const view = await get<DrillReportView>(manager, `/api/drills/${d.id}/report`);
    expect(view.frozen).toBe(false);
    expect(view.canSignOff).toBe(true);
    expect(view.report.timeScaleNote).toMatch(/× 24/);
    const m = (key: string) => view.report.metrics.find((x) => x.key === key)!;
    expect(m("tAssemble")).toMatchObject({ status: "REACHED", clock: "DRILL" });
    expect(m("tAssemble").value).toBeLessThanOrEqual(60 * 60_000);
    expect(m("tInitialPriority")).toMatchObject({ status: "REACHED" });
    expect(m("tAdvertised")).toMatchObject({ status: "NOT_REACHED", value: null });
    expect(m("tAdvertised").formula).toMatch(/startDeployment/);
    expect(m("tHalt")).toMatchObject({ status: "NOT_APPLICABLE" });
    for (const x of view.report.metrics) if (x.status !== "REACHED") expect(x.value).toBeNull();
    expect(view.report.coverageCurve.length).toBeGreaterThan(0);
    expect(m("tCoverage95")).toMatchObject({ target: 12 * 3_600_000 });
    expect(m("tCoverage95").targetSource).toMatch(/\(12 h\)/);
    expect(view.report.policy?.EMERGENCY.targetHours).toBe(12);
    // Coverage is the scenario's update as the compliance rows count it (what the update monitor shows).
    const monitor = await get<{ installedPct: number }>(observer, `/api/fleets/${sandbox}/updates/KB835732/monitor`);
    expect(view.report.coverageCurve.at(-1)!.pct).toBeCloseTo(monitor.installedPct, 1);
    // The sandbox's ingest token stopped with the drill.
    const token = await t.app.prisma.ingestToken.findFirst({
      where: { fleetId: sandbox },
      select: { revokedAt: true },
    });
    expect(token?.revokedAt).not.toBeNull();
    // Joining says the drill role as the console names it.
    expect(view.report.timeline.map((e) => e.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ joined the drill as SMS administrator$/),
        expect.stringMatching(/ joined the drill as ERT lead$/),
      ]),
    );
    expect(view.report.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "DRILL_STARTED",
        "DRILL_PAUSED",
        "DRILL_INJECT_FIRED",
        "ERT_ACKNOWLEDGED",
        "DRILL_ENDED",
      ]),
    );
  });

  it("keeps the ended drill's report as of its end: the sandbox refuses writes, the policy no longer moves it", async () => {
    const before = await get<DrillReportView>(manager, `/api/drills/${d.id}/report`);
    const r = sandboxRelease(sandbox);
    const write = await smsAdmin.inject({
      method: "POST",
      url: `${r.base}/packages`,
      payload: { ...r.pkg, packageId: "CEN0D003" },
    });
    expect(write.statusCode).toBe(409);
    expect(write.json().message).toBe(
      'This is the sandbox fleet of the drill "Q4 worm drill", which has ended: its data is the report\'s evidence and can no longer change. Leave the drill to work on production.',
    );
    const cases = await get<{ items: { id: string; version: number }[] }>(observer, `/api/cases?fleet=${sandbox}`);
    const caseWrite = await member.inject({
      method: "POST",
      url: `/api/cases/${cases.items[0]!.id}/tests`,
      payload: { name: "After the end", scope: "FULL" },
    });
    expect(caseWrite.statusCode).toBe(409);
    const note = await lead2.inject({
      method: "POST",
      url: `/api/emergencies/${d.emergencyId}/notes`,
      payload: { text: "Written after the end" },
    });
    expect(note.statusCode).toBe(409);
    // Reads stay allowed; production is untouched by the guard.
    expect((await observer.inject({ method: "GET", url: `${r.base}/packages` })).statusCode).toBe(200);
    // A policy change after the end does not move the report before its sign-off.
    const stored = await get<PriorityPolicyRecord>(observer, "/api/priority-policy");
    const put = await umpire.inject({
      method: "PUT",
      url: "/api/priority-policy",
      payload: DEFAULT_PRIORITY_POLICY,
      headers: { "if-match": `W/"${stored.version}"` },
    });
    expect(put.statusCode, put.body).toBe(200);
    advance(10);
    const after = await get<DrillReportView>(manager, `/api/drills/${d.id}/report`);
    expect({ ...after.report, generatedAt: null }).toEqual({ ...before.report, generatedAt: null });
  });

  it("records findings with owners, signs off by a manager only, and freezes the report", async () => {
    const debrief = await umpire.inject({
      method: "PUT",
      url: `/api/drills/${d.id}/debrief`,
      payload: {
        summary: "The team assembled fast; the release never went out.",
        findings: [{ text: "Nobody started the deployment", action: "Rehearse the checklist", ownerId: lead2.userId }],
      },
      headers: { "if-match": `W/"${d.version}"` },
    });
    expect(debrief.statusCode, debrief.body).toBe(200);
    let view = debrief.json<DrillReportView>();
    expect(view.report.findings).toHaveLength(1);
    expect(view.people[lead2.userId]).toBeTruthy();

    const byUmpire = await actOn(umpire, { id: d.id, version: view.version }, { type: "signOff", comment: "Fine" });
    expect(byUmpire.statusCode).toBe(403);
    const signed = await actOn(
      manager,
      { id: d.id, version: view.version },
      { type: "signOff", comment: "Agreed, act on the finding." },
    );
    expect(signed.statusCode, signed.body).toBe(200);
    d = signed.json<DrillDetail>();
    expect(d.state).toBe("SIGNED_OFF");

    view = await get<DrillReportView>(observer, `/api/drills/${d.id}/report`);
    expect(view.frozen).toBe(true);
    expect(view.signOff).toMatchObject({ userId: manager.userId, comment: "Agreed, act on the finding." });
    const frozenReport = view.report;

    const later = await umpire.inject({
      method: "PUT",
      url: `/api/drills/${d.id}/debrief`,
      payload: { summary: "Rewritten afterwards", findings: [] },
      headers: { "if-match": `W/"${d.version}"` },
    });
    expect(later.statusCode).toBe(409);
    expect(later.json().message).toMatch(/signed off by .* and is frozen/);
    for (const payload of [
      { type: "signOff", comment: "Again" },
      { type: "cancel", reason: "Rewrite history" },
    ]) {
      const res = await actOn(manager, d, payload);
      expect(res.statusCode).toBe(409);
    }
    // Work in the sandbox after the sign-off does not change the signed report.
    advance(60);
    expect((await get<DrillReportView>(observer, `/api/drills/${d.id}/report`)).report).toEqual(frozenReport);
  });

  it("shows the drill in the trends, per scenario and metric", async () => {
    const trends = await get<DrillTrends>(manager, "/api/drills/trends");
    expect(trends.drills).toBe(1);
    const advertised = trends.series.find((s) => s.scenarioId === scenario.id && s.key === "tAdvertised")!;
    expect(advertised.points).toEqual([expect.objectContaining({ drillId: d.id, value: null, status: "NOT_REACHED" })]);
  });
});

/** Plans and starts a drill of `s` (a custom scenario) and lets the player prepare its sandbox. */
async function startDrill(s: object & { id: string }, title: string): Promise<DrillDetail> {
  const planned = await umpire.inject({
    method: "POST",
    url: "/api/drills",
    payload: { ...plan(), scenarioId: s.id, scenario: s, title },
  });
  expect(planned.statusCode, planned.body).toBe(201);
  const started = await actOn(umpire, planned.json<DrillDetail>(), { type: "start" });
  expect(started.statusCode, started.body).toBe(200);
  const d = started.json<DrillDetail>();
  await tick(d.id);
  expect((await detail(d.id)).sandbox).toMatchObject({ status: "READY" });
  return detail(d.id);
}
const small = (id: string) => ({ ...scenario, id, name: `Small worm drill ${id}` });

describe("the drill player survives failures and other API instances", () => {
  it("a failing round rejects its own tick only: no unhandled rejection, nothing lost, the next round rebuilds", async () => {
    const d = await startDrill(small("round-fails"), "Failing round");
    advance(5);
    let failed = false;
    const p = otherPlayer({
      afterWindowPosted: ({ fromMs }) => {
        if (!failed && fromMs === SIM_STEP_MS) {
          failed = true;
          throw new Error("ingest went away");
        }
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await expect(p.tick(d.id)).rejects.toThrow("ingest went away");
      // Give a stray rejection the turn it would need to surface (no sleeping: one macrotask).
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
    // The first window was saved, the failed one not; the simulation in memory was dropped.
    expect((await sandboxOf(d.id)).reachedMs).toBe(SIM_STEP_MS);
    expect(p.hasRuntime(d.id)).toBe(false);
    // The next round rebuilds from the record and posts the failed window again (a replay, same rows).
    const r = await p.tick(d.id);
    expect(r?.windows).toBe(7);
    expect((await sandboxOf(d.id)).reachedMs).toBe(8 * SIM_STEP_MS);
    await p.close();
  });

  it("an instance that regains the lease rebuilds from the record instead of reusing its stale simulation", async () => {
    const d = await startDrill(small("two-instances"), "Two instances");
    const a = otherPlayer();
    const b = otherPlayer();
    advance(2);
    expect((await a.tick(d.id))?.windows).toBe(3);
    // The team advertises the release; instance b plays on (a's lease ran out) and follows it.
    const r = sandboxRelease(d.sandboxFleetId!);
    for (const [url, payload] of [
      [`${r.base}/packages`, r.pkg],
      [`${r.base}/packages/${r.pkg.packageId}/programs`, r.program],
      [`${r.base}/advertisements`, r.ad],
    ] as const) {
      const res = await smsAdmin.inject({ method: "POST", url, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(201);
    }
    advance(2);
    expect((await b.tick(d.id))?.windows).toBe(3);
    expect((await sandboxOf(d.id)).events.map((e) => e.kind)).toEqual(["PACKAGE", "FOLLOW"]);
    // a gets the lease back: its simulation is three windows behind and lacks the advertisement.
    advance(2);
    const again = await a.tick(d.id);
    expect(again?.windows).toBe(3);
    expect((await sandboxOf(d.id)).reachedMs).toBe(9 * SIM_STEP_MS);
    await a.close();
    await b.close();
  });

  it("a player whose lease was taken stops: it saves nothing more and drops its simulation", async () => {
    const d = await startDrill(small("lease-taken"), "Lease taken");
    advance(2);
    const far = new Date("2999-01-01T00:00:00Z");
    const c = otherPlayer({
      afterWindowPosted: async () => {
        // Another instance takes the lease while c is mid-round.
        await drillsRepository.claimLease(t.app.prisma, d.id, "another-instance", far, far);
      },
    });
    const before = (await sandboxOf(d.id)).reachedMs;
    expect(await c.tick(d.id)).toBeNull();
    expect(c.hasRuntime(d.id)).toBe(false);
    expect((await sandboxOf(d.id)).reachedMs).toBe(before);
    // Hand the lease back (expired) for the rest of the file.
    await drillsRepository.claimLease(t.app.prisma, d.id, "another-instance", far, new Date(0));
    await c.close();
  });
});

describe("starting a drill", () => {
  it("twice at once makes one sandbox: the second start is refused by the version and leaves nothing behind", async () => {
    const planned = await umpire.inject({
      method: "POST",
      url: "/api/drills",
      payload: { ...plan(), scenarioId: "double-start", scenario: small("double-start"), title: "Double start" },
    });
    const d = planned.json<DrillDetail>();
    const sandboxes = () => t.app.prisma.fleet.count({ where: { kind: "DRILL_SANDBOX" } });
    const emergencies = () => t.app.prisma.emergency.count({ where: { isDrill: true } });
    const [fleets, ems] = [await sandboxes(), await emergencies()];
    const results = await Promise.all([actOn(umpire, d, { type: "start" }), actOn(umpire, d, { type: "start" })]);
    expect(results.map((x) => x.statusCode).sort()).toEqual([200, 412]);
    expect(await sandboxes()).toBe(fleets + 1);
    expect(await emergencies()).toBe(ems + 1);
  });

  it("a failed preparation does not block the drill: the next round resumes it without duplicates", async () => {
    const rollbackSmall = {
      ...BAD_UPDATE_ROLLBACK_SCENARIO,
      id: "prep-fails",
      fleet: { preset: "demo", seed: 5039, computers: 40, activeRelease: true },
    };
    const planned = await umpire.inject({
      method: "POST",
      url: "/api/drills",
      payload: { ...plan(), scenarioId: rollbackSmall.id, scenario: rollbackSmall, title: "Preparation fails" },
    });
    const started = await actOn(umpire, planned.json<DrillDetail>(), { type: "start" });
    const d = started.json<DrillDetail>();
    let fail = true;
    const p = otherPlayer({
      onPrepareStep: (step) => {
        if (fail && step === "release") {
          fail = false;
          throw new Error("the database went away");
        }
      },
    });
    await expect(p.tick(d.id)).rejects.toThrow("the database went away");
    const stuck = await detail(d.id);
    expect(stuck.state).toBe("RUNNING");
    expect(stuck.sandbox).toMatchObject({ status: "PREPARING", prepareError: "the database went away" });
    await p.tick(d.id);
    const ready = await detail(d.id);
    expect(ready.sandbox).toMatchObject({ status: "READY", prepareError: null });
    const fleet = ready.sandboxFleetId!;
    expect((await get<{ items: unknown[] }>(observer, `/api/fleets/${fleet}/sites`)).items).toHaveLength(7);
    expect((await get<{ items: unknown[] }>(observer, `/api/fleets/${fleet}/advertisements`)).items).toHaveLength(1);
    expect((await get<{ items: unknown[] }>(observer, `/api/cases?fleet=${fleet}`)).items).toHaveLength(1);
    // A second full round changes nothing.
    await expect(t.app.prisma.ingestToken.count({ where: { fleetId: fleet } })).resolves.toBe(1);
    await p.close();
  });
});
