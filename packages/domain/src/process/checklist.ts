import { z } from "zod";
import { AdvertFlags, ProgramFlags } from "../sms/flags.js";
import { advertisementView, withRemoteClientModes, type AdvertisementFlagFields } from "../sms/advertisement.js";
import {
  addressTypeForSender,
  type AddressType,
  type BoundaryConnection,
  type ClientType,
  type ConnectionProfile,
  type PreferredSender,
  type SendingPriority,
} from "../sms/enums.js";
import { uniformAddressSchedule, type AddressSchedule } from "../sms/schedule.js";
import {
  KB_PER_SECOND_PER_KBPS,
  toEpochMs,
  transferSeconds,
  type RateLimitSpec,
  type TimeInput,
} from "../sms/transfer.js";
import type { OobMethod, OobTargetRef, OobTaskKind } from "./oob.js";
import { formatDuration } from "./sla.js";
import type { TimelineEventInput } from "./timeline.js";

/**
 * The emergency checklist (source excerpt, domain.md §3.3, §8.4 rules 2–5; product.md C6): what the
 * SMS side of an Emergency release needs, planned from the fleet model so the console can show it,
 * let a person decline items with a reason, and apply the rest in one reviewed step.
 *
 *  1. MANDATORY_ON_SLOW_LINKS — the advertisement is mandatory and ONSLOWNET is set ("Assignments
 *     are not mandatory over slow links" cleared); a "Do not run program" choice for clients
 *     without a local DP becomes "Download from remote DP", otherwise ONSLOWNET reaches nobody on
 *     a slow boundary.
 *  2. EXCLUDE_INFRASTRUCTURE — patch-infrastructure servers leave the target; each gets an
 *     INFRA_SERVER_MANUAL task so its restart does not interrupt distribution.
 *  3. RELAX_SENDERS — every sender address on the path from the package's source site to a target
 *     site opens (UsageSchedule all 1, rate limit UNLIMITED); the old settings are saved and a
 *     SENDER_RESTORE task is due when the emergency closes.
 *  4. COURIER_SLOW_SITES — a target site whose network path cannot deliver the package before the
 *     deadline gets it by Courier Sender parcel (preferred sender COURIER for that site) and a
 *     COURIER_PARCEL task. Arrival is computed hop by hop (store and forward) with
 *     `transferSeconds`: bandwidth, schedule and rate limit of each address — after item 3's
 *     relaxation unless item 3 is declined — in the sending site's local hours.
 *  5. SLOW_LINK_CLIENTS — every computer on a slow link (dial-up, a remote/slow boundary or no
 *     boundary) whose download cannot finish before the deadline gets a SLOW_LINK_CLIENT task.
 *     Download = package size ÷ min(client link, boundary link), starting when the content has
 *     reached its site (by network, or by courier after `courierTransitHours`).
 *
 * Link model (sms/transfer.ts): 1 KB = 1,024 bytes, 1 kbit/s = 1,000 bit/s, so a 5,120 KB package
 * over 56 kbit/s takes 5,120 ÷ (56 × 0.1220703125) = 748.98 s of pure transfer.
 *
 * Declining is per item. Pass the declined keys back in `declined` and the dependent items are
 * recomputed (item 4 without relaxed senders, item 5 without courier or without ONSLOWNET). The
 * plan is linear in computers; 100k computers is a single pass with map lookups.
 */

export const CHECKLIST_ITEM_KEYS = [
  "MANDATORY_ON_SLOW_LINKS",
  "EXCLUDE_INFRASTRUCTURE",
  "RELAX_SENDERS",
  "COURIER_SLOW_SITES",
  "SLOW_LINK_CLIENTS",
] as const;
export const ChecklistItemKeySchema = z.enum(CHECKLIST_ITEM_KEYS, { message: "Unknown checklist item" });
export type ChecklistItemKey = z.infer<typeof ChecklistItemKeySchema>;

export const checklistItemTitles: Record<ChecklistItemKey, string> = {
  MANDATORY_ON_SLOW_LINKS: "Make the advertisement mandatory, also over slow links",
  EXCLUDE_INFRASTRUCTURE: "Leave patch-infrastructure servers out and patch them by hand",
  RELAX_SENDERS: "Lift the restrictions on the sender addresses to the target sites",
  COURIER_SLOW_SITES: "Send the package by courier to sites whose link is too slow",
  SLOW_LINK_CLIENTS: "Handle slow-link computers that cannot download in time out of band",
};

export const checklistItemExplanations: Record<ChecklistItemKey, string> = {
  MANDATORY_ON_SLOW_LINKS:
    'Emergency packages are advertised as mandatory, and the "Assignments are not mandatory over slow links" box, checked by default, is cleared.',
  EXCLUDE_INFRASTRUCTURE:
    "Servers that host the patch infrastructure are patched by hand or out of band, so that their restarts do not interrupt the distribution of packages.",
  RELAX_SENDERS:
    "All restrictions on the intersite senders are removed so the update reaches the other sites as quickly as possible.",
  COURIER_SLOW_SITES:
    "When a link between sites has too little bandwidth for a large package, the SMS Courier Sender carries it instead.",
  SLOW_LINK_CLIENTS:
    "Computers that cannot download a large package over a slow link, such as dial-up laptops, are brought to an office or patched another way.",
};

// --- input ------------------------------------------------------------------------------------

export interface ChecklistSite {
  siteCode: string;
  parentSiteCode: string | null;
  name?: string;
  /** Local hours of the site's address schedules; default 0. */
  utcOffsetMinutes?: number;
}

export interface ChecklistAddress {
  addressId: string;
  siteCode: string;
  destSiteCode: string;
  addressType: AddressType;
  priorityOrder: number;
  usageSchedule: AddressSchedule;
  rateLimit: RateLimitSpec;
  bandwidthKbps: number;
}

/** A member of the advertisement's target collection. */
export interface ChecklistComputer {
  resourceId: number;
  name: string;
  siteCode: string;
  connectionProfile: ConnectionProfile;
  /** Connection of the boundary the computer is in; `null` = in no boundary (treated as slow). */
  boundaryConnection: BoundaryConnection | null;
  boundaryId?: string | null;
  /** Capacity of the link behind the boundary, shared by its clients. */
  boundaryLinkKbps?: number | null;
  /** The client's own link; defaults by connection profile. */
  linkKbps?: number | null;
  isPatchInfrastructure: boolean;
  isLaptop?: boolean;
  clientType?: ClientType;
}

export interface ChecklistInput {
  advertisement: AdvertisementFlagFields & { advertisementId: string; collectionId: string };
  program: { programName: string; programFlags: number };
  package: {
    packageId: string;
    sizeKB: number;
    sendingPriority: SendingPriority;
    preferredSender: PreferredSender;
    ignoreAddressSchedule: boolean;
    /** Where distribution starts; default the root of the hierarchy. */
    sourceSite?: string | null;
  };
  sites: readonly ChecklistSite[];
  addresses: readonly ChecklistAddress[];
  computers: readonly ChecklistComputer[];
  deadline: TimeInput;
  now: TimeInput;
  clientLinkKbps?: Partial<Record<ConnectionProfile, number>>;
  /** Parcel transit from the source site, hours; default 24 (the simulator's fastest parcel). */
  courierTransitHours?: number;
  /** Items the reviewer declined; dependent items are planned without them. */
  declined?: readonly ChecklistItemKey[];
}

/** Client download rates by connection profile, kbit/s — the simulator's 2004-era figures. */
export const DEFAULT_CHECKLIST_CLIENT_LINK_KBPS: Record<ConnectionProfile, number> = {
  LAN: 100_000,
  WAN: 512,
  VPN: 768,
  DIALUP: 48,
};
export const DEFAULT_COURIER_TRANSIT_HOURS = 24;

// --- output -----------------------------------------------------------------------------------

export type ChecklistEntity = "ADVERTISEMENT" | "COLLECTION" | "SENDER_ADDRESS" | "PACKAGE_SITE_DELIVERY";

export interface ChecklistChange {
  entity: ChecklistEntity;
  /** Advertisement ID, collection ID, address ID, or `<packageId>@<siteCode>`. */
  id: string;
  /** Only the properties that change, under their API names. */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  summary: string;
}

export interface PlannedOobTask {
  kind: OobTaskKind;
  targetRef: OobTargetRef;
  method: OobMethod;
  /** Other methods worth offering, best first. */
  methodAlternatives: OobMethod[];
  /** `null` = when the emergency closes. */
  dueAt: string | null;
  reason: string;
  /** SENDER_RESTORE: the settings to put back. */
  savedBaseline?: { usageSchedule: AddressSchedule; rateLimit: RateLimitSpec };
}

export interface ChecklistItem {
  key: ChecklistItemKey;
  title: string;
  explanation: string;
  /** False when there is nothing to do (already set, no such machines). */
  applicable: boolean;
  declined: boolean;
  changes: ChecklistChange[];
  tasks: PlannedOobTask[];
  notes: string[];
}

export interface SiteDelivery {
  siteCode: string;
  /** Sites from the source to this one. */
  path: string[];
  /** Address IDs used, one per hop. */
  addressIds: string[];
  /** Slowest address on the path, kbit/s; null for the source site. */
  bottleneckKbps: number | null;
  /** Arrival over the network (ISO), null = never (no route, or the schedule never opens). */
  networkArrivalAt: string | null;
  via: "SOURCE" | "NETWORK" | "COURIER" | "UNREACHABLE";
  /** When the content is on the site's DPs under the plan (ISO), null = never. */
  contentReadyAt: string | null;
  isTarget: boolean;
}

export interface ChecklistSummary {
  deadlineAt: string;
  packageSizeKB: number;
  targetComputers: number;
  /** Targets left in the advertisement after exclusions. */
  advertisedComputers: number;
  excludedInfraServers: number;
  relaxedAddresses: number;
  courierSites: string[];
  slowLinkClientTasks: number;
  tasksByKind: Partial<Record<OobTaskKind, number>>;
  declined: ChecklistItemKey[];
  notes: string[];
}

export interface ChecklistPlan {
  items: ChecklistItem[];
  sites: SiteDelivery[];
  summary: ChecklistSummary;
}

// --- planning ---------------------------------------------------------------------------------

const iso = (ms: number) => new Date(ms).toISOString();
const readable = (ms: number) => (Number.isFinite(ms) ? `${iso(ms).slice(0, 16).replace("T", " ")} UTC` : "never");
const kb = (n: number) => `${Math.round(n).toLocaleString("en-GB")} KB`;
const OPEN_RATE: RateLimitSpec = { mode: "UNLIMITED" };

function isRelaxed(a: Pick<ChecklistAddress, "usageSchedule" | "rateLimit">): boolean {
  if (a.rateLimit.mode !== "UNLIMITED") return false;
  for (const day of a.usageSchedule) for (const h of day) if (h !== 1) return false;
  return a.usageSchedule.length === 7;
}

function describeSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  return formatDuration(s * 1000);
}

function pickAddress(
  list: readonly ChecklistAddress[] | undefined,
  preferred: PreferredSender,
): ChecklistAddress | undefined {
  if (!list || list.length === 0) return undefined;
  if (preferred !== "NO_PREFERENCE" && preferred !== "COURIER") {
    const type = addressTypeForSender[preferred];
    const match = list.find((a) => a.addressType === type);
    if (match) return match;
  }
  return list[0];
}

export function planEmergencyChecklist(input: ChecklistInput): ChecklistPlan {
  const nowMs = toEpochMs(input.now);
  const deadlineMs = toEpochMs(input.deadline);
  const declined = new Set<ChecklistItemKey>(input.declined ?? []);
  const pkg = input.package;
  const sizeKB = pkg.sizeKB;
  const courierMs = (input.courierTransitHours ?? DEFAULT_COURIER_TRANSIT_HOURS) * 3_600_000;
  const linkDefaults = { ...DEFAULT_CHECKLIST_CLIENT_LINK_KBPS, ...input.clientLinkKbps };
  const summaryNotes: string[] = [];
  if (deadlineMs <= nowMs) summaryNotes.push("The deadline has already passed: every transfer misses it.");

  // 1. Advertisement -----------------------------------------------------------------------
  const ad = input.advertisement;
  const view = advertisementView(ad);
  const item1: ChecklistItem = newItem("MANDATORY_ON_SLOW_LINKS", declined);
  let advertFlags = ad.advertFlags >>> 0;
  if (!view.mandatory) advertFlags = AdvertFlags.with(advertFlags, "IMMEDIATE", true);
  advertFlags = AdvertFlags.with(advertFlags, "ONSLOWNET", true);
  const remoteClientFlags =
    view.noLocalDpMode === "DONT_RUN"
      ? withRemoteClientModes(ad.remoteClientFlags, { noLocalDpMode: "DOWNLOAD_REMOTE" })
      : ad.remoteClientFlags >>> 0;
  if (advertFlags !== ad.advertFlags >>> 0 || remoteClientFlags !== ad.remoteClientFlags >>> 0) {
    const after = advertisementView({ ...ad, advertFlags, remoteClientFlags });
    const what: string[] = [];
    if (!view.mandatory) what.push('add a mandatory assignment "as soon as possible"');
    if (!view.mandatoryOverSlowLinks) what.push('clear "Assignments are not mandatory over slow links"');
    if (remoteClientFlags !== ad.remoteClientFlags >>> 0)
      what.push('"Download program from remote distribution point" when no distribution point is local');
    item1.changes.push({
      entity: "ADVERTISEMENT",
      id: ad.advertisementId,
      before: {
        advertFlags: ad.advertFlags >>> 0,
        remoteClientFlags: ad.remoteClientFlags >>> 0,
        mandatory: view.mandatory,
        mandatoryOverSlowLinks: view.mandatoryOverSlowLinks,
        noLocalDpMode: view.noLocalDpMode,
      },
      after: {
        advertFlags,
        remoteClientFlags,
        mandatory: after.mandatory,
        mandatoryOverSlowLinks: after.mandatoryOverSlowLinks,
        noLocalDpMode: after.noLocalDpMode,
      },
      summary: `Advertisement ${ad.advertisementId}: ${what.join("; ")}.`,
    });
  } else {
    item1.applicable = false;
    item1.notes.push("The advertisement is already mandatory, also over slow links.");
  }
  if (ProgramFlags.has(input.program.programFlags, "DISABLED")) {
    item1.notes.push(
      `Program "${input.program.programName}" is disabled on computers where it is advertised: nobody runs it until it is enabled again.`,
    );
  }
  const effectiveAd = declined.has("MANDATORY_ON_SLOW_LINKS")
    ? view
    : advertisementView({ ...ad, advertFlags, remoteClientFlags });

  // 2. Infrastructure servers -------------------------------------------------------------------
  const item2 = newItem("EXCLUDE_INFRASTRUCTURE", declined);
  const excludeInfra = !declined.has("EXCLUDE_INFRASTRUCTURE");
  const infraIds: number[] = [];
  for (const c of input.computers) {
    if (!c.isPatchInfrastructure) continue;
    infraIds.push(c.resourceId);
    item2.tasks.push({
      kind: "INFRA_SERVER_MANUAL",
      targetRef: { type: "COMPUTER", id: String(c.resourceId), label: c.name },
      method: "CONSOLE_LOGON",
      methodAlternatives: [],
      dueAt: iso(deadlineMs),
      reason: `${c.name} hosts the patch infrastructure at site ${c.siteCode}: patch it by hand, at a time when its restart does not interrupt distribution.`,
    });
  }
  if (infraIds.length > 0) {
    item2.changes.push({
      entity: "COLLECTION",
      id: ad.collectionId,
      before: { excludedResourceIds: [] },
      after: { excludedResourceIds: infraIds },
      summary: `Exclude ${infraIds.length} patch-infrastructure ${infraIds.length === 1 ? "server" : "servers"} from collection ${ad.collectionId}.`,
    });
  } else {
    item2.applicable = false;
    item2.notes.push("No patch-infrastructure server is in the target collection.");
  }

  // Sites and routes ------------------------------------------------------------------------------
  const siteByCode = new Map<string, ChecklistSite>();
  for (const s of input.sites) siteByCode.set(s.siteCode, s);
  const roots = input.sites.filter((s) => s.parentSiteCode === null);
  const source = pkg.sourceSite ?? roots[0]?.siteCode ?? null;
  if (!pkg.sourceSite && roots.length > 1)
    summaryNotes.push(`Several sites have no parent; distribution is planned from ${source}.`);
  const addressesByHop = new Map<string, ChecklistAddress[]>();
  for (const a of input.addresses) {
    const k = `${a.siteCode}>${a.destSiteCode}`;
    const list = addressesByHop.get(k);
    if (list) list.push(a);
    else addressesByHop.set(k, [a]);
  }
  for (const list of addressesByHop.values()) list.sort((x, y) => x.priorityOrder - y.priorityOrder);

  const advertised = excludeInfra ? input.computers.filter((c) => !c.isPatchInfrastructure) : input.computers;
  const targetSites = new Set<string>();
  for (const c of advertised) targetSites.add(c.siteCode);

  /** Path from the source down to `site`, or null when the site is not below the source. */
  const pathCache = new Map<string, string[] | null>();
  const pathTo = (site: string): string[] | null => {
    const cached = pathCache.get(site);
    if (cached !== undefined) return cached;
    const up: string[] = [];
    let cur: string | null = site;
    let guard = 0;
    while (cur !== null && cur !== source && guard++ <= input.sites.length) {
      up.push(cur);
      cur = siteByCode.get(cur)?.parentSiteCode ?? null;
    }
    const path = cur === source && source !== null ? [source, ...up.reverse()] : null;
    pathCache.set(site, path);
    return path;
  };

  // 3. Relax sender addresses ------------------------------------------------------------------
  const item3 = newItem("RELAX_SENDERS", declined);
  const relax = !declined.has("RELAX_SENDERS");
  const onPath = new Map<string, ChecklistAddress>();
  const missingHops = new Set<string>();
  for (const site of [...targetSites].sort()) {
    const path = pathTo(site);
    if (!path) continue;
    for (let i = 1; i < path.length; i++) {
      const hop = `${path[i - 1]}>${path[i]}`;
      const a = pickAddress(addressesByHop.get(hop), pkg.preferredSender);
      if (a) onPath.set(a.addressId, a);
      else missingHops.add(hop);
    }
  }
  for (const a of [...onPath.values()].sort((x, y) => x.addressId.localeCompare(y.addressId))) {
    if (isRelaxed(a)) continue;
    const baseline = { usageSchedule: a.usageSchedule, rateLimit: a.rateLimit };
    item3.changes.push({
      entity: "SENDER_ADDRESS",
      id: a.addressId,
      before: { usageSchedule: a.usageSchedule, rateLimit: a.rateLimit },
      after: { usageSchedule: uniformAddressSchedule(1), rateLimit: OPEN_RATE, savedBaseline: baseline },
      summary: `Address ${a.addressId} (${a.siteCode} → ${a.destSiteCode}): open for all priorities at all hours, unlimited rate; old settings saved.`,
    });
    item3.tasks.push({
      kind: "SENDER_RESTORE",
      targetRef: { type: "SENDER_ADDRESS", id: a.addressId, label: `${a.siteCode} → ${a.destSiteCode}` },
      method: "CONSOLE_LOGON",
      methodAlternatives: [],
      dueAt: null,
      reason: `Put back the schedule and rate limit of address ${a.addressId} when the emergency closes.`,
      savedBaseline: baseline,
    });
  }
  if (item3.changes.length === 0) {
    item3.applicable = false;
    item3.notes.push(
      onPath.size === 0
        ? "No sender address lies between the source site and the target sites."
        : "Every sender address on the path is already unrestricted.",
    );
  }
  for (const hop of [...missingHops].sort())
    item3.notes.push(
      `No sender address from ${hop.replace(">", " to ")}: the package cannot travel that hop over the network.`,
    );

  // 4. Arrival per site and courier ---------------------------------------------------------------
  const item4 = newItem("COURIER_SLOW_SITES", declined);
  const useCourier = !declined.has("COURIER_SLOW_SITES");
  const deliveries = new Map<string, SiteDelivery & { readyMs: number; networkMs: number }>();
  const deliver = (site: string): { readyMs: number } => {
    const known = deliveries.get(site);
    if (known) return known;
    const path = pathTo(site);
    const isTarget = targetSites.has(site);
    if (!path) {
      const d = {
        siteCode: site,
        path: [],
        addressIds: [],
        bottleneckKbps: null,
        networkArrivalAt: null,
        via: "UNREACHABLE" as const,
        contentReadyAt: null,
        isTarget,
        readyMs: Infinity,
        networkMs: Infinity,
      };
      deliveries.set(site, d);
      return d;
    }
    if (path.length === 1) {
      const d = {
        siteCode: site,
        path,
        addressIds: [],
        bottleneckKbps: null,
        networkArrivalAt: iso(nowMs),
        via: "SOURCE" as const,
        contentReadyAt: iso(nowMs),
        isTarget,
        readyMs: nowMs,
        networkMs: nowMs,
      };
      deliveries.set(site, d);
      return d;
    }
    const parent = path[path.length - 2] as string;
    const parentReady = deliver(parent).readyMs;
    const parentInfo = deliveries.get(parent);
    const a = pickAddress(addressesByHop.get(`${parent}>${site}`), pkg.preferredSender);
    let networkMs = Infinity;
    if (a && Number.isFinite(parentReady)) {
      const relaxed = relax && onPath.has(a.addressId);
      const secs = transferSeconds(
        sizeKB,
        { bandwidthKbps: a.bandwidthKbps, utcOffsetMinutes: siteByCode.get(parent)?.utcOffsetMinutes ?? 0 },
        pkg.ignoreAddressSchedule ? null : relaxed ? null : a.usageSchedule,
        relaxed ? OPEN_RATE : a.rateLimit,
        parentReady,
        pkg.sendingPriority,
      );
      networkMs = parentReady + secs * 1000;
    }
    const addressIds = [...(parentInfo?.addressIds ?? []), ...(a ? [a.addressId] : [])];
    const parentBottleneck = parentInfo?.bottleneckKbps ?? null;
    const bottleneckKbps = a ? Math.min(parentBottleneck ?? Infinity, a.bandwidthKbps) : parentBottleneck;
    let via: SiteDelivery["via"] = Number.isFinite(networkMs) ? "NETWORK" : "UNREACHABLE";
    let readyMs = networkMs;
    if (isTarget && networkMs > deadlineMs && useCourier) {
      via = "COURIER";
      readyMs = nowMs + courierMs;
    }
    const d = {
      siteCode: site,
      path,
      addressIds,
      bottleneckKbps,
      networkArrivalAt: Number.isFinite(networkMs) ? iso(networkMs) : null,
      via,
      contentReadyAt: Number.isFinite(readyMs) ? iso(readyMs) : null,
      isTarget,
      readyMs,
      networkMs,
    };
    deliveries.set(site, d);
    return d;
  };
  for (const site of [...targetSites].sort()) deliver(site);

  const courierSites: string[] = [];
  for (const site of [...targetSites].sort()) {
    const d = deliveries.get(site);
    if (!d || d.networkMs <= deadlineMs) continue;
    const network =
      d.path.length === 0
        ? `site ${site} is not below the source site ${source ?? "(none)"}`
        : Number.isFinite(d.networkMs)
          ? `over ${d.path.join(" → ")} (slowest link ${d.bottleneckKbps ?? "?"} kbit/s) the ${kb(sizeKB)} package arrives ${readable(d.networkMs)}`
          : `over ${d.path.join(" → ")} the package never arrives (no address, or the schedule never opens for ${pkg.sendingPriority.toLowerCase()} priority)`;
    if (d.via !== "COURIER" && d.path.length === 0) {
      item4.notes.push(`Site ${site} cannot be planned: ${network}.`);
      continue;
    }
    if (!useCourier) continue;
    courierSites.push(site);
    const name = siteByCode.get(site)?.name;
    item4.changes.push({
      entity: "PACKAGE_SITE_DELIVERY",
      id: `${pkg.packageId}@${site}`,
      before: { via: "NETWORK", preferredSender: pkg.preferredSender },
      after: { via: "COURIER_PARCEL", preferredSender: "COURIER" },
      summary: `Site ${site}: send package ${pkg.packageId} by Courier Sender parcel.`,
    });
    item4.tasks.push({
      kind: "COURIER_PARCEL",
      targetRef: { type: "SITE", id: site, label: name ?? site },
      method: "PARCEL",
      methodAlternatives: [],
      dueAt: iso(deadlineMs),
      reason: `Deadline ${readable(deadlineMs)}, but ${network}.`,
    });
    if (nowMs + courierMs > d.networkMs) {
      item4.notes.push(
        `Site ${site}: a parcel (about ${formatDuration(courierMs)}) arrives later than the network (${readable(d.networkMs)}); consider declining the courier for it.`,
      );
    } else if (nowMs + courierMs > deadlineMs) {
      item4.notes.push(
        `Site ${site}: the parcel also arrives after the deadline (about ${readable(nowMs + courierMs)}); patch critical machines there out of band.`,
      );
    }
  }
  if (item4.changes.length === 0) {
    item4.applicable = false;
    if (!useCourier) item4.notes.push("Declined: sites the network cannot reach in time keep waiting for the network.");
    else item4.notes.push("Every target site receives the package over the network before the deadline.");
  }

  // 5. Slow-link clients --------------------------------------------------------------------------
  const item5 = newItem("SLOW_LINK_CLIENTS", declined);
  const rateKBps = KB_PER_SECOND_PER_KBPS;
  const shared = new Map<string, { count: number; kbps: number; readyMs: number; site: string }>();
  const lateBySite = new Map<string, number>();
  for (const c of advertised) {
    const readyMs = deliveries.get(c.siteCode)?.readyMs ?? Infinity;
    const slow = c.connectionProfile === "DIALUP" || c.boundaryConnection !== "LOCAL_FAST";
    if (!slow) {
      if (readyMs > deadlineMs) lateBySite.set(c.siteCode, (lateBySite.get(c.siteCode) ?? 0) + 1);
      continue;
    }
    const clientKbps = c.linkKbps ?? linkDefaults[c.connectionProfile];
    const kbps = Math.min(clientKbps, c.boundaryLinkKbps ?? Infinity);
    const forced =
      (c.clientType ?? "ADVANCED") === "LEGACY"
        ? effectiveAd.forcesLegacySlowLinkClients
        : effectiveAd.forcesSlowBoundaryClients;
    if (c.boundaryId && c.boundaryLinkKbps) {
      const s = shared.get(c.boundaryId);
      if (s) s.count++;
      else shared.set(c.boundaryId, { count: 1, kbps: c.boundaryLinkKbps, readyMs, site: c.siteCode });
    }
    const downloadS = kbps > 0 ? sizeKB / (kbps * rateKBps) : Infinity;
    const finishMs = Math.max(nowMs, readyMs) + downloadS * 1000;
    if (forced && finishMs <= deadlineMs) continue;
    const link =
      c.connectionProfile === "DIALUP"
        ? "dial-up"
        : c.boundaryConnection === null
          ? "no boundary (slow)"
          : "slow boundary";
    let why: string;
    if (!forced) why = "the advertisement does not force its program on slow-link clients";
    else if (!Number.isFinite(readyMs)) why = `the package never reaches site ${c.siteCode} over the network`;
    else {
      const waits = readyMs > nowMs ? `the content reaches site ${c.siteCode} at ${readable(readyMs)}, then ` : "";
      why = `${waits}downloading ${kb(sizeKB)} at ${kbps} kbit/s takes ${describeSeconds(downloadS)} and ends ${readable(finishMs)}, after the deadline ${readable(deadlineMs)}`;
    }
    const laptop = c.isLaptop ?? c.connectionProfile === "DIALUP";
    item5.tasks.push({
      kind: "SLOW_LINK_CLIENT",
      targetRef: { type: "COMPUTER", id: String(c.resourceId), label: c.name },
      method: laptop ? "BRING_TO_OFFICE" : "CD",
      methodAlternatives: laptop ? ["VPN", "CD"] : ["USB", "BRING_TO_OFFICE"],
      dueAt: iso(deadlineMs),
      reason: `${c.name} (${link}): ${why}.`,
    });
  }
  for (const [boundaryId, s] of shared) {
    if (s.count < 2 || !Number.isFinite(s.readyMs)) continue;
    const needS = (s.count * sizeKB) / (s.kbps * rateKBps);
    if (Math.max(nowMs, s.readyMs) + needS * 1000 > deadlineMs) {
      item5.notes.push(
        `${s.count} slow-link computers behind boundary ${boundaryId} (site ${s.site}) share a ${s.kbps} kbit/s link and together need ${describeSeconds(needS)}: more of them may miss the deadline than listed.`,
      );
    }
  }
  if (item5.tasks.length === 0) {
    item5.applicable = false;
    item5.notes.push("Every slow-link computer can download the package before the deadline.");
  }
  for (const [site, n] of [...lateBySite].sort()) {
    const d = deliveries.get(site);
    item5.notes.push(
      `${n} fast-link ${n === 1 ? "computer" : "computers"} at site ${site} will only get the package ${d?.via === "COURIER" ? `when the parcel arrives (about ${readable(d.readyMs)})` : "after the deadline"}.`,
    );
  }
  if (!effectiveAd.mandatory)
    summaryNotes.push("The advertisement is not mandatory: clients install only when a user runs the program.");

  // Summary ------------------------------------------------------------------------------------
  const items = [item1, item2, item3, item4, item5];
  const tasksByKind: Partial<Record<OobTaskKind, number>> = {};
  for (const it of items) {
    if (it.declined) continue;
    for (const t of it.tasks) tasksByKind[t.kind] = (tasksByKind[t.kind] ?? 0) + 1;
  }
  const sites = [...deliveries.values()]
    .map(({ readyMs: _r, networkMs: _n, ...d }) => d)
    .sort((a, b) => a.siteCode.localeCompare(b.siteCode));
  return {
    items,
    sites,
    summary: {
      deadlineAt: iso(deadlineMs),
      packageSizeKB: sizeKB,
      targetComputers: input.computers.length,
      advertisedComputers: advertised.length,
      excludedInfraServers: excludeInfra ? infraIds.length : 0,
      relaxedAddresses: relax ? item3.changes.length : 0,
      courierSites: useCourier ? courierSites : [],
      slowLinkClientTasks: declined.has("SLOW_LINK_CLIENTS") ? 0 : item5.tasks.length,
      tasksByKind,
      declined: CHECKLIST_ITEM_KEYS.filter((k) => declined.has(k)),
      notes: summaryNotes,
    },
  };
}

function newItem(key: ChecklistItemKey, declined: ReadonlySet<ChecklistItemKey>): ChecklistItem {
  return {
    key,
    title: checklistItemTitles[key],
    explanation: checklistItemExplanations[key],
    applicable: true,
    declined: declined.has(key),
    changes: [],
    tasks: [],
    notes: [],
  };
}

/** The changes and tasks to carry out: those of the items not declined. */
export function checklistToApply(plan: ChecklistPlan): { changes: ChecklistChange[]; tasks: PlannedOobTask[] } {
  const changes: ChecklistChange[] = [];
  const tasks: PlannedOobTask[] = [];
  for (const it of plan.items) {
    if (it.declined) continue;
    changes.push(...it.changes);
    tasks.push(...it.tasks);
  }
  return { changes, tasks };
}

/** Timeline events for applying a plan: one CHECKLIST_APPLIED plus one CHECKLIST_ITEM_DECLINED per declined item. */
export function checklistTimelineEvents(
  plan: ChecklistPlan,
  declined: readonly { key: ChecklistItemKey; reason: string }[],
  at: TimeInput,
  actorId: string,
): TimelineEventInput[] {
  const when = iso(toEpochMs(at));
  const declinedKeys = new Set(declined.map((d) => d.key));
  const applied = plan.items.filter((i) => !declinedKeys.has(i.key) && i.applicable).map((i) => i.key);
  const events: TimelineEventInput[] = [
    {
      type: "CHECKLIST_APPLIED",
      at: when,
      actorId,
      summary: `Emergency checklist applied: ${applied.length} ${applied.length === 1 ? "item" : "items"}, ${declined.length} declined`,
      payload: { applied, declined: declined.map((d) => ({ key: d.key, reason: d.reason })) },
    },
  ];
  for (const d of declined) {
    events.push({
      type: "CHECKLIST_ITEM_DECLINED",
      at: when,
      actorId,
      summary: `Declined "${checklistItemTitles[d.key]}": ${d.reason}`,
      payload: { key: d.key, reason: d.reason },
    });
  }
  return events;
}
