import { describe, expect, it } from "vitest";
import { AdvertFlags, ProgramFlags } from "../sms/flags.js";
import { businessHoursSchedule, openAddressSchedule } from "../sms/schedule.js";
import {
  CHECKLIST_ITEM_KEYS,
  checklistTimelineEvents,
  checklistToApply,
  planEmergencyChecklist,
  type ChecklistAddress,
  type ChecklistComputer,
  type ChecklistInput,
  type ChecklistItemKey,
  type ChecklistPlan,
} from "./checklist.js";
import { TimelineEventInputSchema } from "./timeline.js";

// Tuesday 2026-03-10 09:00 UTC.
const NOW = Date.parse("2026-03-10T09:00:00Z");
const MIN = 60_000;
const HOUR = 3_600_000;
const FIVE_MB = 5120; // KB

const sites = [
  { siteCode: "CEN", parentSiteCode: null, name: "Central" },
  { siteCode: "BR1", parentSiteCode: "CEN", name: "Branch 1" },
  { siteCode: "PRI", parentSiteCode: "CEN", name: "Primary" },
  { siteCode: "SEC", parentSiteCode: "PRI", name: "Secondary" },
];

/** 64 kbit/s to BR1, closed Monday–Friday 08:00–18:00. */
const toBr1: ChecklistAddress = {
  addressId: "CEN-BR1",
  siteCode: "CEN",
  destSiteCode: "BR1",
  addressType: "MS_LAN",
  priorityOrder: 1,
  usageSchedule: businessHoursSchedule({ inside: 4, outside: 1 }),
  rateLimit: { mode: "UNLIMITED" },
  bandwidthKbps: 64,
};
const toPri: ChecklistAddress = {
  addressId: "CEN-PRI",
  siteCode: "CEN",
  destSiteCode: "PRI",
  addressType: "MS_LAN",
  priorityOrder: 1,
  usageSchedule: openAddressSchedule(),
  rateLimit: { mode: "PULSE", blockSizeKB: 8, delaySeconds: 5 },
  bandwidthKbps: 10_000,
};
const toSec: ChecklistAddress = {
  addressId: "PRI-SEC",
  siteCode: "PRI",
  destSiteCode: "SEC",
  addressType: "MS_LAN",
  priorityOrder: 1,
  usageSchedule: openAddressSchedule(),
  rateLimit: { mode: "UNLIMITED" },
  bandwidthKbps: 128,
};

const computer = (
  over: Partial<ChecklistComputer> & Pick<ChecklistComputer, "resourceId" | "siteCode">,
): ChecklistComputer => ({
  name: `PC${over.resourceId}`,
  connectionProfile: "LAN",
  boundaryConnection: "LOCAL_FAST",
  isPatchInfrastructure: false,
  ...over,
});

const emergencyAdvert = {
  advertisementId: "CEN00020",
  collectionId: "CEN00031",
  advertFlags: AdvertFlags.fromNames(["IMMEDIATE", "ONSLOWNET"]),
  remoteClientFlags: 0x50,
  assignedSchedule: [],
  assignedScheduleEnabled: false,
};

function plan(over: Partial<ChecklistInput> = {}): ChecklistPlan {
  return planEmergencyChecklist({
    advertisement: emergencyAdvert,
    program: { programName: "Install KB835732", programFlags: ProgramFlags.fromNames(["UNATTENDED"]) },
    package: {
      packageId: "CEN00012",
      sizeKB: FIVE_MB,
      sendingPriority: "HIGH",
      preferredSender: "NO_PREFERENCE",
      ignoreAddressSchedule: false,
    },
    sites,
    addresses: [toBr1, toPri, toSec],
    computers: [],
    deadline: NOW + 24 * HOUR,
    now: NOW,
    ...over,
  });
}

const item = (p: ChecklistPlan, key: ChecklistItemKey) => {
  const it = p.items.find((i) => i.key === key);
  if (!it) throw new Error(`no item ${key}`);
  return it;
};
const site = (p: ChecklistPlan, code: string) => p.sites.find((s) => s.siteCode === code);

describe("the plan's shape", () => {
  it("always returns the five items in a stable order with plain titles", () => {
    const p = plan();
    expect(p.items.map((i) => i.key)).toEqual([...CHECKLIST_ITEM_KEYS]);
    expect(p.items.map((i) => i.title)).toEqual([
      "Make the advertisement mandatory, also over slow links",
      "Leave patch-infrastructure servers out and patch them by hand",
      "Lift the restrictions on the sender addresses to the target sites",
      "Send the package by courier to sites whose link is too slow",
      "Handle slow-link computers that cannot download in time out of band",
    ]);
  });
});

describe("1. mandatory over slow links", () => {
  it("adds an ASAP assignment, sets ONSLOWNET and lets clients without a local DP download", () => {
    const p = plan({ advertisement: { ...emergencyAdvert, advertFlags: 0, remoteClientFlags: 0x30 } });
    const it1 = item(p, "MANDATORY_ON_SLOW_LINKS");
    expect(it1.applicable).toBe(true);
    expect(it1.changes).toEqual([
      {
        entity: "ADVERTISEMENT",
        id: "CEN00020",
        before: {
          advertFlags: 0,
          remoteClientFlags: 0x30,
          mandatory: false,
          mandatoryOverSlowLinks: false,
          noLocalDpMode: "DONT_RUN",
        },
        after: {
          advertFlags: AdvertFlags.fromNames(["IMMEDIATE", "ONSLOWNET"]),
          remoteClientFlags: 0x50,
          mandatory: true,
          mandatoryOverSlowLinks: true,
          noLocalDpMode: "DOWNLOAD_REMOTE",
        },
        summary:
          'Advertisement CEN00020: add a mandatory assignment "as soon as possible"; clear "Assignments are not mandatory over slow links"; "Download program from remote distribution point" when no distribution point is local.',
      },
    ]);
  });

  it("has nothing to do when the advertisement is already right, and notes a disabled program", () => {
    const p = plan({ program: { programName: "Install", programFlags: ProgramFlags.fromNames(["DISABLED"]) } });
    const it1 = item(p, "MANDATORY_ON_SLOW_LINKS");
    expect(it1.applicable).toBe(false);
    expect(it1.changes).toEqual([]);
    expect(it1.notes[1]).toMatch(/is disabled on computers where it is advertised/);
  });

  it("declined: slow-link clients are not forced, so each gets a task however much time is left", () => {
    const dialup = computer({
      resourceId: 7,
      siteCode: "CEN",
      connectionProfile: "DIALUP",
      boundaryConnection: "REMOTE_SLOW",
      isLaptop: true,
    });
    const ad = { ...emergencyAdvert, advertFlags: AdvertFlags.fromNames(["IMMEDIATE"]) };
    const accepted = plan({ advertisement: ad, computers: [dialup] });
    expect(item(accepted, "SLOW_LINK_CLIENTS").tasks).toEqual([]);
    const declined = plan({ advertisement: ad, computers: [dialup], declined: ["MANDATORY_ON_SLOW_LINKS"] });
    expect(item(declined, "MANDATORY_ON_SLOW_LINKS").declined).toBe(true);
    expect(item(declined, "SLOW_LINK_CLIENTS").tasks[0]?.reason).toBe(
      "PC7 (dial-up): the advertisement does not force its program on slow-link clients.",
    );
  });
});

describe("2. patch-infrastructure servers", () => {
  it("excludes each server from the target collection and gives it a manual task", () => {
    const dp = computer({ resourceId: 100, name: "CENDP01", siteCode: "CEN", isPatchInfrastructure: true });
    const p = plan({ computers: [dp, computer({ resourceId: 1, siteCode: "CEN" })] });
    const it2 = item(p, "EXCLUDE_INFRASTRUCTURE");
    expect(it2.changes).toEqual([
      {
        entity: "COLLECTION",
        id: "CEN00031",
        before: { excludedResourceIds: [] },
        after: { excludedResourceIds: [100] },
        summary: "Exclude 1 patch-infrastructure server from collection CEN00031.",
      },
    ]);
    expect(it2.tasks).toEqual([
      {
        kind: "INFRA_SERVER_MANUAL",
        targetRef: { type: "COMPUTER", id: "100", label: "CENDP01" },
        method: "CONSOLE_LOGON",
        methodAlternatives: [],
        dueAt: "2026-03-11T09:00:00.000Z",
        reason:
          "CENDP01 hosts the patch infrastructure at site CEN: patch it by hand, at a time when its restart does not interrupt distribution.",
      },
    ]);
    expect(p.summary).toMatchObject({ targetComputers: 2, advertisedComputers: 1, excludedInfraServers: 1 });
    const declined = plan({ computers: [dp], declined: ["EXCLUDE_INFRASTRUCTURE"] });
    expect(declined.summary).toMatchObject({ advertisedComputers: 1, excludedInfraServers: 0 });
    expect(declined.summary.tasksByKind.INFRA_SERVER_MANUAL).toBeUndefined();
  });
});

describe("5. slow-link clients: 5 MB over a 56 kbit/s dial-up link", () => {
  // 5,120 KB × 1,024 × 8 bit ÷ 56,000 bit/s = 748.98 s of pure transfer (12 min 29 s).
  const seconds = (FIVE_MB * 1024 * 8) / 56_000;
  const laptop = computer({
    resourceId: 42,
    name: "LAPTOP42",
    siteCode: "CEN",
    connectionProfile: "DIALUP",
    boundaryConnection: "REMOTE_SLOW",
    linkKbps: 56,
    isLaptop: true,
  });

  it("the link model gives 748.98 s", () => {
    expect(seconds).toBeCloseTo(748.983, 3);
  });

  it("deadline 5 minutes away: an out-of-band task; 1 hour away: none", () => {
    const soon = plan({ computers: [laptop], deadline: NOW + 5 * MIN });
    expect(item(soon, "SLOW_LINK_CLIENTS").tasks).toEqual([
      {
        kind: "SLOW_LINK_CLIENT",
        targetRef: { type: "COMPUTER", id: "42", label: "LAPTOP42" },
        method: "BRING_TO_OFFICE",
        methodAlternatives: ["VPN", "CD"],
        dueAt: "2026-03-10T09:05:00.000Z",
        reason:
          "LAPTOP42 (dial-up): downloading 5,120 KB at 56 kbit/s takes 12 min and ends 2026-03-10 09:12 UTC, after the deadline 2026-03-10 09:05 UTC.",
      },
    ]);
    expect(soon.summary.slowLinkClientTasks).toBe(1);
    const later = plan({ computers: [laptop], deadline: NOW + HOUR });
    expect(item(later, "SLOW_LINK_CLIENTS").tasks).toEqual([]);
    expect(item(later, "SLOW_LINK_CLIENTS").applicable).toBe(false);
  });

  it("the boundary is exact to the second: 748 s left is too little, 749 s is enough", () => {
    expect(item(plan({ computers: [laptop], deadline: NOW + 748_000 }), "SLOW_LINK_CLIENTS").tasks).toHaveLength(1);
    expect(item(plan({ computers: [laptop], deadline: NOW + 749_000 }), "SLOW_LINK_CLIENTS").tasks).toHaveLength(0);
  });

  it("defaults by profile (dial-up 48 kbit/s), the slower of client and boundary link, and which computers count as slow", () => {
    // 48 kbit/s: 873.8 s. 800 s left → task.
    const d = computer({
      resourceId: 1,
      siteCode: "CEN",
      connectionProfile: "DIALUP",
      boundaryConnection: "REMOTE_SLOW",
    });
    expect(item(plan({ computers: [d], deadline: NOW + 800_000 }), "SLOW_LINK_CLIENTS").tasks).toHaveLength(1);
    expect(
      item(plan({ computers: [d], deadline: NOW + 800_000, clientLinkKbps: { DIALUP: 56 } }), "SLOW_LINK_CLIENTS")
        .tasks,
    ).toHaveLength(0);
    // A WAN desktop behind a 32 kbit/s boundary link: 1,310.72 s.
    const wan = computer({
      resourceId: 2,
      siteCode: "CEN",
      connectionProfile: "WAN",
      boundaryConnection: "REMOTE_SLOW",
      boundaryLinkKbps: 32,
    });
    const wanPlan = plan({ computers: [wan], deadline: NOW + 1300_000 });
    expect(item(wanPlan, "SLOW_LINK_CLIENTS").tasks[0]).toMatchObject({
      method: "CD",
      methodAlternatives: ["USB", "BRING_TO_OFFICE"],
    });
    expect(item(plan({ computers: [wan], deadline: NOW + 1311_000 }), "SLOW_LINK_CLIENTS").tasks).toHaveLength(0);
    // A LAN computer in no boundary is slow (100 Mbit/s default, so it makes it); a VPN client in a fast boundary is not slow.
    const noBoundary = computer({ resourceId: 3, siteCode: "CEN", boundaryConnection: null, linkKbps: 10 });
    expect(item(plan({ computers: [noBoundary], deadline: NOW + MIN }), "SLOW_LINK_CLIENTS").tasks[0]?.reason).toMatch(
      /^PC3 \(no boundary \(slow\)\)/,
    );
    const vpn = computer({
      resourceId: 4,
      siteCode: "CEN",
      connectionProfile: "VPN",
      boundaryConnection: "LOCAL_FAST",
      linkKbps: 10,
    });
    expect(item(plan({ computers: [vpn], deadline: NOW + MIN }), "SLOW_LINK_CLIENTS").tasks).toHaveLength(0);
  });

  it("warns when many slow clients share one boundary link", () => {
    const many = Array.from({ length: 10 }, (_, i) =>
      computer({
        resourceId: 200 + i,
        siteCode: "CEN",
        connectionProfile: "WAN",
        boundaryConnection: "REMOTE_SLOW",
        boundaryId: "BND-BR9",
        boundaryLinkKbps: 256,
      }),
    );
    // Each alone needs 163.84 s; together 1,638.4 s.
    const p = plan({ computers: many, deadline: NOW + 10 * MIN });
    expect(item(p, "SLOW_LINK_CLIENTS").tasks).toEqual([]);
    expect(item(p, "SLOW_LINK_CLIENTS").notes).toContain(
      "10 slow-link computers behind boundary BND-BR9 (site CEN) share a 256 kbit/s link and together need 27 min: more of them may miss the deadline than listed.",
    );
  });
});

describe("3. and 4. senders and courier: a WAN site behind a 64 kbit/s address closed 08–18", () => {
  const desk = computer({ resourceId: 10, name: "BR1PC10", siteCode: "BR1" });
  const deadline = NOW + 2 * HOUR;

  it("relaxed, 5 MB: 5,120 KB ÷ 7.8125 KB/s = 655.36 s, arrives 09:10:55, no courier", () => {
    const p = plan({ computers: [desk], deadline });
    expect(site(p, "BR1")).toMatchObject({
      path: ["CEN", "BR1"],
      addressIds: ["CEN-BR1"],
      bottleneckKbps: 64,
      networkArrivalAt: "2026-03-10T09:10:55.360Z",
      via: "NETWORK",
      isTarget: true,
    });
    expect(item(p, "COURIER_SLOW_SITES").changes).toEqual([]);
    const it3 = item(p, "RELAX_SENDERS");
    expect(it3.changes).toHaveLength(1);
    expect(it3.changes[0]).toMatchObject({
      entity: "SENDER_ADDRESS",
      id: "CEN-BR1",
      before: { usageSchedule: toBr1.usageSchedule, rateLimit: { mode: "UNLIMITED" } },
      after: {
        rateLimit: { mode: "UNLIMITED" },
        savedBaseline: { usageSchedule: toBr1.usageSchedule, rateLimit: { mode: "UNLIMITED" } },
      },
    });
    expect((it3.changes[0]?.after.usageSchedule as number[][]).flat().every((h) => h === 1)).toBe(true);
    expect(it3.tasks).toEqual([
      {
        kind: "SENDER_RESTORE",
        targetRef: { type: "SENDER_ADDRESS", id: "CEN-BR1", label: "CEN → BR1" },
        method: "CONSOLE_LOGON",
        methodAlternatives: [],
        dueAt: null,
        reason: "Put back the schedule and rate limit of address CEN-BR1 when the emergency closes.",
        savedBaseline: { usageSchedule: toBr1.usageSchedule, rateLimit: { mode: "UNLIMITED" } },
      },
    ]);
    // Only addresses on a path to a target site are touched.
    expect(it3.changes.map((c) => c.id)).toEqual(["CEN-BR1"]);
  });

  it("relaxation declined, 5 MB: the address opens at 18:00, arrival 18:10:55 is after the 11:00 deadline → courier", () => {
    const p = plan({ computers: [desk], deadline, declined: ["RELAX_SENDERS"] });
    expect(site(p, "BR1")).toMatchObject({
      networkArrivalAt: "2026-03-10T18:10:55.360Z",
      via: "COURIER",
      contentReadyAt: "2026-03-11T09:00:00.000Z",
    });
    const it4 = item(p, "COURIER_SLOW_SITES");
    expect(it4.changes).toEqual([
      {
        entity: "PACKAGE_SITE_DELIVERY",
        id: "CEN00012@BR1",
        before: { via: "NETWORK", preferredSender: "NO_PREFERENCE" },
        after: { via: "COURIER_PARCEL", preferredSender: "COURIER" },
        summary: "Site BR1: send package CEN00012 by Courier Sender parcel.",
      },
    ]);
    expect(it4.tasks[0]).toMatchObject({
      kind: "COURIER_PARCEL",
      targetRef: { type: "SITE", id: "BR1", label: "Branch 1" },
      method: "PARCEL",
      dueAt: "2026-03-10T11:00:00.000Z",
      reason:
        "Deadline 2026-03-10 11:00 UTC, but over CEN → BR1 (slowest link 64 kbit/s) the 5,120 KB package arrives 2026-03-10 18:10 UTC.",
    });
    // A parcel (24 h) is slower than waiting for the 18:00 opening: the console says so.
    expect(it4.notes[0]).toMatch(/^Site BR1: a parcel \(about 1 d\) arrives later than the network/);
    expect(p.summary.courierSites).toEqual(["BR1"]);
    // The LAN desktop at BR1 waits for the parcel.
    expect(item(p, "SLOW_LINK_CLIENTS").notes).toContain(
      "1 fast-link computer at site BR1 will only get the package when the parcel arrives (about 2026-03-11 09:00 UTC).",
    );
  });

  it("relaxed, 100 MB: 102,400 KB ÷ 7.8125 KB/s = 13,107.2 s, arrives 12:38:27 → courier", () => {
    const p = plan({
      computers: [desk],
      deadline,
      package: {
        packageId: "CEN00012",
        sizeKB: 102_400,
        sendingPriority: "HIGH",
        preferredSender: "NO_PREFERENCE",
        ignoreAddressSchedule: false,
      },
    });
    expect(site(p, "BR1")).toMatchObject({ networkArrivalAt: "2026-03-10T12:38:27.200Z", via: "COURIER" });
    expect(p.summary.courierSites).toEqual(["BR1"]);
  });

  it("courier declined: the site keeps waiting for the network", () => {
    const p = plan({ computers: [desk], deadline, declined: ["RELAX_SENDERS", "COURIER_SLOW_SITES"] });
    expect(site(p, "BR1")?.via).toBe("NETWORK");
    expect(item(p, "COURIER_SLOW_SITES")).toMatchObject({ declined: true, applicable: false, changes: [] });
    expect(p.summary.courierSites).toEqual([]);
  });

  it("a dial-up laptop at a courier site can only start when the parcel arrives", () => {
    const laptop = computer({
      resourceId: 11,
      name: "BR1LT11",
      siteCode: "BR1",
      connectionProfile: "DIALUP",
      boundaryConnection: "REMOTE_SLOW",
      isLaptop: true,
    });
    const p = plan({ computers: [laptop], deadline, declined: ["RELAX_SENDERS"] });
    expect(item(p, "SLOW_LINK_CLIENTS").tasks[0]?.reason).toBe(
      "BR1LT11 (dial-up): the content reaches site BR1 at 2026-03-11 09:00 UTC, then downloading 5,120 KB at 48 kbit/s takes 14 min and ends 2026-03-11 09:14 UTC, after the deadline 2026-03-10 11:00 UTC.",
    );
  });

  it("a package that ignores address schedules does not wait for the opening", () => {
    const p = plan({
      computers: [desk],
      deadline,
      declined: ["RELAX_SENDERS"],
      package: {
        packageId: "CEN00012",
        sizeKB: FIVE_MB,
        sendingPriority: "HIGH",
        preferredSender: "NO_PREFERENCE",
        ignoreAddressSchedule: true,
      },
    });
    expect(site(p, "BR1")).toMatchObject({ networkArrivalAt: "2026-03-10T09:10:55.360Z", via: "NETWORK" });
  });
});

describe("multi-hop store and forward", () => {
  const secPc = computer({ resourceId: 30, siteCode: "SEC" });

  it("relaxed: 4.194304 s over 10 Mbit/s, then 327.68 s over 128 kbit/s", () => {
    const p = plan({ computers: [secPc] });
    expect(site(p, "PRI")).toMatchObject({
      isTarget: false,
      via: "NETWORK",
      networkArrivalAt: "2026-03-10T09:00:04.194Z",
    });
    expect(site(p, "SEC")).toMatchObject({
      path: ["CEN", "PRI", "SEC"],
      addressIds: ["CEN-PRI", "PRI-SEC"],
      bottleneckKbps: 128,
      networkArrivalAt: new Date(NOW + (4.194304 + 327.68) * 1000).toISOString(),
    });
    // The pulse-mode address on the path is relaxed; the open, unlimited one is not touched.
    expect(item(p, "RELAX_SENDERS").changes.map((c) => c.id)).toEqual(["CEN-PRI"]);
  });

  it("without relaxation the pulse mode (8 KB blocks, 5 s pauses) rules: 640 blocks, 639 pauses", () => {
    const p = plan({ computers: [secPc], declined: ["RELAX_SENDERS"] });
    const hop1 = 4.194304 + 639 * 5;
    expect(site(p, "PRI")?.networkArrivalAt).toBe(new Date(NOW + hop1 * 1000).toISOString());
    expect(site(p, "SEC")?.networkArrivalAt).toBe(new Date(NOW + (hop1 + 327.68) * 1000).toISOString());
  });

  it("a hop with no address: the package never arrives by network, so the site gets a parcel", () => {
    const p = plan({ computers: [secPc], addresses: [toBr1, toPri] });
    expect(site(p, "SEC")).toMatchObject({ networkArrivalAt: null, via: "COURIER" });
    expect(item(p, "RELAX_SENDERS").notes).toContain(
      "No sender address from PRI to SEC: the package cannot travel that hop over the network.",
    );
    expect(item(p, "COURIER_SLOW_SITES").tasks[0]?.reason).toMatch(/the package never arrives/);
  });

  it("a site outside the source's subtree is reported, not planned", () => {
    const p = plan({
      computers: [computer({ resourceId: 1, siteCode: "XXX" })],
      sites: [...sites, { siteCode: "XXX", parentSiteCode: "ZZZ" }],
    });
    expect(site(p, "XXX")?.via).toBe("UNREACHABLE");
    expect(item(p, "COURIER_SLOW_SITES").notes[0]).toBe(
      "Site XXX cannot be planned: site XXX is not below the source site CEN.",
    );
  });
});

describe("applying", () => {
  it("checklistToApply leaves out declined items; the timeline records the declines", () => {
    const dp = computer({ resourceId: 100, siteCode: "CEN", isPatchInfrastructure: true });
    const desk = computer({ resourceId: 10, siteCode: "BR1" });
    const p = plan({
      computers: [dp, desk],
      advertisement: { ...emergencyAdvert, advertFlags: 0 },
      declined: ["EXCLUDE_INFRASTRUCTURE"],
    });
    const { changes, tasks } = checklistToApply(p);
    expect(changes.map((c) => c.entity)).toEqual(["ADVERTISEMENT", "SENDER_ADDRESS"]);
    expect(tasks.map((t) => t.kind)).toEqual(["SENDER_RESTORE"]);
    const events = checklistTimelineEvents(
      p,
      [{ key: "EXCLUDE_INFRASTRUCTURE", reason: "The DP is already patched" }],
      NOW,
      "lead-1",
    );
    expect(events.map((e) => e.type)).toEqual(["CHECKLIST_APPLIED", "CHECKLIST_ITEM_DECLINED"]);
    expect(events[0]?.payload).toEqual({
      applied: ["MANDATORY_ON_SLOW_LINKS", "RELAX_SENDERS"],
      declined: [{ key: "EXCLUDE_INFRASTRUCTURE", reason: "The DP is already patched" }],
    });
    for (const e of events) expect(TimelineEventInputSchema.safeParse(e).success).toBe(true);
  });

  it("notes a deadline that has already passed", () => {
    expect(plan({ deadline: NOW - MIN }).summary.notes).toContain(
      "The deadline has already passed: every transfer misses it.",
    );
  });
});

describe("enterprise size", () => {
  it("plans 100,000 computers in one pass", () => {
    const computers: ChecklistComputer[] = [];
    const codes = ["CEN", "BR1", "PRI", "SEC"];
    let dialups = 0;
    let infra = 0;
    for (let i = 1; i <= 100_000; i++) {
      const isInfra = i % 5000 === 1;
      const dial = !isInfra && i % 97 === 0;
      if (dial) dialups++;
      if (isInfra) infra++;
      computers.push({
        resourceId: i,
        name: `PC${i}`,
        siteCode: codes[i % 4] as string,
        connectionProfile: dial ? "DIALUP" : "LAN",
        boundaryConnection: dial ? "REMOTE_SLOW" : "LOCAL_FAST",
        isPatchInfrastructure: isInfra,
      });
    }
    const p = plan({ computers, deadline: NOW + 10 * MIN });
    expect(p.summary.targetComputers).toBe(100_000);
    expect(p.summary.excludedInfraServers).toBe(infra);
    expect(p.summary.advertisedComputers).toBe(100_000 - infra);
    // Every dial-up machine (48 kbit/s: 873.8 s > 600 s) gets a task, at every site.
    expect(dialups).toBe(1030);
    expect(p.summary.slowLinkClientTasks).toBe(dialups);
    expect(p.summary.tasksByKind).toMatchObject({ INFRA_SERVER_MANUAL: infra, SLOW_LINK_CLIENT: dialups });
    // BR1 cannot get 5 MB over 64 kbit/s in 10 minutes (655 s): it gets a parcel.
    expect(p.summary.courierSites).toEqual(["BR1"]);
  });
});
