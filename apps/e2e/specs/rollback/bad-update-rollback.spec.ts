// A bad update, halted by its rule and rolled back (issue: "a bad update starts failing across
// sites, the halt rule fires, the ERT lead opens a rollback, chooses option B, and watches the
// update disappear from the fleet").
//
// The e2e server is shared by every spec, and the simulator's presets use fixed site codes,
// resource ids and collection ids (CEN, NYC…, 0x01000001…, CEN00010). So beforeAll hands the
// simulator a fleet of its own, every id made for this run: two primary sites under the central
// site CEN (the one central site of the hierarchy, imported exactly as the other specs import
// it), a DP per site, fourteen always-on LAN workstations per site in the target collection, and
// the update under a KB number of this run (a rollback acts on every package and advertisement
// of its KB in the fleet). `setUpBadUpdatePlay` imports it through the API as sms-admin, creates
// the release (package, program, mandatory advertisement) and an ingest token, and plays the
// bad update: installs fail at the first site, some machines at the second crash for good
// (they report success, then never again). The simulation starts a few hours before now, so the
// rollback advertisement the console makes "now" is reached by later windows.
//
// The update's case is taken to DEPLOYING through the API (ERT lead), in an emergency of its own,
// so the halt moves it and the war room shows the alert.
//
// The journey, in order (serial: each step starts where the previous one left the release):
// 1. the ERT lead sets the halt rule on the advertisement page (25 % failures, sample 10, each
//    site and all sites);
// 2. status windows arrive through the ingest API while the lead watches the deployment monitor;
//    the rule fires: the monitor shows the program disabled, the war room the alert, the case
//    Halted with the rule named;
// 3. the lead opens a rollback from the case, confirms its priority and goes through the
//    workflow: halt (already halted), authorise, clean-up, build, acceptance, targeting (A and B
//    side by side), option B, advertise;
// 4. the simulator follows the rollback advertisement; the lead verifies with a grace window of two
//    hours (the crashed machines have been silent since they took the update): the update is gone
//    from the targeted computers that still answer, the crashed ones become out-of-band tasks, and
//    the per-update compliance view shows only them with the update.
import { randomBytes, randomInt } from "node:crypto";
import {
  DEMO_PASSWORD,
  demoUsernames,
  openAddressSchedule,
  type CaseDetail,
  type HaltRuleView,
  type RollbackDetail,
} from "@firebreak/domain";
import { standardOutcomeModel, type FleetDescription, type SimComputer } from "@firebreak/simulator";
import { FirebreakClient, setUpBadUpdatePlay, type BadUpdatePlay, type PlaySummary } from "@firebreak/simulator/client";
import type { Locator, Page } from "@playwright/test";
import { apiAs, signIn } from "../../fixtures/api.js";
import { expect, test } from "../../fixtures/pages.js";
import { caseApiAs } from "../../fixtures/process.js";

test.describe.configure({ mode: "serial" });

const FLEET_API = "/api/fleets/production";
const SEED = 2004;
const STEP_MINUTES = 15;
const PER_SITE = 14;
const BULLETIN = "MS04-011";
/** The ERT lead's display name (demo account ert-lead). */
const LEAD = "Erin Lead";
const ROLLBACK_REASON = "Windows 2000 machines hang at boot after the update; installs fail at a whole site";
const PRIORITY_RATIONALE = "Machines that took the update no longer start: the fleet loses workstations every hour";

interface Arranged {
  kb: string;
  title: string;
  /** Installs fail here. */
  failingSite: string;
  /** Installs succeed here, but some machines crash afterwards. */
  crashingSite: string;
  packageId: string;
  advertisementId: string;
  caseId: string;
  emergencyId: string;
  emergencyTitle: string;
  workstations: number;
}

let arranged: Arranged;
let client: FirebreakClient;
let play: BadUpdatePlay;
/** Compliance rows the simulation posted, by state, over the whole run. */
const compliancePosted: Record<string, number> = {};
/** Set by the rollback step. */
let rollbackId: string;
let rollbackAdvertisementId: string;
/** The computers option B targeted: those with compliance evidence of the update when advertised. */
let targetedB: number;

const tally = (summary: PlaySummary) => {
  for (const [state, n] of Object.entries(summary.complianceByState))
    compliancePosted[state] = (compliancePosted[state] ?? 0) + n;
};

/** Three characters A–Z / 0–9 from a random number: site codes of this run. */
const code = (first: string, n: number) => `${first}${n.toString(36).toUpperCase().padStart(2, "0")}`;

test.beforeAll(async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  // Package, advertisement and collection IDs are the site code CEN + 5 hex digits.
  const run = randomBytes(2).toString("hex").toUpperCase();
  const n = randomInt(36 * 36);
  const failingSite = code("R", n);
  const crashingSite = code("S", n);
  const kb = `KB8${String(randomInt(100_000)).padStart(5, "0")}`;
  const title = `Security Update for Windows 2000 (LSASS re-release ${run})`;
  const base = 0x7d000000 + parseInt(run, 16) * 64;
  const octet = parseInt(run.slice(2), 16);

  // The simulation starts three hours before now, on a window boundary: the release is built then
  // and advertised an hour later; the installs run in the hour after that.
  const windowMs = STEP_MINUTES * 60_000;
  const startMs = Math.floor((Date.now() - 3 * 3_600_000) / windowMs) * windowMs;
  const start = new Date(startMs).toISOString();

  // The simulator's fleet, every id of this run: CEN as the other specs import it, two primaries.
  const computers: SimComputer[] = [];
  const sites = [failingSite, crashingSite];
  sites.forEach((siteCode, s) => {
    for (let i = 1; i <= PER_SITE; i++) {
      computers.push({
        resourceId: base + s * 32 + i,
        name: `${siteCode}-WS${String(i).padStart(3, "0")}`,
        siteCode,
        os: i % 3 === 0 ? "Microsoft Windows XP Professional" : "Microsoft Windows 2000 Professional",
        servicePack: i % 3 === 0 ? "Service Pack 1" : "Service Pack 4",
        clientType: "ADVANCED",
        isLaptop: false,
        connectionProfile: "LAN",
        boundaryId: `${siteCode}-LAN-${run}`,
        isPatchInfrastructure: false,
        // The inventory's last heartbeat, before the release.
        lastSeenAt: new Date(startMs - 30 * 60_000).toISOString(),
      });
    }
  });
  const collectionId = `CEN8${run}`;
  const fleet: FleetDescription = {
    sites: [
      { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null },
      ...sites.map((siteCode, s) => ({
        siteCode,
        name: s === 0 ? `Rotterdam ${run}` : `Stuttgart ${run}`,
        type: "PRIMARY" as const,
        parentSiteCode: "CEN",
      })),
    ],
    siteSystems: sites.map((siteCode) => ({
      serverName: `${siteCode}SMS01`,
      siteCode,
      roles: ["SITE_SERVER", "DP", "MP"],
    })),
    boundaries: sites.map((siteCode, s) => ({
      boundaryId: `${siteCode}-LAN-${run}`,
      siteCode,
      kind: "IP_SUBNET" as const,
      value: `10.${octet}.${s * 64}.0/18`,
      connection: "LOCAL_FAST" as const,
    })),
    addresses: sites.map((siteCode) => ({
      addressId: `CEN-${siteCode}-E2E-${run}`,
      siteCode: "CEN",
      destSiteCode: siteCode,
      addressType: "MS_LAN" as const,
      priorityOrder: 1,
      usageSchedule: openAddressSchedule(),
      unavailableAsSubstitute: false,
      rateLimit: { mode: "UNLIMITED" as const },
      bandwidthKbps: 2048,
    })),
    computers,
    collections: [
      {
        collectionId,
        name: `All workstations ${run}`,
        parentCollectionId: null,
        rules: computers.map((c) => ({ type: "DIRECT" as const, resourceId: c.resourceId })),
        purpose: "TARGET",
        memberResourceIds: computers.map((c) => c.resourceId),
      },
    ],
  };

  const baseUrl = testInfo.project.use.baseURL;
  if (!baseUrl) throw new Error("The Playwright config sets no baseURL.");
  client = new FirebreakClient({ baseUrl, retries: 2 });
  await client.login(demoUsernames.SMS_ADMIN, DEMO_PASSWORD);
  play = await setUpBadUpdatePlay(client, {
    seed: SEED,
    startTime: start,
    fleet,
    power: "ALWAYS_ON",
    stepMinutes: STEP_MINUTES,
    release: {
      updateId: kb,
      packageId: `CENC${run}`,
      advertisementId: `CENA${run}`,
      collectionId,
      packageName: `${BULLETIN} ${kb} re-release ${run}`,
      advertisementName: `${kb} to all workstations ${run}`,
    },
    badUpdate: {
      // Every failure and crash comes from the bad update, none from ordinary bad luck.
      base: standardOutcomeModel({ successRate: 1, rebootRate: 0, legacyExtraFailureRate: 0 }),
      failureRateBySite: { [failingSite]: 0.6 },
      defaultFailureRate: 0,
      degradeRateBySite: { [crashingSite]: 0.5 },
      defaultDegradeRate: 0,
    },
  });
  const packageId = play.release.package.packageId;
  const advertisementId = play.release.advertisement.advertisementId;

  // The update, its case taken to DEPLOYING through the advertisement, and its emergency (ERT lead).
  const context = await browser.newContext();
  try {
    const session = await signIn(context.request, "ERT_LEAD");
    const api = apiAs(context.request, session);
    const cases = caseApiAs(context.request, session);
    const update = await api.post<{ id: string }>("/api/updates", {
      bulletinId: BULLETIN,
      kbNumber: kb,
      title,
      classification: "SECURITY_UPDATE",
      vendorSeverity: "CRITICAL",
      products: ["Windows 2000", "Windows XP"],
      releasedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      sizeKB: 5120,
      installerEngine: "UPDATE_EXE",
      installCommand: `Windows2000-${kb}-x86-ENU.exe /quiet /norestart`,
      rollbackability: "REMOVABLE",
      uninstallCommand: `%windir%\\$NtUninstall${kb}$\\spuninst\\spuninst.exe /quiet /norestart`,
      detectionRule: { registryKey: `HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows 2000\\SP5\\${kb}` },
      requiresRestart: "YES",
    });
    let c = await api.post<CaseDetail>("/api/cases", { updateId: update.id });
    c = await cases.act(c, { type: "markRelevant", evidence: "Every Windows 2000 and XP workstation runs LSASS" });
    c = await cases.act(c, {
      type: "verifySource",
      hash: "5e".repeat(32),
      checks: { genuine: true, virusFree: true, installsCleanly: true },
    });
    c = await cases.act(c, {
      type: "submitRfc",
      initialPriority: "EMERGENCY",
      category: "MAJOR",
      rationale: "A worm exploits LSASS on every workstation",
    });
    c = await cases.act(c, { type: "startEvaluation" });
    c = await cases.act(c, {
      type: "confirmPriority",
      finalPriority: "EMERGENCY",
      rationale: {
        assetsExposed: "All workstations",
        mitigations: "none",
        scope: "Every workstation in the collection",
        exploitedInTheWild: true,
      },
    });
    c = await cases.act(c, { type: "plan" });
    c = await cases.act(c, { type: "build", packageId });
    c = await cases.addTest(c.id, { name: "Logon and file shares work", scope: "CORE" });
    c = await cases.act(c, { type: "startTesting", packageId });
    c = await cases.recordTest(c, c.tests[0]!.id, "PASSED");
    c = await cases.act(c, { type: "acceptRelease" });
    c = await cases.act(c, { type: "startDeployment", advertisementId });
    expect(c.status).toBe("DEPLOYING");
    const emergencyTitle = `Emergency release of ${kb} (${run})`;
    const emergency = await api.post<{ id: string }>("/api/emergencies", {
      type: "EMERGENCY_RELEASE",
      title: emergencyTitle,
      caseIds: [c.id],
    });
    arranged = {
      kb,
      title,
      failingSite,
      crashingSite,
      packageId,
      advertisementId,
      caseId: c.id,
      emergencyId: emergency.id,
      emergencyTitle,
      workstations: computers.length,
    };
  } finally {
    await context.close();
  }
});

/**
 * Before a screenshot or an axe scan: the toasts of the last actions have closed, the page is
 * scrolled to the top and no finite transition is running (axe measures a fading toast's colours
 * as they are at that instant).
 */
async function settle(page: Page) {
  await expect(page.locator(".mantine-Notification-root")).toHaveCount(0);
  await page.evaluate("window.scrollTo(0, 0)");
  await page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)",
  );
}

/** The API's view of the halt rule (sms-admin's session of the simulator client). */
const haltRule = () =>
  client.request<HaltRuleView>("GET", `${FLEET_API}/advertisements/${arranged.advertisementId}/halt-rule`, {
    auth: { kind: "session" },
  });

const rollbackDetail = () =>
  client.request<RollbackDetail>("GET", `/api/rollbacks/${rollbackId}`, { auth: { kind: "session" } });

/** A step's panel on the rollback screen. */
const panel = (page: Page, title: string) => page.getByRole("region", { name: title, exact: true });

/** Opens a rollback action from its panel, fills the form with `fill`, submits it and waits until the modal is gone. */
async function act(page: Page, scope: Locator, label: string, fill?: (form: Locator) => Promise<void>) {
  await scope.getByRole("button", { name: label, exact: true }).click();
  const form = page.getByRole("form", { name: label });
  await expect(form).toBeVisible();
  if (fill) await fill(form);
  await form.getByRole("button", { name: label, exact: true }).click();
  await expect(form).toHaveCount(0);
}

test("the ERT lead sets the halt rule: 25 % failures, sample 10, each site and all sites", async ({
  page,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  await loginAs("ERT_LEAD");
  await page.goto(`/sites/advertisements/${arranged.advertisementId}`);
  const rulePanel = page.getByRole("region", { name: "Halt rule" });
  await expect(rulePanel).toContainText("No automatic halt rule.");
  const form = rulePanel.getByRole("form", { name: "Set a halt rule" });
  await expect(form.getByRole("textbox", { name: /^Failure percentage/ })).toHaveValue("25 %");
  await form.getByRole("textbox", { name: /^Minimum sample/ }).fill("10");
  await expect(form.getByRole("checkbox", { name: "Each site on its own" })).toBeChecked();
  await expect(form.getByRole("checkbox", { name: "All sites together" })).toBeChecked();
  await form.getByRole("button", { name: "Set rule" }).click();

  await expect(rulePanel.getByText("Armed", { exact: true })).toBeVisible();
  await expect(rulePanel).toContainText("25 %");
  await expect(rulePanel).toContainText("No client has finished the program yet.");
  await expect(rulePanel.getByRole("button", { name: "Change the rule" })).toBeVisible();
  const rule = await haltRule();
  expect(rule).toMatchObject({
    state: "ARMED",
    rule: { failurePct: 25, minSample: 10, perSite: true, overall: true },
  });
  await settle(page);
  await saveScreenshot("rollback-halt-rule-panel");
  await checkA11y({ include: 'section[aria-labelledby="halt-rule-heading"]' });
});

test("installs fail at one site and the rule halts the release while the ERT lead watches", async ({
  page,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  await loginAs("ERT_LEAD");
  await page.goto(`/deployments/${arranged.advertisementId}`);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const figures = page.getByRole("region", { name: "Headline figures" });
  await expect(figures).toContainText(new RegExp(`Targeted\\s*${arranged.workstations}`));

  // Window by window, as a forwarder sends them; the simulated clients pick up the disabled
  // program at their next policy poll once Firebreak has halted the release.
  const { packageId, programName } = play.release.program;
  // The API evaluates the rule in the background after each batch with program results. A
  // forwarder's batches arrive minutes apart, so the rule has looked at one before the next
  // arrives: wait for that here, then let the simulated clients pick up a halt at their next poll.
  let followed = false;
  for (let w = 0; w < 12; w++) {
    const postedAt = Date.now();
    const summary = await play.playWindows(1);
    tally(summary);
    if (followed) continue;
    const results = [10006, 10007, 10008, 10009].some((id) => (summary.statusByMessageId[id] ?? 0) > 0);
    if (results)
      await expect
        .poll(async () => {
          const r = await haltRule();
          return r.state === "FIRED" || Date.parse(r.lastEvaluatedAt ?? "") >= postedAt;
        })
        .toBe(true);
    if ((await haltRule()).state === "FIRED") followed = await play.followProgramFlags(packageId, programName);
  }
  expect(followed, "the halt rule fired and the simulated clients picked up the disabled program").toBe(true);
  const rule = await haltRule();
  const sentence = rule.firing!.sentence;
  expect(sentence).toContain(`Halt rule of ${arranged.advertisementId}`);

  // The monitor, live: the program is disabled, automatically, by the rule.
  const verification = page.getByRole("region", { name: "Halt verification" });
  await expect(verification).toContainText(/disabled at \d/);
  await expect(verification).toContainText(`Halted automatically. ${sentence}`);
  // Clients that already held the policy may still start it before they poll again: the card
  // either clears the halt or lists those machines; either way it has checked.
  await expect(verification.getByText(/^(No start after the halt|Starts after the halt)$/)).toBeVisible();
  // The header follows the live halt state too.
  await expect(page.getByText("Program disabled (halted)", { exact: true })).toBeVisible();
  await expect(verification).toContainText(`Case ${arranged.kb} is halted.`);
  await expect(figures).toContainText(/Failed\s*[1-9]/);
  // Site, targeted, succeeded, failed…: installs fail at one site only.
  const bySite = page.getByRole("table", { name: "By site" });
  await expect(
    bySite.getByRole("row", { name: new RegExp(`^${arranged.failingSite} ${PER_SITE} \\d+ [1-9]`) }),
  ).toBeVisible();
  await expect(
    bySite.getByRole("row", { name: new RegExp(`^${arranged.crashingSite} ${PER_SITE} \\d+ 0 `) }),
  ).toBeVisible();
  await settle(page);
  await saveScreenshot("rollback-monitor-halted");
  await checkA11y();

  // The war room of the emergency: the alert, with the rule's sentence.
  await page.goto(`/emergencies/${arranged.emergencyId}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(arranged.emergencyTitle);
  const alert = page.getByRole("alert").filter({ hasText: /An automatic halt rule/ });
  await expect(alert).toContainText(sentence);
  await expect(
    alert.getByRole("link", { name: `Open the deployment monitor of ${arranged.advertisementId}` }),
  ).toBeVisible();
  await settle(page);
  await saveScreenshot("rollback-war-room-alert");

  // The case: Halted, the rule named.
  await page.goto(`/triage/cases/${arranged.caseId}`);
  await expect(page.getByText("Halted", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(sentence).first()).toBeVisible();
});

test("the ERT lead opens a rollback from the case and advertises it to option B", async ({
  page,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  await loginAs("ERT_LEAD");
  await page.goto(`/triage/cases/${arranged.caseId}`);
  await page.getByRole("button", { name: "Roll back this update…" }).click();
  const request = page.getByRole("form", { name: "Request a rollback" });
  await request.getByRole("textbox", { name: /^Why roll it back/ }).fill(ROLLBACK_REASON);
  await request.getByRole("radio", { name: "Emergency", exact: true }).check();
  await request.getByRole("button", { name: "Request the rollback" }).click();
  await page.waitForURL(/\/rollbacks\/[0-9a-f-]{36}$/);
  rollbackId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    `Rollback of ${arranged.kb} · ${BULLETIN}: ${arranged.title}`,
  );

  // Its own priority, confirmed by a named person.
  const decision = panel(page, "Priority and authorisation");
  await act(page, decision, "Confirm rollback priority", async (form) => {
    await expect(form.getByRole("combobox", { name: /^Rollback priority/ })).toHaveValue("Emergency");
    await form.getByRole("textbox", { name: /^Rationale/ }).fill(PRIORITY_RATIONALE);
  });
  await expect(decision).toContainText(`Confirmed: Emergency by ${LEAD} (ERT lead)`);

  // Halt: the rule got there first; the step records it.
  const halt = panel(page, "Halt the update's deployments");
  await expect(halt.getByRole("table", { name: "Deployments that will be halted" })).toContainText(
    "Program already disabled",
  );
  await act(page, halt, "Halt deployments of the update", async (form) => {
    await form.getByRole("textbox", { name: /^Why the deployments are halted/ }).fill(ROLLBACK_REASON);
  });
  await expect(halt.getByRole("list", { name: "Halted deployments" })).toContainText(
    `${arranged.advertisementId}: program "${play.release.program.programName}" of ${arranged.packageId} was already disabled.`,
  );

  await act(page, decision, "Authorise the rollback");
  await expect(decision.getByText("Authorised", { exact: true })).toBeVisible();

  // Clean-up: the package carries only this update, so it goes with its advertisement.
  const cleanup = panel(page, "Package clean-up");
  const preview = cleanup.getByRole("table", { name: "Clean-up preview" });
  await expect(cleanup).toContainText("What will happen:");
  await expect(preview).toContainText(arranged.packageId);
  await expect(preview).toContainText(`${arranged.advertisementId} (deleted)`);
  await act(page, cleanup, "Clean up as shown");
  await expect(cleanup.getByRole("table", { name: "Packages cleaned" })).toContainText(arranged.packageId);

  // Build: the generated command lines, option A checks first.
  const build = panel(page, "Rollback package and programs");
  const optionA = build.getByRole("group", { name: "Option A: checks first" });
  const optionB = build.getByRole("group", { name: "Option B: plain uninstall" });
  await expect(optionA).toContainText(
    `reg query "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows 2000\\SP5\\${arranged.kb}"`,
  );
  await expect(optionB).toContainText(
    `%windir%\\$NtUninstall${arranged.kb}$\\spuninst\\spuninst.exe /quiet /norestart`,
  );
  await act(page, build, "Build the rollback package");
  await expect(build).toContainText(new RegExp(`Built by ${LEAD} on .* as package CEN[0-9A-F]{5}\\.`));

  // Acceptance: a core test, passed; the package accepted.
  const acceptance = panel(page, "Acceptance testing");
  const testName = "Windows 2000 starts and logs on after the removal";
  await act(page, acceptance, "Add acceptance test", async (form) => {
    await form.getByRole("textbox", { name: /^Test/ }).fill(testName);
  });
  await act(page, acceptance, `Record result for ${testName}`, async (form) => {
    await form.getByRole("radio", { name: "Passed", exact: true }).check();
  });
  await expect(acceptance.getByRole("table", { name: "Rollback acceptance tests" })).toContainText("Passed");
  await act(page, acceptance, "Accept the rollback package");
  await expect(acceptance).toContainText(new RegExp(`Accepted by ${LEAD} on .* \\(full suite passed\\)\\.`));

  // Targeting: A and B side by side, from the data now.
  const applied = compliancePosted.INSTALLED ?? 0;
  expect(applied, "computers that reported the update installed").toBeGreaterThan(0);
  expect(applied).toBeLessThan(arranged.workstations);
  const targeting = panel(page, "Target and advertise");
  const a = targeting.getByRole("radio", {
    name: `A · Same collection, program checks first: ${arranged.workstations} computers`,
  });
  const b = targeting.getByRole("radio", {
    name: `B · Only computers that applied the update: ${applied} ${applied === 1 ? "computer" : "computers"}`,
  });
  await expect(a).toBeVisible();
  await expect(b).toBeVisible();
  await expect(targeting).toContainText(
    `${applied} ${applied === 1 ? "computer" : "computers"} with ${arranged.kb} installed`,
  );
  await settle(page);
  await saveScreenshot("rollback-targeting");
  await checkA11y();

  await b.click();
  await expect(b).toBeChecked();
  await act(page, targeting, "Advertise the rollback");
  const detail = await rollbackDetail();
  expect(detail.status).toBe("DEPLOYING");
  expect(detail.record.deployment).toMatchObject({ targeting: "APPLIED_ONLY", targeted: applied });
  rollbackAdvertisementId = detail.record.deployment!.advertisementId;
  targetedB = applied;
  await expect(targeting).toContainText(
    `B · Only computers that applied the update: advertisement ${rollbackAdvertisementId}`,
  );
});

test("the simulator follows the rollback and the ERT lead verifies the update is gone", async ({
  page,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  const followed = await play.followAdvertisement(rollbackAdvertisementId);
  expect(followed.program).toMatchObject({ kind: "ROLLBACK", checksUpdatePresent: false });
  // Until every targeted client ran the rollback or cannot be reached (crashed), plus one window
  // for the last reports.
  const sim = play.simulation;
  const settled = () => {
    const p = sim.advertisementProgress(rollbackAdvertisementId);
    return p.byStage.SUCCEEDED + p.byStage.FAILED + p.byStage.UNREACHABLE === p.targets;
  };
  for (let w = 0; w < 24 && !settled(); w++) tally(await play.playWindows(1));
  expect(settled(), "every targeted client ran the rollback or is unreachable").toBe(true);
  tally(await play.playWindows(1));

  const crashed = new Set(sim.listDegradedMachines().map((d) => d.resourceId));
  const names = new Map(play.fleet.computers.map((c) => [c.resourceId, c.name]));
  const rolledBack = compliancePosted.ROLLED_BACK ?? 0;
  const remaining = targetedB - rolledBack;
  expect(rolledBack).toBeGreaterThan(0);

  await loginAs("ERT_LEAD");
  await page.goto(`/rollbacks/${rollbackId}`);
  const verify = panel(page, "Monitor and verify");
  // The crashed machines have been silent since they took the update, hours ago: with a grace
  // window of two hours they count as unreachable, not as still rolling back.
  await act(page, verify, "Verify removal", async (form) => {
    await form.getByRole("textbox", { name: /^Grace window \(hours\)/ }).fill("2");
  });
  await expect(verify).toContainText(
    `${targetedB} ${targetedB === 1 ? "computer" : "computers"} targeted, ${rolledBack} without the update by compliance`,
  );
  if (remaining === 0) {
    await expect(verify).toContainText(`${arranged.kb} is gone from every targeted computer`);
  } else {
    await expect(verify).toContainText(
      `${remaining} ${remaining === 1 ? "computer still has" : "computers still have"} ${arranged.kb}`,
    );
    // Each machine left behind is one the bad update crashed, and is now an out-of-band task.
    const tasks = verify.getByRole("table", { name: "Computers left to roll back by hand" });
    await expect(tasks.getByRole("row")).toHaveCount(remaining + 1);
    const listed = (await tasks.locator("tbody tr td:first-child").allTextContents()).map((t) => t.trim());
    const crashedNames = new Set([...crashed].map((r) => names.get(r)));
    for (const name of listed) {
      expect(name.startsWith(`${arranged.crashingSite}-`), `${name} is at ${arranged.crashingSite}`).toBe(true);
      expect(crashedNames.has(name), `${name} crashed`).toBe(true);
    }
  }
  const detail = await rollbackDetail();
  expect(detail.status).toBe(remaining === 0 ? "COMPLETED" : "PARTIAL");
  await settle(page);
  await saveScreenshot("rollback-verified");
  await checkA11y();

  // The update across the fleet: only the crashed machines still have it.
  const installedNow = (compliancePosted.INSTALLED ?? 0) - rolledBack;
  await page.goto(`/deployments/updates/${arranged.kb}`);
  const figures = page.getByRole("region", { name: "Headline figures" });
  await expect(figures).toContainText(new RegExp(`Installed\\s*${installedNow}\\s*incl\\.`));
});
