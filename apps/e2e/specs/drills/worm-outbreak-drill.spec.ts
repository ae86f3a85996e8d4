// A worm-outbreak fire drill, end to end (issue: "an umpire runs a worm-outbreak drill, the team
// acts, the drill ends, a manager opens the report, reads the metrics, signs it off, and prints it;
// screenshots of the report and its print view reviewed").
//
// The server is shared by every spec: beforeAll makes a deputy ERT lead of this run's own (the
// demo ERT lead is the umpire, and an umpire cannot also take part), and every title has the run's
// id. The scenario's update, KB835732, is in the catalogue once the drill starts (the drill records
// it when nobody has; process/emergency-release.spec.ts may record it too, before or after), so
// the team opens its case without typing the bulletin in, and nothing here depends on its title.
//
// The journey, in order (serial: each step starts where the previous one left the drill):
// 1. the ERT lead plans a drill of the built-in "Worm outbreak: Sasser" scenario in the console
//    (scenario, title, start, umpire, participants with drill roles) and starts it;
// 2. the team joins and works the real screens against the sandbox fleet, under the drill banner:
//    the ERT member opens the bulletin's case and submits the RFC as Emergency, the deputy lead
//    confirms Emergency; the release is built, tested and advertised in the sandbox through the
//    API (as the participants), and the member watches the sandbox rollout on the deployment
//    monitor; the umpire sees the injects fire on the player's timer, fires one early, pauses,
//    resumes and ends the drill; the member leaves the drill, and production's board, case list
//    and emergencies never saw any of it;
// 3. a manager opens the report, reads the verdict and the metrics (reached ones with a value,
//    the others "Not reached", never 0), signs it off, and prints it (print view and PDF).
//
// The umpire plans the drill at × 240 (the plan's optional time scale) instead of the scenario's
// × 24, so the sandbox rollout is seen within the test's minute rather than in an hour. The drill
// player runs on a timer in the server (about every 2 s): the steps that wait for it poll with
// timeouts; nothing sleeps.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  AdvertFlags,
  DEFAULT_PROGRAM_FLAGS,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  SessionSchema,
  type DrillDetail,
  type DrillReportView,
  type Role,
  type User,
} from "@firebreak/domain";
import type { APIRequestContext, Browser, BrowserContext, Locator, Page } from "@playwright/test";
import { apiAs, signIn } from "../../fixtures/api.js";
import { expect, test } from "../../fixtures/pages.js";
import { caseApiAs } from "../../fixtures/process.js";

test.describe.configure({ mode: "serial" });

/** Where saveScreenshot puts its pictures; the exported PDF goes next to them for review. */
const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", ".screenshots");

const SCENARIO = "Worm outbreak: Sasser";
const KB = "KB835732";
const BULLETIN = "MS04-011";
const HASH = "5a".repeat(32);
const DEPUTY_PASSWORD = "deputy lead drill password";
const TIME_SCALE = 240;
/** The release the SMS administrator builds in the sandbox (its own fleet: fixed ids are fine). */
const PACKAGE_ID = "CEN0D001";
const PROGRAM = "Install KB835732";
const ADVERTISEMENT_ID = "CEN2D001";
/** The demo preset's "All workstations" collection (simulator PRESET_COLLECTIONS). */
const ALL_WORKSTATIONS = "CEN00010";

interface Arranged {
  run: string;
  drillTitle: string;
  deputy: User;
}

let arranged: Arranged;
/** Set by the first step. */
let drillId: string;
/** Set by the second step: the sandbox case the team worked. */
let caseId: string;

test.beforeAll(async ({ browser }) => {
  const run = randomBytes(3).toString("hex").toUpperCase();
  const context = await browser.newContext();
  try {
    const admin = apiAs(context.request, await signIn(context.request, "ADMIN"));
    const deputy = await admin.post<User>("/api/users", {
      username: `deputy-lead-${run.toLowerCase()}`,
      displayName: `Dana Deputy ${run}`,
      role: "ERT_LEAD",
      password: DEPUTY_PASSWORD,
    });
    arranged = { run, drillTitle: `Sasser drill ${run}`, deputy };
  } finally {
    await context.close();
  }
});

/** Picks `option` in the Mantine Select labelled `label` inside `scope`. */
async function choose(page: Page, scope: Locator, label: RegExp, option: string | RegExp) {
  await scope.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option, exact: typeof option === "string" }).click();
}

/** Opens a case action from "Next steps"; returns its form. */
async function openAction(page: Page, label: string) {
  await page.getByRole("region", { name: "Next steps" }).getByRole("button", { name: label, exact: true }).click();
  const form = page.getByRole("form", { name: label });
  await expect(form).toBeVisible();
  return form;
}

/** Submits an action form and waits until the modal is gone (the case is saved and reloaded). */
async function submitAction(form: Locator, label: string) {
  await form.getByRole("button", { name: label, exact: true }).click();
  await expect(form).toHaveCount(0);
}

/** The e2e project is compiled without the DOM library: what `settle` reads of an animation. */
interface Animation {
  playState: string;
  effect: { getTiming(): { iterations?: number } } | null;
}

/** As emergency-release.spec.ts: no toast, at the top, no finite animation running. */
async function settle(page: Page) {
  await expect(page.locator(".mantine-Notification-root")).toHaveCount(0);
  await page.evaluate("window.scrollTo(0, 0)");
  // A function, not a string: a string predicate is eval'ed in the page, which the console's CSP
  // refuses on pages of contexts made with browser.newContext().
  await page.waitForFunction(() =>
    (globalThis as unknown as { document: { getAnimations(): Animation[] } }).document
      .getAnimations()
      .every((a) => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity),
  );
}

async function signInDeputy(request: APIRequestContext) {
  const response = await request.post("/api/auth/login", {
    data: { username: arranged.deputy.username, password: DEPUTY_PASSWORD },
  });
  expect(response.status(), `sign-in as ${arranged.deputy.username}: ${await response.text()}`).toBe(200);
  return SessionSchema.parse(await response.json());
}

/** A page signed in as the deputy lead (not a demo account), guarded like the default page. */
async function openPageAsDeputy(browser: Browser, watchPage: (page: Page) => void) {
  const context = await browser.newContext();
  const session = await signInDeputy(context.request);
  const page = await context.newPage();
  watchPage(page);
  return { context, page, session };
}

/** JSON and case calls as a demo account, in a context of its own (closed by the caller). */
async function apiFor(browser: Browser, role: Role) {
  const context: BrowserContext = await browser.newContext();
  const session = await signIn(context.request, role);
  return {
    api: apiAs(context.request, session),
    cases: caseApiAs(context.request, session),
    close: () => context.close(),
  };
}

/** A screen of the main navigation, as a user moves between screens (no reload). */
const navTo = (page: Page, label: string) =>
  page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: label, exact: true }).click();

const banner = (page: Page) => page.getByRole("complementary", { name: "Drill mode" });

/** Joins from the drill page: the console switches to the sandbox and opens the drill's war room. */
async function joinDrill(page: Page) {
  await page.goto(`/drills/${drillId}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(arranged.drillTitle);
  await page.getByRole("button", { name: "Join drill" }).click();
  await page.waitForURL(/\/emergencies\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Drill: ${arranged.drillTitle}`);
  await expect(banner(page)).toContainText(`DRILL — ${arranged.drillTitle} · sandbox fleet`);
}

test("the ERT lead plans a drill of the worm-outbreak scenario and starts it", async ({
  page,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  await loginAs("ERT_LEAD");
  await page.goto("/drills");
  await expect(page.getByRole("heading", { name: "Drills", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "Plan a drill" }).click();
  const form = page.getByRole("form", { name: "Plan a drill" });
  await choose(page, form, /^Scenario/, SCENARIO);
  await expect(form).toContainText("The Sasser worm is spreading");
  await expect(form).toContainText("Time scale × 24, 90 minutes, 4 injects.");
  await form.getByRole("textbox", { name: /^Title/ }).fill(arranged.drillTitle);
  // Ten minutes from now, in the datetime-local format (the browser runs in UTC).
  const start = new Date(Date.now() + 10 * 60_000).toISOString().slice(0, 16);
  await form.getByLabel(/^Scheduled start/).fill(start);
  await choose(page, form, /^Umpire/, "Erin Lead (ERT lead)");
  await form.getByRole("textbox", { name: /^Time scale/ }).fill(String(TIME_SCALE));
  await choose(page, form, /^Participant 1/, "Evan Member (ERT member / patch team)");
  await choose(page, form, /^Drill role of participant 1/, "ERT member / patch team");
  await form.getByRole("button", { name: "Add participant" }).click();
  await choose(page, form, /^Participant 2/, "Sam Sms-Admin (SMS administrator)");
  await choose(page, form, /^Drill role of participant 2/, "SMS administrator");
  await form.getByRole("button", { name: "Add participant" }).click();
  await choose(page, form, /^Participant 3/, `${arranged.deputy.displayName} (ERT lead)`);
  await choose(page, form, /^Drill role of participant 3/, "ERT lead");
  await settle(page);
  await saveScreenshot("drill-plan-form");
  await checkA11y();

  await form.getByRole("button", { name: "Plan drill" }).click();
  await page.waitForURL(/\/drills\/[0-9a-f-]{36}$/);
  drillId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(arranged.drillTitle);
  await expect(page.getByText("Planned", { exact: true })).toBeVisible();
  // Nobody plays Security: the plan is valid, and the page says what that costs.
  await expect(page.getByText(/Nobody plays Security/)).toBeVisible();
  const people = page.getByRole("table", { name: "Participants" });
  await expect(people.getByRole("row")).toHaveCount(5); // header, umpire, three participants
  await expect(people.getByRole("row", { name: /Erin Lead/ })).toContainText("Umpire");
  await expect(people.getByRole("row", { name: /Dana Deputy/ })).toContainText("ERT lead");

  await page.getByRole("button", { name: "Start drill" }).click();
  await expect(page.getByText("Running", { exact: true })).toBeVisible();
  const clock = page.getByRole("region", { name: "Clock" });
  await expect(clock).toContainText(`Sandbox time (× ${TIME_SCALE})`);
  await expect(page.getByRole("button", { name: "Pause" })).toBeEnabled();
});

test("the team works the sandbox under the drill banner while the umpire runs the drill; production never sees it", async ({
  page,
  browser,
  loginAs,
  openPageAs,
  watchPage,
  saveScreenshot,
  checkA11y,
}) => {
  test.setTimeout(240_000);
  // --- the ERT member joins: the war room of the drill's emergency, in the sandbox -----------
  const memberSession = await loginAs("ERT_MEMBER");
  await joinDrill(page);
  // The player fires the minute-0 inject on its timer; the war room's timeline shows it.
  const warRoomTimeline = page.getByRole("list", { name: "War-room timeline, newest first" });
  await expect(warRoomTimeline).toContainText("Inject: Sasser seen in Boston", { timeout: 20_000 });

  // The console works against the sandbox fleet: its sites are the scenario's simulated ones.
  await navTo(page, "Sites & senders");
  await expect(page.getByRole("button", { name: /^BOS .*, / })).toBeVisible();
  await expect(banner(page)).toBeVisible();

  // Identify → Evaluate: open the bulletin's case in the sandbox and submit the RFC as Emergency.
  await navTo(page, "Triage");
  await expect(page.getByRole("heading", { name: "Triage", level: 1 })).toBeVisible();
  await expect(banner(page)).toBeVisible();
  await page.getByRole("button", { name: "Open case" }).click();
  const open = page.getByRole("form", { name: "Open a case" });
  await choose(page, open, /^Software update/, new RegExp(`^${KB} · ${BULLETIN}`));
  await open.getByRole("button", { name: "Open case" }).click();
  await page.waitForURL(/\/triage\/cases\/[0-9a-f-]{36}$/);
  caseId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${KB} · ${BULLETIN}: `);
  await expect(banner(page)).toBeVisible();

  let form = await openAction(page, "Mark relevant");
  await form.getByRole("textbox", { name: /^Where it applies/ }).fill("Sasser hits every XP and 2000 machine");
  await submitAction(form, "Mark relevant");
  form = await openAction(page, "Record source verification");
  await form.getByRole("textbox", { name: /^Hash of the source files/ }).fill(HASH);
  await form.getByRole("checkbox", { name: /^Genuine/ }).check();
  await form.getByRole("checkbox", { name: /^Virus-free/ }).check();
  await form.getByRole("checkbox", { name: /^Installs cleanly/ }).check();
  await submitAction(form, "Record source verification");
  form = await openAction(page, "Submit RFC");
  await choose(page, form, /^Initial release priority/, "Emergency");
  await choose(page, form, /^RFC category/, "Major");
  await form.getByRole("textbox", { name: /^Why this priority/ }).fill("Sasser is spreading through Boston");
  await submitAction(form, "Submit RFC");
  await expect(page.getByText("Emergency · initial", { exact: true }).first()).toBeVisible();
  await settle(page);
  await saveScreenshot("drill-participant-case");

  // --- the SMS administrator joins through the API; the deputy lead in the console -----------
  const sms = await apiFor(browser, "SMS_ADMIN");
  const deputy = await openPageAsDeputy(browser, watchPage);
  try {
    await sms.api.post(`/api/drills/${drillId}/join`, undefined, 200);
    const lead = deputy.page;
    await joinDrill(lead);
    await lead.goto(`/triage/cases/${caseId}`);
    await expect(banner(lead)).toBeVisible();
    await submitAction(await openAction(lead, "Start evaluation"), "Start evaluation");
    const confirm = await openAction(lead, "Confirm priority");
    await expect(confirm.getByRole("combobox", { name: /^Confirmed release priority/ })).toHaveValue("Emergency");
    await confirm.getByRole("textbox", { name: /^Assets exposed/ }).fill("Every XP and 2000 workstation");
    await confirm.getByRole("textbox", { name: /^Mitigations/ }).fill("none");
    await confirm.getByRole("textbox", { name: /^Scope/ }).fill("Every workstation in the sandbox");
    await confirm.getByRole("radio", { name: "Yes" }).check();
    await submitAction(confirm, "Confirm priority");
    await expect(lead.getByText("Emergency · confirmed", { exact: true }).first()).toBeVisible();

    // Plan, build, test and release through the API, each step as the participant who owns it
    // (the console screens of these steps are covered by process/emergency-release.spec.ts).
    const fleet = `/api/fleets/${(await sms.api.get<DrillDetail>(`/api/drills/${drillId}`)).sandboxFleetId}`;
    await sms.api.post(`${fleet}/packages`, {
      packageId: PACKAGE_ID,
      name: `${KB} Sasser drill release`,
      sourceVersion: 1,
      sizeKB: 5120,
      sendingPriority: "HIGH",
      preferredSender: "NO_PREFERENCE",
      ignoreAddressSchedule: true,
      kind: "DEPLOY",
      updateIds: [KB],
    });
    await sms.api.post(`${fleet}/packages/${PACKAGE_ID}/programs`, {
      packageId: PACKAGE_ID,
      programName: PROGRAM,
      commandLine: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
      programFlags: DEFAULT_PROGRAM_FLAGS,
      maxRunMinutes: 30,
      kind: "INSTALL",
      checksUpdatePresent: false,
    });
    const member = caseApiAs(page.context().request, memberSession);
    const leadCases = caseApiAs(deputy.context.request, deputy.session);
    let c = await member.act(await member.get(caseId), { type: "plan" });
    c = await sms.cases.act(c, { type: "build", packageId: PACKAGE_ID });
    c = await member.addTest(caseId, { name: "Logon and file shares work", scope: "CORE" });
    c = await sms.cases.act(c, { type: "startTesting", packageId: PACKAGE_ID });
    c = await member.recordTest(c, c.tests.find((t) => t.scope === "CORE")!.id, "PASSED");
    c = await leadCases.act(c, { type: "acceptReducedTesting", rationale: "Sasser is spreading; logon verified" });
    c = await member.act(c, { type: "acceptRelease" });
    // Mandatory, also over slow links (ONSLOWNET): what an Emergency's deployment needs.
    const now = new Date().toISOString();
    await sms.api.post(`${fleet}/advertisements`, {
      advertisementId: ADVERTISEMENT_ID,
      advertisementName: `${KB} to all workstations (drill)`,
      packageId: PACKAGE_ID,
      programName: PROGRAM,
      collectionId: ALL_WORKSTATIONS,
      includeSubCollection: true,
      presentTime: now,
      expirationTime: null,
      assignedSchedule: [{ startTime: now }],
      assignedScheduleEnabled: true,
      advertFlags: AdvertFlags.fromNames(["ONSLOWNET"]),
      remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
      priority: 1,
    });
    c = await sms.cases.act(c, { type: "startDeployment", advertisementId: ADVERTISEMENT_ID });
    expect(c.status).toBe("DEPLOYING");
  } finally {
    await deputy.context.close();
    await sms.close();
  }

  // The member watches the sandbox rollout, played by the drill player, on the deployment monitor.
  await navTo(page, "Deployments");
  await expect(banner(page)).toBeVisible();
  await page
    .getByRole("table", { name: "Advertisements" })
    .getByRole("row")
    .filter({ hasText: ADVERTISEMENT_ID })
    .getByRole("link", { name: `${KB} to all workstations (drill)` })
    .click();
  await page.waitForURL(new RegExp(`/deployments/${ADVERTISEMENT_ID}$`));
  const figures = page.getByRole("region", { name: "Headline figures" });
  // The sandbox's own collection. How fast installs come in depends on the simulated hour and
  // weekday (machines are off at night and at weekends): nothing here waits for a figure.
  await expect(figures).toContainText(/Targeted\s*[1-9][\d,]*/);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await expect(banner(page)).toBeVisible();
  await settle(page);
  await saveScreenshot("drill-participant-banner");

  // --- the umpire: injects, pause and resume, then the end ------------------------------------
  const { page: umpire, session: umpireSession } = await openPageAs("ERT_LEAD");
  await umpire.goto(`/drills/${drillId}`);
  await expect(umpire.getByRole("heading", { level: 1 })).toHaveText(arranged.drillTitle);
  const people = umpire.getByRole("table", { name: "Participants" });
  await expect(people.getByRole("row", { name: /Evan Member/ })).not.toContainText("Not yet");
  await expect(people.getByRole("row", { name: /Dana Deputy/ })).not.toContainText("Not yet");
  await expect(people.getByRole("row", { name: /Sam Sms-Admin/ })).not.toContainText("Not yet");
  const injects = umpire.getByRole("table", { name: "Injects" });
  const inject = (title: string) => injects.getByRole("row").filter({ hasText: title });
  await expect(inject("Sasser seen in Boston")).toContainText("Fired");
  await expect(inject("Sasser seen in Boston")).not.toContainText("(early)");

  await inject("Sasser reaches Miami and Paris")
    .getByRole("button", { name: /^Fire now/ })
    .click();
  await expect(inject("Sasser reaches Miami and Paris")).toContainText("(early)");
  await expect(inject("Sasser reaches Miami and Paris").getByRole("button")).toHaveCount(0);

  const clock = umpire.getByRole("region", { name: "Clock" });
  await umpire.getByRole("textbox", { name: "Reason (for pause, end or cancel)" }).fill("Fire alarm test");
  await umpire.getByRole("button", { name: "Pause" }).click();
  await expect(umpire.getByText("Paused", { exact: true })).toBeVisible();
  await expect(clock).toContainText("— paused");
  await umpire.getByRole("button", { name: "Resume" }).click();
  await expect(umpire.getByText("Running", { exact: true })).toBeVisible();
  await expect(clock).not.toContainText("— paused");
  // The player keeps the sandbox going (× 240): the release's coverage is sampled as it changes.
  // A few samples make a curve for the report, whatever the simulated hour.
  await expect(clock).toContainText(/Sandbox coverage\s*\d+\.\d %/, { timeout: 30_000 });
  const umpireApi = apiAs(umpire.context().request, umpireSession);
  await expect
    .poll(
      async () => (await umpireApi.get<DrillReportView>(`/api/drills/${drillId}/report`)).report.coverageCurve.length,
      { message: "coverage samples of the sandbox rollout", timeout: 90_000 },
    )
    .toBeGreaterThanOrEqual(3);
  await umpire.getByRole("textbox", { name: "Reason (for pause, end or cancel)" }).fill("");
  await settle(umpire);
  await saveScreenshot("drill-umpire-running", { page: umpire });
  await checkA11y({ page: umpire });

  await umpire.getByRole("textbox", { name: "Reason (for pause, end or cancel)" }).fill("Exercise objectives met");
  await umpire.getByRole("button", { name: "End drill" }).click();
  await expect(umpire.getByText("Ended (debrief)", { exact: true })).toBeVisible();
  await expect(umpire.getByRole("button", { name: "Join drill" })).toHaveCount(0);

  // --- the member is still in the sandbox: the banner is there; leaving goes back to production
  await navTo(page, "Triage");
  await expect(banner(page)).toBeVisible();
  await expect(page.locator(`a[href="/triage/cases/${caseId}"]`)).toBeVisible();
  await banner(page).getByRole("button", { name: "Leave drill" }).click();
  await page.waitForURL(new RegExp(`/drills/${drillId}$`));
  await expect(banner(page)).toHaveCount(0);
  await navTo(page, "Triage");
  await expect(page.getByRole("heading", { name: "Triage", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Loading the cases")).toHaveCount(0);
  // (Production may have a case of its own for KB835732: the sandbox's is the one not shown.)
  await expect(page.locator(`a[href="/triage/cases/${caseId}"]`)).toHaveCount(0);

  // Production's lists, read as the API serves them: no drill case, no drill emergency.
  const member = apiAs(page.context().request, memberSession);
  const drill = await member.get<DrillDetail>(`/api/drills/${drillId}`);
  const cases = await member.get<{ items: { id: string }[] }>("/api/cases?open=false");
  expect(cases.items.map((c) => c.id)).not.toContain(caseId);
  const emergencies = await member.get<{ items: { id: string }[] }>("/api/emergencies");
  expect(emergencies.items.map((e) => e.id)).not.toContain(drill.emergencyId);
  const sandboxCases = await member.get<{ items: { id: string }[] }>(`/api/cases?fleet=${drill.sandboxFleetId}`);
  expect(sandboxCases.items.map((c) => c.id)).toEqual([caseId]);
});

test("a manager reads the report, signs it off and prints it", async ({ page, loginAs, saveScreenshot, checkA11y }) => {
  test.slow();
  await loginAs("MANAGER");
  await page.goto("/drills");
  const row = page.getByRole("row").filter({ hasText: arranged.drillTitle });
  await expect(row).toContainText("Ended (debrief)");
  await row.getByRole("link", { name: `Report of ${arranged.drillTitle}` }).click();
  await page.waitForURL(new RegExp(`/drills/${drillId}/report$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Drill report: ${arranged.drillTitle}`);
  await expect(page.getByText("Not signed off", { exact: true })).toBeVisible();

  const verdict = page.getByRole("region", { name: "Verdict" });
  // The release went out before anyone applied the emergency checklist: a major deviation.
  await expect(verdict.getByText("Fail", { exact: true })).toBeVisible();
  await expect(verdict).toContainText(
    "1 major process deviation (deployed before the emergency checklist was applied)",
  );
  await expect(verdict).toContainText(/Drill time (\d+ s|\d+ min) \(pauses excluded; paused /);
  await expect(verdict).toContainText(
    `Time scale: × ${TIME_SCALE}: each real hour of the drill was ${TIME_SCALE} simulated hours`,
  );
  await expect(page.getByRole("region", { name: "Deviations from the process" })).toContainText(
    "Major: Deployed before the emergency checklist was applied.",
  );

  const metrics = page.getByRole("table", { name: "Metrics against targets" });
  const metric = (label: string) =>
    metrics.getByRole("row").filter({ has: page.getByRole("rowheader", { name: label }) });
  const value = (label: string) => metric(label).getByRole("cell").first();
  // What the team did has a value; what it never reached says so — never 0.
  for (const reached of [
    "Time to initial priority",
    "Time to source verified",
    "Time to confirmed priority",
    "Time to package built",
    "Time to core tests passed",
    "Time to advertised",
  ]) {
    await expect(value(reached)).toHaveText(/^(under a second|\d+ s|\d+ min)$/);
    await expect(metric(reached)).toContainText("Met");
  }
  // Nobody played Security: the quorum never assembled. 95 % takes longer than the drill lasted.
  for (const notReached of ["Time to assemble the ERT", "Time to 95 % coverage"]) {
    await expect(value(notReached)).toHaveText("Not reached");
  }
  // Every row: a metric not reached says so in its value, and no value is a 0 standing in for one.
  const rows = await metrics.locator("tbody tr").evaluateAll((trs) =>
    trs
      .map((tr) => (tr as unknown as { cells: { textContent: string }[] }).cells)
      .map((c) => ({
        metric: c[0]!.textContent,
        value: c[1]!.textContent,
        result: c[3]!.textContent,
      })),
  );
  expect(rows.length).toBeGreaterThan(5);
  for (const row of rows) {
    if (row.result === "Not reached") expect(row, "a metric not reached").toMatchObject({ value: "Not reached" });
    expect(row.value, `${row.metric}`).not.toMatch(/^0( |$)/);
  }
  await expect(value("Process deviations")).toHaveText("1");
  await expect(metric("Process deviations")).toContainText("Not met");

  const injects = page.getByRole("table", { name: "Injects" });
  await expect(injects.getByRole("row").filter({ hasText: "Sasser reaches Miami and Paris" })).toContainText(
    "(early, by the umpire)",
  );
  await expect(injects.getByRole("row").filter({ hasText: "The press office asks for a statement" })).toContainText(
    "Not fired",
  );
  // The coverage curve of the sandbox rollout, on the simulated clock.
  await expect(page.getByRole("figure", { name: /^Coverage by simulated hour/ })).toBeVisible();
  const timeline = page.getByRole("table", { name: "Timeline" });
  await expect(timeline).toContainText("Inject (fired early): Sasser reaches Miami and Paris");
  await expect(timeline).toContainText("Dana Deputy");
  await settle(page);
  await checkA11y();

  // Sign-off: the comment is recorded with the name and the time, and the report is frozen.
  const signOff = page.getByRole("form", { name: "Sign off the report" });
  await signOff
    .getByRole("textbox", { name: /^Sign-off comment/ })
    .fill("Priority was set fast; rehearse the security call-out before the next drill.");
  await signOff.getByRole("button", { name: "Sign off report" }).click();
  const frozen = page.getByRole("alert").filter({ hasText: "Signed off — this report is frozen" });
  await expect(frozen).toContainText("Signed off by Morgan Manager");
  await expect(frozen).toContainText("rehearse the security call-out");
  await expect(page.getByRole("form", { name: "Sign off the report" })).toHaveCount(0);
  await settle(page);
  await saveScreenshot("drill-report");
  await checkA11y();

  // Print / Export PDF is the browser's print with the print stylesheet: the report only, no
  // navigation, header, buttons or forms. First as a manager prints it from a desktop window…
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Print / Export PDF" })).toBeHidden();
  await expect(frozen).toBeVisible();
  await expect(metrics).toBeVisible();
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pdf.length).toBeGreaterThan(20_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, "drill-report.pdf"), pdf);
  // …then as wide as the sheet (A4: 794 CSS px), for the picture: no table wider than the paper.
  await page.setViewportSize({ width: 794, height: 1123 });
  const overflow = await page.evaluate(
    "[...document.querySelectorAll('.drill-report table, .drill-report svg')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth).length",
  );
  expect(overflow, "tables or charts wider than the sheet").toBe(0);
  await saveScreenshot("drill-report-print");
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 1280, height: 720 });

  // The list says the drill is closed.
  await page.goto("/drills");
  await expect(page.getByRole("row").filter({ hasText: arranged.drillTitle })).toContainText("Signed off (closed)");
  await settle(page);
  await saveScreenshot("drills-list");
  await checkA11y();
});
