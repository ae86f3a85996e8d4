// An emergency release, end to end (issue: "a patch team member triages a new Critical update,
// raises an RFC with initial priority Emergency, the ERT lead confirms it, declares the emergency,
// applies the checklist, and watches coverage rise while the simulator plays the rollout").
//
// The server starts with the demo accounts only, so beforeAll builds a small fleet through the API
// as sms-admin, every id made for this run: the central site CEN and a branch primary site of its
// own behind a restricted CEN → branch sender address (business hours, pulse mode), a DP per site,
// LAN workstations in fast boundaries, one dial-up laptop and one patch-infrastructure server in
// the target collection; a package, its program and a mandatory advertisement as SMS creates it
// (the slow-link box checked); an ingest token for both sites. The package is a large one (a CD
// image of every language version): the 48 kbit/s dial-up laptop cannot download it before the
// Emergency's 24-hour SLA target, so the checklist plans a slow-link task for it.
//
// The journey, in order (serial: each step starts where the previous one left the case):
// 1. ert-member records MS04-011 in the console, opens its case, marks it relevant, verifies the
//    source, submits the RFC as Emergency and sees the board card with its SLA clock;
// 2. ert-lead starts the evaluation and confirms Emergency (exploited in the wild);
// 3. the release is planned and built (API), the lead declares a worm outbreak for the case,
//    previews the checklist in the war room and applies it;
// 4. testing, reduced-testing acceptance, release and deployment (API); the lead watches the
//    deployment monitor while status batches arrive through the ingest endpoint, as a forwarder
//    sends them, and the compliance figure rises live.
import { randomBytes } from "node:crypto";
import {
  AdvertFlags,
  DEFAULT_PROGRAM_FLAGS,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  type AdvertisementRecord,
  type CaseDetail,
  type ClientStatusMessage,
  type FleetImport,
  type Role,
} from "@firebreak/domain";
import type { Browser, BrowserContext, Locator, Page } from "@playwright/test";
import { apiAs, signIn } from "../../fixtures/api.js";
import { expect, test } from "../../fixtures/pages.js";
import { caseApiAs, postStatusBatch, type CaseApi } from "../../fixtures/process.js";

test.describe.configure({ mode: "serial" });

const FLEET_API = "/api/fleets/production";
const KB = "KB835732";
const BULLETIN = "MS04-011";
const UPDATE_TITLE = "Security Update for Microsoft Windows (LSASS and others)";
const HASH = "3f".repeat(32);
const PRIORITY_RATIONALE = "Sasser exploits LSASS on every XP and 2000 machine";

interface Computer {
  resourceId: number;
  name: string;
  siteCode: string;
}

interface Arranged {
  run: string;
  branch: string;
  packageId: string;
  programName: string;
  advertisementId: string;
  collectionId: string;
  addressId: string;
  /** LAN workstations (two at CEN, one at the branch) and the dial-up laptop: the advertised computers. */
  advertised: Computer[];
  laptop: Computer;
  infraServer: Computer;
  ingestToken: string;
  emergencyTitle: string;
}

let arranged: Arranged;
/** Set by the first step: the case every later step works on. */
let caseId: string;

test.beforeAll(async ({ browser }) => {
  // Four hex digits per run: package, advertisement and collection IDs are site code + 5 hex digits.
  const run = randomBytes(2).toString("hex").toUpperCase();
  const branch = `Q${run.slice(0, 2)}`;
  const octet = parseInt(run.slice(2), 16);
  const base = 0x7c000000 + parseInt(run, 16) * 16;
  const computer = (i: number, name: string, siteCode: string): Computer => ({
    resourceId: base + i,
    name,
    siteCode,
  });
  const cenWs1 = computer(1, `CEN-WS${run}1`, "CEN");
  const cenWs2 = computer(2, `CEN-WS${run}2`, "CEN");
  const branchWs = computer(3, `${branch}-WS${run}`, branch);
  const laptop = computer(4, `${branch}-LT${run}`, branch);
  const infraServer = computer(5, `CEN-SUS${run}`, "CEN");
  const ids = {
    packageId: `CEND${run}`,
    programName: "Install KB835732",
    advertisementId: `CENB${run}`,
    collectionId: `CEN9${run}`,
    addressId: `CEN-${branch}-E2E-${run}`,
  };
  const cenBoundary = `B-CEN-E2E-${run}`;
  const branchBoundary = `B-${branch}-E2E-${run}`;
  // Business hours for high priority only, pulse mode: what the checklist lifts.
  const businessHours = () =>
    Array.from({ length: 7 }, () => Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 2 : 1) as 1 | 2));
  const lan = (c: Computer, boundaryId: string) => ({
    resourceId: c.resourceId,
    name: c.name,
    siteCode: c.siteCode,
    os: "Windows XP",
    clientType: "ADVANCED" as const,
    isLaptop: false,
    connectionProfile: "LAN" as const,
    boundaryId,
    isPatchInfrastructure: false,
    lastSeenAt: null,
  });
  const members = [cenWs1, cenWs2, branchWs, laptop, infraServer].map((c) => c.resourceId);
  const fleet: FleetImport = {
    sites: [
      { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null },
      { siteCode: branch, name: `Branch ${run}`, type: "PRIMARY", parentSiteCode: "CEN" },
    ],
    siteSystems: [
      { serverName: "CEN-SMS01", siteCode: "CEN", roles: ["SITE_SERVER", "DP", "MP"] },
      { serverName: `${branch}-DP01`, siteCode: branch, roles: ["DP"] },
    ],
    boundaries: [
      {
        boundaryId: cenBoundary,
        siteCode: "CEN",
        kind: "IP_SUBNET",
        value: `10.${octet}.0.0/17`,
        connection: "LOCAL_FAST",
      },
      {
        boundaryId: branchBoundary,
        siteCode: branch,
        kind: "IP_SUBNET",
        value: `10.${octet}.128.0/17`,
        connection: "LOCAL_FAST",
      },
    ],
    senderAddresses: [
      {
        addressId: ids.addressId,
        siteCode: "CEN",
        destSiteCode: branch,
        addressType: "MS_LAN",
        priorityOrder: 1,
        usageSchedule: businessHours(),
        unavailableAsSubstitute: false,
        rateLimit: { mode: "PULSE", blockSizeKB: 8, delaySeconds: 5 },
        bandwidthKbps: 512,
      },
    ],
    computers: [
      lan(cenWs1, cenBoundary),
      lan(cenWs2, cenBoundary),
      lan(branchWs, branchBoundary),
      {
        ...lan(laptop, branchBoundary),
        os: "Windows 2000",
        isLaptop: true,
        connectionProfile: "DIALUP",
        boundaryId: null,
      },
      { ...lan(infraServer, cenBoundary), os: "Windows Server 2003", isPatchInfrastructure: true },
    ],
    collections: [
      {
        collectionId: ids.collectionId,
        name: `All workstations ${run}`,
        parentCollectionId: null,
        rules: members.map((resourceId) => ({ type: "DIRECT" as const, resourceId })),
        purpose: "TARGET",
        memberResourceIds: members,
      },
    ],
  };

  const context = await browser.newContext();
  try {
    const api = apiAs(context.request, await signIn(context.request, "SMS_ADMIN"));
    await api.post(`${FLEET_API}/import`, fleet, 200);
    await api.post(`${FLEET_API}/packages`, {
      packageId: ids.packageId,
      name: `MS04-011 LSASS, all languages ${run}`,
      sourceVersion: 1,
      sizeKB: 650 * 1024,
      sendingPriority: "HIGH",
      preferredSender: "NO_PREFERENCE",
      ignoreAddressSchedule: false,
      kind: "DEPLOY",
      updateIds: [KB],
    });
    await api.post(`${FLEET_API}/packages/${ids.packageId}/programs`, {
      packageId: ids.packageId,
      programName: ids.programName,
      commandLine: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
      programFlags: DEFAULT_PROGRAM_FLAGS,
      maxRunMinutes: 30,
      kind: "INSTALL",
      checksUpdatePresent: false,
    });
    const presentTime = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const advert = await api.post<AdvertisementRecord>(`${FLEET_API}/advertisements`, {
      advertisementId: ids.advertisementId,
      advertisementName: `KB835732 to all workstations ${run}`,
      packageId: ids.packageId,
      programName: ids.programName,
      collectionId: ids.collectionId,
      includeSubCollection: true,
      presentTime,
      expirationTime: null,
      assignedSchedule: [{ startTime: presentTime }],
      assignedScheduleEnabled: true,
      advertFlags: AdvertFlags.fromNames(["IMMEDIATE"]),
      remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
      priority: 2,
    });
    expect(advert).toMatchObject({ mandatory: true, mandatoryOverSlowLinks: false, noLocalDpMode: "DONT_RUN" });
    const token = await api.post<{ token: string }>(`${FLEET_API}/ingest-tokens`, {
      name: `Forwarder ${run}`,
      siteCodes: ["CEN", branch],
    });
    arranged = {
      run,
      branch,
      ...ids,
      advertised: [cenWs1, cenWs2, branchWs, laptop],
      laptop,
      infraServer,
      ingestToken: token.token,
      emergencyTitle: `Sasser worm outbreak ${run}`,
    };
  } finally {
    await context.close();
  }
});

/** Picks `option` in the Mantine Select (or MultiSelect) labelled `label` inside `scope`. */
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

/**
 * Case calls as several people at once: one browser context (cookie jar) per role, since each
 * sign-in replaces the session cookie of its context. Closed by the returned `close`.
 */
async function caseApisFor(browser: Browser, roles: readonly Role[]) {
  const contexts: BrowserContext[] = [];
  const apis = {} as Record<Role, CaseApi>;
  for (const role of roles) {
    const context = await browser.newContext();
    contexts.push(context);
    apis[role] = caseApiAs(context.request, await signIn(context.request, role));
  }
  return { apis, close: () => Promise.all(contexts.map((context) => context.close())) };
}

/**
 * Before a screenshot or an axe scan: the toasts of the last actions have closed (they close by
 * themselves after a few seconds), the page is scrolled to the top and no finite transition is running (spinners turn for ever). axe measures the colours of a
 * toast that is fading in or out as they are at that instant and reports a false contrast failure.
 */
async function settle(page: Page) {
  await expect(page.locator(".mantine-Notification-root")).toHaveCount(0);
  // Strings: the e2e project is compiled without the DOM library. From the top, or a full-page
  // picture shows the fixed header halfway down.
  await page.evaluate("window.scrollTo(0, 0)");
  await page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)",
  );
}

const priorityBadge = (scope: Page | Locator, text: string) => scope.getByText(text, { exact: true }).first();

test("an ERT member records MS04-011, triages it and raises an RFC with initial priority Emergency", async ({
  page,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  await loginAs("ERT_MEMBER");
  await page.goto("/triage");
  await expect(page.getByRole("heading", { name: "Triage", level: 1 })).toBeVisible();

  // Record the bulletin; "Open a case for it now" is checked, so the case opens in Identify.
  await page.getByRole("button", { name: "Record an update" }).click();
  const record = page.getByRole("form", { name: "Record a software update" });
  await record.getByRole("textbox", { name: /^KB number/ }).fill(KB);
  await record.getByRole("textbox", { name: /^Bulletin ID/ }).fill(BULLETIN);
  await record.getByRole("textbox", { name: /^Title/ }).fill(UPDATE_TITLE);
  await choose(page, record, /^Classification/, "Security Update");
  await choose(page, record, /^Vendor severity/, "Critical (vendor severity)");
  await record.getByLabel(/^Released on/).fill("2004-04-13");
  await record.getByRole("textbox", { name: /^Size \(KB\)/ }).fill("5120");
  await record
    .getByRole("textbox", { name: /^Affected products/ })
    .fill("Windows XP\nWindows 2000\nWindows Server 2003");
  await choose(page, record, /^Installer engine/, /^Update\.exe/);
  await choose(page, record, /^Restart/, "Restart required");
  await record
    .getByRole("textbox", { name: /^Install command/ })
    .fill("WindowsXP-KB835732-x86-ENU.exe /quiet /norestart");
  await record
    .getByRole("textbox", { name: /^Detection: registry key/ })
    .fill("HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732");
  await choose(page, record, /^Can it be removed\?/, "Can be removed");
  await record
    .getByRole("textbox", { name: /^Uninstall command/ })
    .fill("%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart");
  await expect(record.getByRole("checkbox", { name: /^Open a case for it now/ })).toBeChecked();
  await record.getByRole("button", { name: "Record update" }).click();

  await page.waitForURL(/\/triage\/cases\/[0-9a-f-]{36}$/);
  caseId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${KB} · ${BULLETIN}: ${UPDATE_TITLE}`);
  await expect(priorityBadge(page, "Vendor: Critical")).toBeVisible();
  await expect(priorityBadge(page, "No priority yet")).toBeVisible();

  // G1: relevant to the estate.
  let form = await openAction(page, "Mark relevant");
  await form.getByRole("textbox", { name: /^Where it applies/ }).fill("Every XP and 2000 workstation runs LSASS");
  await submitAction(form, "Mark relevant");

  // G2: the source files obtained and checked.
  form = await openAction(page, "Record source verification");
  await expect(form.getByRole("combobox", { name: /^Hash algorithm/ })).toHaveValue("SHA-256");
  await form.getByRole("textbox", { name: /^Hash of the source files/ }).fill(HASH);
  await form.getByRole("checkbox", { name: /^Genuine/ }).check();
  await form.getByRole("checkbox", { name: /^Virus-free/ }).check();
  await form.getByRole("checkbox", { name: /^Installs cleanly/ }).check();
  await submitAction(form, "Record source verification");

  // G3: the RFC, with the team's initial priority (the vendor's Critical is only an input).
  form = await openAction(page, "Submit RFC");
  await choose(page, form, /^Initial release priority/, "Emergency");
  await choose(page, form, /^RFC category/, "Major");
  await form.getByRole("textbox", { name: /^Why this priority/ }).fill(PRIORITY_RATIONALE);
  await submitAction(form, "Submit RFC");
  await expect(priorityBadge(page, "Emergency · initial")).toBeVisible();
  const sla = page.getByRole("region", { name: "SLA clock" });
  await expect(sla).toContainText("SLA: On track");
  await expect(sla).toContainText("Clock started");
  await expect(sla).toContainText("for emergency priority.");

  // The board: the card in Evaluate & Plan shows the initial Emergency and its SLA clock.
  await page.getByRole("link", { name: "Triage board" }).click();
  const card = page.getByRole("article", { name: UPDATE_TITLE });
  await expect(card).toBeVisible();
  await expect(card).toContainText(`${KB} · ${BULLETIN}`);
  await expect(card).toContainText("RFC submitted");
  await expect(card.getByText("Vendor: Critical", { exact: true })).toBeVisible();
  await expect(card.getByText("Emergency · initial", { exact: true })).toBeVisible();
  await expect(card.getByText("SLA: On track", { exact: true })).toBeVisible();
  await expect(card).toContainText(/target/i);
  await settle(page);
  await saveScreenshot("process-triage-board");
  await checkA11y();
});

test("the ERT lead confirms Emergency: exploited in the wild", async ({ page, loginAs, saveScreenshot, checkA11y }) => {
  test.slow();
  await loginAs("ERT_LEAD");
  await page.goto(`/triage/cases/${caseId}`);
  await expect(priorityBadge(page, "Emergency · initial")).toBeVisible();

  await submitAction(await openAction(page, "Start evaluation"), "Start evaluation");
  const form = await openAction(page, "Confirm priority");
  await expect(form.getByRole("combobox", { name: /^Confirmed release priority/ })).toHaveValue("Emergency");
  await form.getByRole("textbox", { name: /^Assets exposed/ }).fill("All XP and 2000 workstations, file servers");
  // As the field's description says: 'Which mitigations exist or can be added (or "none")'.
  await form.getByRole("textbox", { name: /^Mitigations/ }).fill("none");
  await form.getByRole("textbox", { name: /^Scope/ }).fill("Every workstation in the collection");
  await form.getByRole("radio", { name: "Yes" }).check();
  await submitAction(form, "Confirm priority");

  await expect(priorityBadge(page, "Emergency · confirmed")).toBeVisible();
  const timeline = page.getByRole("list", { name: "Case timeline, newest first" });
  await expect(timeline).toContainText(/confirmed/i);
  await expect(timeline).toContainText("ert-lead");
  await settle(page);
  await saveScreenshot("process-case");
  await checkA11y();
});

test("the ERT lead declares a worm outbreak and applies the emergency checklist in the war room", async ({
  page,
  browser,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  // Evaluate & Plan goes on through the API: planned, and built with the package.
  const { apis, close } = await caseApisFor(browser, ["ERT_MEMBER", "SMS_ADMIN"]);
  try {
    let c: CaseDetail = await apis.ERT_MEMBER.get(caseId);
    c = await apis.ERT_MEMBER.act(c, { type: "plan" });
    c = await apis.SMS_ADMIN.act(c, { type: "build", packageId: arranged.packageId });
    expect(c.status).toBe("BUILDING");
  } finally {
    await close();
  }

  await loginAs("ERT_LEAD");
  await page.goto("/emergencies");
  await page.getByRole("button", { name: "Declare emergency" }).click();
  const declare = page.getByRole("form", { name: "Declare an emergency" });
  await declare.getByRole("radio", { name: "Worm outbreak" }).check();
  await declare.getByRole("textbox", { name: /^Title/ }).fill(arranged.emergencyTitle);
  await choose(page, declare, /^Cases/, new RegExp(`^${KB} · ${BULLETIN}`));
  await page.keyboard.press("Escape"); // close the MultiSelect's list; the modal stays
  await expect(declare).toBeVisible();
  await declare.getByRole("button", { name: "Declare emergency" }).click();

  await page.waitForURL(/\/emergencies\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(arranged.emergencyTitle);
  const cases = page.getByRole("region", { name: "Cases and SLA clocks" });
  await expect(cases.getByRole("link", { name: `${KB} · ${BULLETIN}` })).toBeVisible();
  await expect(cases.getByText("Emergency · confirmed", { exact: true })).toBeVisible();

  // Preview: every item on the case's real data.
  const checklist = page.getByRole("region", { name: "Emergency checklist" });
  await checklist.getByRole("button", { name: "Preview checklist" }).click();
  const items = checklist.getByRole("table", { name: "Checklist items to review" });
  const row = (title: string) => items.getByRole("row").filter({ has: page.getByRole("rowheader", { name: title }) });
  await expect(checklist).toContainText(`${arranged.advertisementId} · ${arranged.packageId}`);
  await expect(checklist).toContainText("Deadline (the SLA target)");

  const mandatory = row("Make the advertisement mandatory, also over slow links");
  await expect(mandatory).toContainText("1 change");
  await expect(mandatory).toContainText("Will be applied");
  await mandatory.getByRole("button", { name: "Show the changes (before → after)" }).click();
  await expect(mandatory).toContainText(arranged.advertisementId);

  const infra = row("Leave patch-infrastructure servers out and patch them by hand");
  await expect(infra).toContainText("1 × Patch infrastructure server by hand");
  await infra.getByRole("button", { name: "Show the tasks" }).click();
  await expect(infra).toContainText(arranged.infraServer.name);

  const relax = row("Lift the restrictions on the sender addresses to the target sites");
  await expect(relax).toContainText("1 × Restore sender address settings");
  await expect(relax).toContainText("Will be applied");

  await expect(row("Send the package by courier to sites whose link is too slow")).toContainText("Nothing to do");

  const slow = row("Handle slow-link computers that cannot download in time out of band");
  await expect(slow).toContainText("1 × Patch slow-link computer out of band");
  await slow.getByRole("button", { name: "Show the tasks" }).click();
  await expect(slow).toContainText(arranged.laptop.name);
  await expect(slow).toContainText("dial-up");
  await expect(checklist).toContainText("4 items to apply, 0 declined");
  await settle(page);
  await saveScreenshot("process-war-room-checklist-preview");
  await checkA11y();

  // Apply everything in one reviewed step.
  await checklist.getByRole("button", { name: "Apply checklist…" }).click();
  const confirm = page.getByRole("dialog", { name: "Apply the emergency checklist" });
  await expect(confirm).toContainText("Make the advertisement mandatory, also over slow links: 1 change, 0 tasks");
  await confirm.getByRole("button", { name: "Apply now" }).click();
  await expect(confirm).toHaveCount(0);
  const applied = checklist.getByRole("status").filter({ hasText: "Checklist applied" });
  await expect(applied).toBeVisible();
  await expect(checklist.getByText(/Applied by ert-lead on .*; nothing declined/)).toBeVisible();

  // The preview is planned again from the changed settings: the advertisement and the address are done.
  await expect(mandatory).toContainText("Nothing to do");
  await expect(mandatory).toContainText("The advertisement is already mandatory, also over slow links.");
  await expect(relax).toContainText("Nothing to do");

  const timeline = page.getByRole("list", { name: "War-room timeline, newest first" });
  await expect(timeline.getByText("Emergency checklist applied", { exact: true })).toBeVisible();
  await expect(timeline).toContainText("Emergency checklist applied: 4 items, 0 declined");
  await expect(timeline).toContainText(`Advertisement ${arranged.advertisementId}`);
  await expect(timeline).toContainText(
    `Out-of-band task: Patch slow-link computer out of band — ${arranged.laptop.name}`,
  );
  await expect(timeline).toContainText(
    `Out-of-band task: Patch infrastructure server by hand — ${arranged.infraServer.name}`,
  );
  // Infrastructure server, slow-link laptop, sender restore: three open tasks.
  await expect(page.getByRole("region", { name: "Out-of-band tasks" })).toContainText(/3\s*Open/);
  await settle(page);
  await saveScreenshot("process-war-room");
  await checkA11y();
});

test("the ERT lead watches coverage rise on the deployment monitor while status batches arrive", async ({
  page,
  browser,
  request,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  // Test and release (API): a core test passes, the lead accepts reduced testing, the release is
  // accepted and deployed with the advertisement the checklist made mandatory over slow links.
  const { apis, close } = await caseApisFor(browser, ["ERT_MEMBER", "SMS_ADMIN", "ERT_LEAD"]);
  try {
    const { ERT_MEMBER: member, SMS_ADMIN: smsAdmin, ERT_LEAD: lead } = apis;
    let c = await member.addTest(caseId, { name: "Logon and file shares work", scope: "CORE" });
    c = await smsAdmin.act(c, { type: "startTesting", packageId: arranged.packageId });
    c = await member.recordTest(c, c.tests.find((t) => t.scope === "CORE")!.id, "PASSED");
    c = await lead.act(c, {
      type: "acceptReducedTesting",
      rationale: "Sasser infections are rising; core functions verified",
    });
    c = await member.act(c, { type: "acceptRelease" });
    expect(c.status).toBe("READY");
    // The checklist set ONSLOWNET on the advertisement: the Emergency's advertisement gate passes.
    c = await smsAdmin.act(c, { type: "startDeployment", advertisementId: arranged.advertisementId });
    expect(c.status).toBe("DEPLOYING");
  } finally {
    await close();
  }

  await loginAs("ERT_LEAD");
  await page.goto(`/deployments/${arranged.advertisementId}`);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const figures = page.getByRole("region", { name: "Headline figures" });
  // The infrastructure server left the collection: four computers are targeted.
  await expect(figures).toContainText(/Targeted\s*4/);
  await expect(figures).toContainText(/Compliance\s*0\.0 %/);
  await expect(figures).toContainText(/Succeeded\s*0/);

  // Status messages as a forwarder sends them: accepted (10002), running (10005), succeeded (10008).
  const { advertisementId } = arranged;
  const start = Date.now() - 10 * 60_000;
  const msg = (computer: Computer, messageId: number, minute: number): ClientStatusMessage => ({
    messageId,
    machineName: computer.name,
    resourceId: computer.resourceId,
    siteCode: computer.siteCode,
    advertisementId,
    time: new Date(start + minute * 60_000).toISOString(),
    ...(messageId === 10008 ? { exitCode: 0 } : {}),
  });
  const [ws1, ws2, branchWs, laptop] = arranged.advertised as [Computer, Computer, Computer, Computer];
  const batch = (n: number, messages: ClientStatusMessage[]) =>
    postStatusBatch(request, arranged.ingestToken, { batchId: `e2e-${arranged.run}-${n}`, messages });

  await batch(1, [msg(ws1, 10002, 0), msg(ws2, 10002, 0), msg(branchWs, 10002, 1), msg(ws1, 10005, 1)]);
  await batch(2, [msg(ws1, 10008, 2), msg(ws2, 10005, 2), msg(ws2, 10008, 3)]);
  // Live over the stream: the page is not reloaded.
  await expect(figures).toContainText(/Compliance\s*50\.0 %/);
  await expect(figures).toContainText(/Succeeded\s*2/);

  await batch(3, [msg(branchWs, 10005, 3), msg(branchWs, 10008, 4), msg(laptop, 10002, 4)]);
  await expect(figures).toContainText(/Compliance\s*75\.0 %/);
  await expect(figures).toContainText(/Succeeded\s*3/);
  await settle(page);
  await saveScreenshot("process-deployment-monitor");
  await checkA11y();
});
