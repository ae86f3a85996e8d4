// The SMS administrator's emergency edits (issue: "an SMS administrator edits an advertisement's
// slow-link setting and a sender address, sees the change and its audit entry").
//
// The server starts with the demo accounts only, so beforeAll builds a small distribution model
// through the API as sms-admin: central site CEN and primary BRN (the same two sites as the API
// tests' fleet; the import upserts), two sender addresses CEN → BRN, a dial-up laptop in a
// collection, a package, a program and a mandatory advertisement whose slow-link box is checked
// (ONSLOWNET clear). Everything this file edits has an id made for this run, so other spec files
// on the same server (two workers) never see or change it, and each test works on its own record.
import { randomBytes } from "node:crypto";
import {
  AdvertFlags,
  DEFAULT_PROGRAM_FLAGS,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  type AdvertisementRecord,
  type FleetImport,
  type SenderAddressRecord,
} from "@firebreak/domain";
import type { Locator, Page } from "@playwright/test";
import { apiAs, signIn } from "../../fixtures/api.js";
import { expect, test } from "../../fixtures/pages.js";

const FLEET_API = "/api/fleets/production";
const OPEN = "Open for all priorities";
const HIGH_ONLY = "Allow high priority only";
const CLOSED = "Closed";
const SLOW_LINK_BOX = "Assignments are not mandatory over slow links";
const SUMMARY = "Slow links and dial-up (saved settings)";

interface Arranged {
  /** Journey 2 edits this address. */
  addressId: string;
  /** The two-tab (412) test edits this one. */
  staleAddressId: string;
  packageId: string;
  programName: string;
  advertisementId: string;
  advertisementName: string;
}

let arranged: Arranged;

test.beforeAll(async ({ browser }) => {
  // Four hex digits per run: package, advertisement and collection IDs are site code + 5 hex digits.
  const run = randomBytes(2).toString("hex").toUpperCase();
  const ids: Arranged = {
    addressId: `CEN-BRN-E2E-${run}`,
    staleAddressId: `CEN-BRN-E2E-${run}-RAS`,
    packageId: `CENE${run}`,
    programName: "Install KB823980",
    advertisementId: `CENA${run}`,
    advertisementName: `KB823980 to branch laptops ${run}`,
  };
  const collectionId = `CENC${run}`;
  const laptop = 0x7e000000 + parseInt(run, 16);
  const allOpen = () => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 1 as const));
  const fleet: FleetImport = {
    sites: [
      { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null },
      { siteCode: "BRN", name: "Branch", type: "PRIMARY", parentSiteCode: "CEN" },
    ],
    siteSystems: [
      { serverName: "CEN-SMS01", siteCode: "CEN", roles: ["SITE_SERVER", "DP", "MP"] },
      { serverName: "BRN-DP01", siteCode: "BRN", roles: ["DP"] },
    ],
    senderAddresses: [
      {
        addressId: ids.addressId,
        siteCode: "CEN",
        destSiteCode: "BRN",
        addressType: "MS_LAN",
        priorityOrder: 1,
        usageSchedule: allOpen(),
        unavailableAsSubstitute: false,
        rateLimit: { mode: "UNLIMITED" },
        bandwidthKbps: 512,
      },
      {
        addressId: ids.staleAddressId,
        siteCode: "CEN",
        destSiteCode: "BRN",
        addressType: "MS_ASYNC_RAS",
        priorityOrder: 2,
        usageSchedule: allOpen(),
        unavailableAsSubstitute: false,
        rateLimit: { mode: "UNLIMITED" },
        bandwidthKbps: 56,
      },
    ],
    computers: [
      {
        resourceId: laptop,
        name: `BRN-LT${run}`,
        siteCode: "BRN",
        os: "Windows 2000",
        clientType: "ADVANCED",
        isLaptop: true,
        connectionProfile: "DIALUP",
        boundaryId: null,
        isPatchInfrastructure: false,
        lastSeenAt: null,
      },
    ],
    collections: [
      {
        collectionId,
        name: `Branch laptops ${run}`,
        parentCollectionId: null,
        rules: [{ type: "DIRECT", resourceId: laptop }],
        purpose: "TARGET",
        memberResourceIds: [laptop],
      },
    ],
  };

  const context = await browser.newContext();
  try {
    const api = apiAs(context.request, await signIn(context.request, "SMS_ADMIN"));
    await api.post(`${FLEET_API}/import`, fleet, 200);
    await api.post(`${FLEET_API}/packages`, {
      packageId: ids.packageId,
      name: "MS03-026 RPC DCOM",
      sourceVersion: 1,
      sizeKB: 1300,
      sendingPriority: "HIGH",
      preferredSender: "NO_PREFERENCE",
      ignoreAddressSchedule: false,
      kind: "DEPLOY",
      updateIds: ["KB823980"],
    });
    await api.post(`${FLEET_API}/packages/${ids.packageId}/programs`, {
      packageId: ids.packageId,
      programName: ids.programName,
      commandLine: "WindowsXP-KB823980-x86-ENU.exe /quiet /norestart",
      programFlags: DEFAULT_PROGRAM_FLAGS,
      maxRunMinutes: 30,
      kind: "INSTALL",
      checksUpdatePresent: false,
    });
    // Mandatory (as soon as possible), as SMS creates it: the slow-link box checked, and the
    // Advanced Client tab at its default "Do not run program" when no DP is local.
    const advert = await api.post<AdvertisementRecord>(`${FLEET_API}/advertisements`, {
      advertisementId: ids.advertisementId,
      advertisementName: ids.advertisementName,
      packageId: ids.packageId,
      programName: ids.programName,
      collectionId,
      includeSubCollection: true,
      presentTime: "2026-11-20T08:00:00.000Z",
      expirationTime: null,
      assignedSchedule: [],
      assignedScheduleEnabled: false,
      advertFlags: AdvertFlags.fromNames(["IMMEDIATE"]),
      remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
      priority: 2,
    });
    expect(advert).toMatchObject({ mandatory: true, mandatoryOverSlowLinks: false, noLocalDpMode: "DONT_RUN" });
  } finally {
    await context.close();
  }
  arranged = ids;
});

const hh = (hour: number) => `${String(hour).padStart(2, "0")}:00`;
const cell = (grid: Locator, day: string, hour: number, level: string) =>
  grid.getByRole("gridcell", { name: `${day} ${hh(hour)}, ${level}`, exact: true });

/** Opens the audit entry of `action` on one record as the signed-in page's user; returns the drawer. */
async function openAuditEntry(page: Page, entityType: string, entityId: string, action: string) {
  await page.goto(`/audit?entityType=${entityType}&entityId=${encodeURIComponent(entityId)}`);
  const entries = page.getByRole("region", { name: "Audit entries" });
  const entry = entries.getByRole("button", { name: new RegExp(`: ${action.replace(".", "\\.")} by sms-admin$`) });
  await expect(entry).toHaveCount(1);
  await entry.click();
  const details = page.getByRole("dialog", { name: /^Audit entry #\d+$/ });
  await expect(details.getByRole("row", { name: /^Action/ })).toContainText(action);
  // The drawer slides in from the right: wait until it has arrived before anyone takes a picture.
  await expect(details).toBeInViewport({ ratio: 1 });
  return details;
}

/** The cells (Change, Before, After) of one field in the drawer's "Changes by field" table. */
function changeOf(details: Locator, field: string) {
  return details
    .getByRole("table", { name: "Changes by field" })
    .getByRole("row")
    .filter({ has: details.page().getByRole("rowheader", { name: field, exact: true }) })
    .getByRole("cell");
}

test.describe("SMS administration: slow links and sender addresses", () => {
  test("an SMS administrator makes an advertisement mandatory over slow links; the audit shows the change", async ({
    page,
    loginAs,
    openPageAs,
    saveScreenshot,
    checkA11y,
  }) => {
    const { advertisementId, advertisementName } = arranged;
    await loginAs("SMS_ADMIN");
    await page.goto(`/sites/advertisements/${advertisementId}`);
    await expect(page.getByRole("heading", { name: advertisementName })).toBeVisible();

    // As created: mandatory, but dial-up and slow-boundary clients are spared.
    const summary = page.getByRole("region", { name: SUMMARY });
    await expect(summary).toContainText("Dial-up clients will not be forced to run the program.");
    await expect(summary).toContainText("Clients in slow (remote) boundaries will not be forced to run the program.");
    await expect(summary).toContainText(`Because “${SLOW_LINK_BOX}” is checked.`);
    const slowLinkBox = page.getByRole("checkbox", { name: SLOW_LINK_BOX });
    await expect(slowLinkBox).toBeChecked();
    await expect(slowLinkBox).toBeEnabled();
    await expect(page.getByRole("status").filter({ hasText: "Unsaved changes" })).toHaveCount(0);
    await saveScreenshot("sms-advertisement-before");
    await checkA11y();

    // Clearing the box alone does not force them: with no local DP the program still does not run.
    await slowLinkBox.uncheck();
    await expect(summary).toContainText(
      "After saving: dial-up and slow-boundary clients WILL NOT BE FORCED, because the Advanced Client tab says “Do not run program”",
    );
    await page.getByRole("tab", { name: "Advanced Client" }).click();
    const noLocalDp = page.getByRole("radiogroup", { name: "When no distribution point is available locally" });
    await expect(noLocalDp.getByRole("radio", { name: "Do not run program" })).toBeChecked();
    await noLocalDp.getByRole("radio", { name: "Download program from remote distribution point" }).check();
    await expect(summary).toContainText(
      "After saving: dial-up and slow-boundary clients WILL BE FORCED, because the assignment is mandatory over slow links and the program is downloaded from a remote distribution point.",
    );
    // The summary box states the saved settings until the save.
    await expect(summary).toContainText("Dial-up clients will not be forced to run the program.");
    await expect(page.getByRole("status").filter({ hasText: "Unsaved changes" })).toBeVisible();

    await page.getByRole("button", { name: "Save advertisement" }).click();
    await expect(page.getByText(`Saved ${advertisementId} (version 2).`)).toBeVisible();
    await expect(summary).toContainText("Dial-up clients will be forced to run the program.");
    await expect(summary).toContainText("Clients in slow (remote) boundaries will be forced to run the program.");
    await expect(summary).not.toContainText("After saving");
    await expect(page.getByRole("status").filter({ hasText: "Unsaved changes" })).toHaveCount(0);

    // Persisted: a fresh load shows the same.
    await page.reload();
    await expect(summary).toContainText("Dial-up clients will be forced to run the program.");
    await expect(summary).toContainText(
      "Because the assignment is mandatory over slow links and the program is downloaded from a remote distribution point.",
    );
    await expect(page.getByRole("checkbox", { name: SLOW_LINK_BOX })).not.toBeChecked();
    await expect(page.getByText("version 2", { exact: false })).toBeVisible();
    await page.getByRole("tab", { name: "Advanced Client" }).click();
    await expect(
      page
        .getByRole("radiogroup", { name: "When no distribution point is available locally" })
        .getByRole("radio", { name: "Download program from remote distribution point" }),
    ).toBeChecked();
    await page.getByRole("tab", { name: "Schedule" }).click();
    await expect(page.getByRole("checkbox", { name: SLOW_LINK_BOX })).not.toBeChecked();
    await saveScreenshot("sms-advertisement-after");
    await checkA11y();

    // The audit trail, read by an observer (an SMS administrator may not open the audit page).
    const { page: observer } = await openPageAs("OBSERVER");
    const details = await openAuditEntry(observer, "advertisement", advertisementId, "advertisement.update");
    await expect(changeOf(details, "mandatoryOverSlowLinks")).toHaveText(["Changed", "false", "true"]);
    await expect(changeOf(details, "noLocalDpMode")).toHaveText(["Changed", "DONT_RUN", "DOWNLOAD_REMOTE"]);
    await expect(changeOf(details, "forcesDialUpClients")).toHaveText(["Changed", "false", "true"]);
    await expect(changeOf(details, "forcesSlowBoundaryClients")).toHaveText(["Changed", "false", "true"]);
    await expect(changeOf(details, "version")).toHaveText(["Changed", "1", "2"]);
    await saveScreenshot("sms-advertisement-audit", { page: observer });
  });

  test("an SMS administrator narrows a sender address with the keyboard and sets pulse mode; the audit shows it", async ({
    page,
    loginAs,
    openPageAs,
    saveScreenshot,
    checkA11y,
  }) => {
    const { addressId } = arranged;
    await loginAs("SMS_ADMIN");
    await page.goto(`/sites/senders/${encodeURIComponent(addressId)}`);
    await expect(page.getByRole("heading", { name: "Address CEN → BRN" })).toBeVisible();
    await expect(page.getByText("Open for all priorities at all times")).toBeVisible();

    const grid = page.getByRole("grid", { name: "Availability" });
    // The grid is one tab stop (Monday 00:00 to begin with); everything else is keys.
    await cell(grid, "Monday", 0, OPEN).focus();
    for (let i = 0; i < 9; i++) await page.keyboard.press("ArrowRight");
    await expect(cell(grid, "Monday", 9, OPEN)).toBeFocused();
    // Shift+arrows select Monday–Friday 09:00–16:00 (8 hours × 5 days); 3 = "Allow high priority only".
    for (let i = 0; i < 7; i++) await page.keyboard.press("Shift+ArrowRight");
    for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+ArrowDown");
    await expect(cell(grid, "Friday", 16, OPEN)).toBeFocused();
    await expect(grid.getByRole("gridcell", { selected: true })).toHaveCount(40);
    await page.keyboard.press("3");
    await expect(grid.getByRole("gridcell", { name: `, ${HIGH_ONLY}` })).toHaveCount(40);
    await page.keyboard.press("Escape");
    await expect(grid.getByRole("gridcell", { selected: true })).toHaveCount(0);
    // Ctrl+Home goes to Sunday 00:00; 4 closes that hour and makes "Closed" the level; R fills the day.
    await page.keyboard.press("Control+Home");
    await expect(cell(grid, "Sunday", 0, OPEN)).toBeFocused();
    await page.keyboard.press("4");
    await expect(cell(grid, "Sunday", 0, CLOSED)).toBeVisible();
    await page.keyboard.press("r");
    await expect(page.getByRole("radio", { name: `4 · ${CLOSED}` })).toBeChecked();

    const expectNarrowed = async () => {
      await expect(page.getByText(`${OPEN}: 104 h; ${HIGH_ONLY}: 40 h; ${CLOSED}: 24 h`)).toBeVisible();
      await expect(cell(grid, "Monday", 8, OPEN)).toBeVisible();
      await expect(cell(grid, "Monday", 9, HIGH_ONLY)).toBeVisible();
      await expect(cell(grid, "Friday", 16, HIGH_ONLY)).toBeVisible();
      await expect(cell(grid, "Friday", 17, OPEN)).toBeVisible();
      await expect(cell(grid, "Saturday", 12, OPEN)).toBeVisible();
      await expect(cell(grid, "Sunday", 23, CLOSED)).toBeVisible();
    };
    await expectNarrowed();
    await expect(page.getByRole("status").filter({ hasText: "Unsaved changes" })).toBeVisible();
    await saveScreenshot("sms-sender-address");
    await checkA11y();

    // Rate Limits: pulse mode, 8 KB blocks with 20 s between them.
    await page.getByRole("tab", { name: "Rate Limits" }).click();
    await expect(page.getByRole("radio", { name: "Unlimited when sending to this address" })).toBeChecked();
    await page.getByRole("radio", { name: "Pulse mode" }).check();
    const blockSize = page.getByRole("textbox", { name: "Size of data block (KB)" });
    const delay = page.getByRole("textbox", { name: "Delay between data blocks (seconds)" });
    await blockSize.fill("8");
    await delay.fill("20");
    await saveScreenshot("sms-sender-address-rate-limits");
    await checkA11y();
    await page.getByRole("button", { name: "Save address" }).click();
    await expect(page.getByText("Saved CEN → BRN (version 2).")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Unsaved changes" })).toHaveCount(0);

    await page.reload();
    await expect(page.getByRole("heading", { name: "Address CEN → BRN" })).toBeVisible();
    await expectNarrowed();
    await page.getByRole("tab", { name: "Rate Limits" }).click();
    await expect(page.getByRole("radio", { name: "Pulse mode" })).toBeChecked();
    await expect(blockSize).toHaveValue("8");
    await expect(delay).toHaveValue("20");

    // The list of addresses shows the new state too.
    await page
      .getByRole("navigation", { name: "Sites & senders sections" })
      .getByRole("link", { name: "Sender addresses" })
      .click();
    const listed = page
      .getByRole("row")
      .filter({ has: page.locator(`a[href="/sites/senders/${encodeURIComponent(addressId)}"]`) });
    await expect(listed).toContainText("Pulse mode: 8 KB blocks, 20 s apart");
    await expect(listed).toContainText(`${OPEN}: 104 h; ${HIGH_ONLY}: 40 h; ${CLOSED}: 24 h`);

    const { page: observer } = await openPageAs("OBSERVER");
    const details = await openAuditEntry(observer, "sender_address", addressId, "sender_address.update");
    await expect(changeOf(details, "rateLimit.mode")).toHaveText(["Changed", "UNLIMITED", "PULSE"]);
    await expect(changeOf(details, "rateLimit.blockSizeKB")).toHaveText(["Added", "—", "8"]);
    await expect(changeOf(details, "rateLimit.delaySeconds")).toHaveText(["Added", "—", "20"]);
    await expect(changeOf(details, "usageSchedule").first()).toHaveText("Changed");
    await expect(changeOf(details, "version")).toHaveText(["Changed", "1", "2"]);
    await saveScreenshot("sms-sender-address-audit", { page: observer });
  });

  test("an observer sees the advertisement and the sender address read-only", async ({
    page,
    loginAs,
    saveScreenshot,
    checkA11y,
  }) => {
    const { advertisementId, advertisementName, addressId } = arranged;
    await loginAs("OBSERVER");
    await page.goto(`/sites/advertisements/${advertisementId}`);
    await expect(page.getByRole("heading", { name: advertisementName })).toBeVisible();
    await expect(page.getByText("Only SMS administrators can change advertisements.")).toBeVisible();
    await expect(page.getByRole("region", { name: SUMMARY })).toBeVisible();
    await expect(page.getByRole("checkbox", { name: SLOW_LINK_BOX })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Save advertisement" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Discard changes" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Add “As soon as possible”/ })).toHaveCount(0);
    await page.getByRole("tab", { name: "Advanced Client" }).click();
    const dpRadios = page.getByRole("tabpanel", { name: "Advanced Client" }).getByRole("radio");
    await expect(dpRadios).toHaveCount(5);
    for (const radio of await dpRadios.all()) await expect(radio).toBeDisabled();

    await page.goto(`/sites/senders/${encodeURIComponent(addressId)}`);
    await expect(page.getByRole("heading", { name: "Address CEN → BRN" })).toBeVisible();
    await expect(page.getByText("Only SMS administrators can change sender addresses.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save address" })).toHaveCount(0);
    const grid = page.getByRole("grid", { name: "Availability" });
    await expect(grid).toHaveAttribute("aria-readonly", "true");
    await expect(page.getByRole("list", { name: "Availability levels" })).toBeVisible();
    await expect(page.getByRole("radiogroup", { name: "Availability to paint" })).toHaveCount(0);
    // Keys still move through the grid, but a level key changes nothing.
    const first = grid.getByRole("gridcell", { name: /^Monday 00:00, / });
    const before = await first.getAttribute("aria-label");
    await first.focus();
    await page.keyboard.press("4");
    await page.keyboard.press("ArrowRight");
    await expect(grid.getByRole("gridcell", { name: /^Monday 01:00, / })).toBeFocused();
    await expect(first).toHaveAttribute("aria-label", before ?? "");
    await expect(
      page.getByRole("checkbox", { name: "Unavailable to substitute for inoperative addresses" }),
    ).toBeDisabled();
    await saveScreenshot("sms-sender-address-observer");
    await checkA11y();
    await page.getByRole("tab", { name: "Rate Limits" }).click();
    const modes = page.getByRole("radiogroup", { name: "Rate limits" }).getByRole("radio");
    await expect(modes).toHaveCount(3);
    for (const radio of await modes.all()) await expect(radio).toBeDisabled();
  });

  test("two tabs edit the same sender address: the second save is refused and offers a reload", async ({
    page,
    context,
    loginAs,
    watchPage,
    saveScreenshot,
  }) => {
    const { staleAddressId } = arranged;
    const session = await loginAs("SMS_ADMIN");
    const url = `/sites/senders/${encodeURIComponent(staleAddressId)}`;
    const second = await context.newPage();
    watchPage(second);
    for (const tab of [page, second]) {
      await tab.goto(url);
      await expect(tab.getByRole("heading", { name: "Address CEN → BRN" })).toBeVisible();
    }
    const substitute = (tab: Page) =>
      tab.getByRole("checkbox", { name: "Unavailable to substitute for inoperative addresses" });

    // First tab saves version 2.
    await substitute(page).check();
    await page.getByRole("button", { name: "Save address" }).click();
    await expect(page.getByText("Saved CEN → BRN (version 2).")).toBeVisible();

    // Second tab still holds version 1: its save gets 412 and says so.
    await second.getByRole("tab", { name: "Rate Limits" }).click();
    await second.getByRole("radio", { name: "Pulse mode" }).check();
    const [response] = await Promise.all([
      second.waitForResponse((r) => r.url().includes("/sender-addresses/") && r.request().method() === "PATCH"),
      second.getByRole("button", { name: "Save address" }).click(),
    ]);
    expect(response.status()).toBe(412);
    const stale = second.getByRole("alert").filter({ hasText: "Changed by someone else — reload" });
    await expect(stale).toBeVisible();
    await expect(stale).toContainText("This was changed by someone else since you opened it.");
    await saveScreenshot("sms-sender-address-stale", { page: second });

    // Reload brings the other version; the change is made again on top of it.
    await stale.getByRole("button", { name: "Reload" }).click();
    await expect(stale).toHaveCount(0);
    await expect(substitute(second)).toBeChecked();
    await expect(second.getByRole("status").filter({ hasText: "Unsaved changes" })).toHaveCount(0);
    await second.getByRole("tab", { name: "Rate Limits" }).click();
    await expect(second.getByRole("radio", { name: "Unlimited when sending to this address" })).toBeChecked();
    await second.getByRole("radio", { name: "Pulse mode" }).check();
    await second.getByRole("button", { name: "Save address" }).click();
    await expect(second.getByText("Saved CEN → BRN (version 3).")).toBeVisible();

    const saved = await apiAs(context.request, session).get<SenderAddressRecord>(
      `${FLEET_API}/sender-addresses/${encodeURIComponent(staleAddressId)}`,
    );
    expect(saved).toMatchObject({ version: 3, unavailableAsSubstitute: true, rateLimit: { mode: "PULSE" } });
  });
});
