// The what-if forecast (issue #7): the ERT lead opens the forecast of the emergency advertisement
// from the advertisement's page, lets dial-up clients download from a remote DP in the draft, runs
// the forecast and watches its progress, compares the variants (the slow-link box as SMS leaves it
// strands the dial-up laptops; clearing it gets everyone before the target), applies the better
// one and sees the advertisement changed.
//
// beforeAll builds a fleet of its own through the API as sms-admin, every id made for this run:
// the central site CEN and a branch primary site behind an open CEN → branch address, a DP per
// site, LAN workstations in fast boundaries and dial-up laptops without a boundary, all of them
// usually on; a package, its program and a mandatory advertisement as SMS creates it (the
// slow-link box checked, no remote DP download).
import { randomBytes } from "node:crypto";
import {
  AdvertFlags,
  DEFAULT_PROGRAM_FLAGS,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  type AdvertisementRecord,
  type FleetImport,
} from "@firebreak/domain";
import { apiAs, signIn } from "../../fixtures/api.js";
import { expect, test } from "../../fixtures/pages.js";

const FLEET_API = "/api/fleets/production";
const SLOW_LINK_BOX = "Assignments are not mandatory over slow links";

interface Arranged {
  advertisementId: string;
  advertisementName: string;
  laptops: string[];
}
let arranged: Arranged;

test.beforeAll(async ({ browser }) => {
  const run = randomBytes(2).toString("hex").toUpperCase();
  const branch = `F${run.slice(0, 2)}`;
  const octet = parseInt(run.slice(2), 16);
  const base = 0x7e000000 + parseInt(run, 16) * 64;
  const cenBoundary = `B-CEN-FC-${run}`;
  const branchBoundary = `B-${branch}-FC-${run}`;
  const open = () => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 1 as const));
  const computer = (i: number, name: string, siteCode: string, o: Record<string, unknown> = {}) => ({
    resourceId: base + i,
    name,
    siteCode,
    os: "Windows XP",
    clientType: "ADVANCED" as const,
    isLaptop: false,
    connectionProfile: "LAN" as const,
    boundaryId: siteCode === "CEN" ? cenBoundary : branchBoundary,
    isPatchInfrastructure: false,
    lastSeenAt: null,
    onlineRatio: 1,
    ...o,
  });
  const workstations = Array.from({ length: 16 }, (_, i) =>
    computer(i, `${i % 2 ? "CEN" : branch}-W${run}${i.toString(16)}`, i % 2 ? "CEN" : branch),
  );
  const laptops = Array.from({ length: 4 }, (_, i) =>
    computer(32 + i, `${branch}-L${run}${i}`, branch, {
      os: "Windows 2000",
      isLaptop: true,
      connectionProfile: "DIALUP",
      boundaryId: null,
    }),
  );
  const members = [...workstations, ...laptops].map((c) => c.resourceId);
  const ids = {
    packageId: `CENF${run}`,
    programName: "Install KB835732",
    advertisementId: `CENF${run}`,
    collectionId: `CENF${run}`,
  };
  const fleet: FleetImport = {
    sites: [
      { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null },
      { siteCode: branch, name: `Forecast branch ${run}`, type: "PRIMARY", parentSiteCode: "CEN" },
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
        addressId: `CEN-${branch}-FC-${run}`,
        siteCode: "CEN",
        destSiteCode: branch,
        addressType: "MS_LAN",
        priorityOrder: 1,
        usageSchedule: open(),
        unavailableAsSubstitute: false,
        rateLimit: { mode: "UNLIMITED" },
        bandwidthKbps: 2048,
      },
    ],
    computers: [...workstations, ...laptops],
    collections: [
      {
        collectionId: ids.collectionId,
        name: `Forecast workstations ${run}`,
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
      name: `MS04-011 LSASS ${run}`,
      sourceVersion: 1,
      sizeKB: 2048,
      sendingPriority: "HIGH",
      preferredSender: "NO_PREFERENCE",
      ignoreAddressSchedule: false,
      kind: "DEPLOY",
      updateIds: ["KB835732"],
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
    const advertisementName = `KB835732 emergency ${run}`;
    const advert = await api.post<AdvertisementRecord>(`${FLEET_API}/advertisements`, {
      advertisementId: ids.advertisementId,
      advertisementName,
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
      priority: 1,
    });
    expect(advert).toMatchObject({ mandatory: true, mandatoryOverSlowLinks: false, noLocalDpMode: "DONT_RUN" });
    arranged = { advertisementId: ids.advertisementId, advertisementName, laptops: laptops.map((l) => l.name) };
  } finally {
    await context.close();
  }
});

test("the ERT lead forecasts the emergency advertisement, compares the variants and applies the better one", async ({
  page,
  loginAs,
  saveScreenshot,
  checkA11y,
}) => {
  test.slow();
  const { advertisementId, advertisementName, laptops } = arranged;
  await loginAs("ERT_LEAD");
  await page.goto(`/sites/advertisements/${advertisementId}`);
  await expect(page.getByRole("heading", { name: advertisementName, level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "Forecast this advertisement…" }).click();
  await expect(page.getByRole("heading", { name: `Forecast: ${advertisementName}`, level: 1 })).toBeVisible();
  await expect(page.getByText("No forecast of this advertisement yet.", { exact: false })).toBeVisible();

  // The draft is the advertisement as it is: the slow-link box checked, "Do not run program".
  const draft = page.getByRole("form", { name: "Forecast draft" });
  await expect(draft.getByRole("checkbox", { name: SLOW_LINK_BOX })).toBeChecked();
  const noLocalDp = draft.getByRole("radiogroup", { name: "When no distribution point is available locally" });
  await expect(noLocalDp.getByRole("radio", { name: "Do not run program" })).toBeChecked();
  // Dial-up laptops may download from a remote DP in this draft.
  await noLocalDp.getByRole("radio", { name: "Download program from remote distribution point" }).check();
  await draft.getByRole("textbox", { name: "Runs per variant" }).fill("100");
  await draft.getByRole("button", { name: "Run forecast" }).click();

  // Progress while it runs (the runs done really advance), then the result.
  const bar = page.getByRole("progressbar", { name: "Forecast progress" });
  const table = page.getByRole("table", { name: "Variants compared" });
  await expect(page).toHaveURL(/\?forecast=/);
  // The 20-computer fleet can finish between two polls of the console, so the bar may already be
  // gone: a finished forecast counts as all runs done. The attribute read must not wait for a bar
  // that vanished meanwhile (it would hang the poll).
  const DONE = Number.MAX_SAFE_INTEGER;
  const runsDone = async (): Promise<number> => {
    if (await table.isVisible()) return DONE;
    const text = await bar.getAttribute("aria-valuetext", { timeout: 500 }).catch(() => null);
    return text === null ? -1 : Number(/^(\d+) of/.exec(text)?.[1] ?? -1);
  };
  await expect.poll(runsDone, { timeout: 30_000, intervals: [100] }).toBeGreaterThanOrEqual(0);
  const firstSeen = await runsDone();
  if (firstSeen !== DONE) {
    // Progress was on screen: the runs done really advance (or the forecast completes).
    await expect.poll(runsDone, { timeout: 60_000, intervals: [100] }).toBeGreaterThan(firstSeen);
  }
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("progressbar", { name: "Forecast progress" })).toHaveCount(0);

  // As drafted, the dial-up laptops are not forced over their slow link; with the box cleared, they are.
  const drafted = table.getByRole("row", { name: "As drafted" });
  const cleared = table.getByRole("row", { name: "Slow-link box cleared" });
  await expect(drafted.getByText("Not met").first()).toBeVisible();
  await expect(cleared.getByText("Met", { exact: true }).first()).toBeVisible();
  await expect(cleared.getByText("Best", { exact: true })).toBeVisible();
  const misses = page.getByRole("region", { name: "Who misses the deadline, and why" });
  for (const name of laptops) await expect(misses.getByRole("cell", { name, exact: true })).toBeVisible();
  await expect(misses.getByText("Not forced over a slow link").first()).toBeVisible();
  await expect(page.getByRole("figure", { name: /Coverage forecast chart/ })).toBeVisible();
  await page.evaluate("window.scrollTo(0, 0)");
  await saveScreenshot("forecast-variants");
  await checkA11y();

  // Apply the better variant: the confirmation lists exactly what changes.
  await cleared.getByRole("button", { name: "Apply “Slow-link box cleared”…" }).click();
  const dialog = page.getByRole("dialog", { name: "Apply “Slow-link box cleared”" });
  await expect(dialog.getByRole("listitem").first()).toContainText(
    `Advertisement ${advertisementId}: “${SLOW_LINK_BOX}” cleared (ONSLOWNET set): slow-link clients are forced too; When no distribution point is available locally: “Do not run program” → “Download program from remote distribution point”.`,
  );
  await saveScreenshot("forecast-apply-confirmation");
  await checkA11y({ include: "[role=dialog]" });
  await dialog.getByRole("button", { name: "Apply “Slow-link box cleared”" }).click();
  await expect(page.getByText("Applied “Slow-link box cleared”: 1 change, 0 out-of-band tasks created.")).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText(/“Slow-link box cleared” was applied by/)).toBeVisible();
  // The draft is read again from the changed advertisement.
  await expect(draft.getByRole("checkbox", { name: SLOW_LINK_BOX })).not.toBeChecked();

  // The advertisement changed: mandatory over slow links, download from a remote DP.
  await page.getByRole("link", { name: "Advertisement settings" }).click();
  await expect(page.getByRole("heading", { name: advertisementName, level: 1 })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: SLOW_LINK_BOX })).not.toBeChecked();
  await page.getByRole("tab", { name: "Advanced Client" }).click();
  await expect(
    page
      .getByRole("radiogroup", { name: "When no distribution point is available locally" })
      .getByRole("radio", { name: "Download program from remote distribution point" }),
  ).toBeChecked();
});
